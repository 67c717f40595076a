"""Benchmark: the browser verifier (issue #11, "Speed") in headless Chromium.

Two real published bundles: the demo's (``randcheck demo``: 20,000 entities, a v2 draw with
witnesses and results) and a 1,000,000-entity office (bench_results' ``office``, one task over
two strata, published with its population files gzipped).  Each is given to the verifier page
as a reader gives it, a folder picked on ``<input type=file webkitdirectory>`` (the DevTools
protocol's ``DOM.setFileInputFiles``), and ``RandcheckVerifier.verify(...)`` is timed in the
page (``performance.now()``, median of ``--runs``), with the office's and witnesses' keys.

Memory: the page's renderer process, its peak resident size during the run (``VmHWM`` after
``clear_refs``) less its size before; and the peak of the JS heap sampled in the page every
10 ms (``performance.memory``, precise with ``--enable-precise-memory-info``).  Both against
the bundle's size on disk (the JS heap counts ArrayBuffers too: the files' bytes, the gunzipped
population and its parsed copy; the gzipped 1,000,000-entity bundle is 9 MB on disk, its
population alone 19 MB unpacked).  "kept": the heap the report and the verifier still hold
after the run once garbage is collected.  ``--phases`` adds the heap's peak (above the start)
within each step of ``verify()`` (PHASES), to see where the memory goes.
``randcheck verify`` (Python) is timed once on each
bundle for comparison.  Targets (issue #11): demo ≤ 2 s, 1,000,000 entities ≤ 10 s,
memory ≤ 4× the bundle.

    python bench/bench_verifier.py
    python bench/bench_verifier.py --keep /tmp/vb      # build once into /tmp/vb, reuse later
    python bench/bench_verifier.py --entities 200000 --runs 5
    python bench/bench_verifier.py --http              # also over http (fromHttp)
    python bench/bench_verifier.py --keep /tmp/vb --only office-1000000 --phases
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import cdp
from tests.browser.verifier import corpus
from tests.browser.verifier.conftest_corpus import (
    add_input,
    b64,
    open_window,
    pick,
)

#: precise performance.memory, and gc() to start each run from a collected heap
EXTRA_FLAGS = ("--enable-precise-memory-info", "--js-flags=--expose-gc")

#: the steps of verify() whose peak heap ``--phases`` reports (namespace: functions)
PHASES = {
    "Reading": ["read", "gunzip"],
    "Documents": ["documents", "population"],
    "Commit": ["parse_population_file", "population_root"],
    "Replay": ["replay"],
    "Announce": ["check_disjoint"],
    "Select": ["select_all"],
    "Ordering": ["checks"],
    "Log": ["open"],
    "Complete": ["checks"],
    "Tables": ["results_check", "xlsx_check"],
    "Page": ["page_check"],
    "Inspection": ["checks"],
    "Files": ["files_check", "sums_signature"],
}

RUN_JS = """(async (input, http, keys, witnesses, phases) => {
  const raw = (s) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
  const R = RandcheckVerifier, mem = () => performance.memory.usedJSHeapSize;
  // gc() twice with a pause: the ArrayBuffers it frees leave the count once swept, after it
  const collect = async () => {
    if (typeof gc !== "function") return;
    gc(); await new Promise((ok) => setTimeout(ok, 200)); gc();
  };
  await collect();
  const before = mem();
  let peak = before;
  // --phases: each listed step wrapped (on a copy of the verifier's namespaces: the calls in
  // verify() look them up when made) to note the heap on entry, on exit and every 10 ms within
  const stack = [], byPhase = {}, saved = [];
  const note = () => {
    const x = mem(), at = stack.join(" > ") || "(verify)";
    peak = Math.max(peak, x);
    byPhase[at] = Math.max(byPhase[at] || 0, x - before);
  };
  for (const [ns, names] of Object.entries(phases || {})) {
    for (const f of names) {
      const space = R.internals[ns], orig = space[f];
      saved.push([space, f, orig]);
      space[f] = function (...args) { // sync stays sync (some calls are not awaited)
        stack.push(`${ns}.${f}`); note();
        const done = () => { note(); stack.pop(); };
        let out;
        try { out = orig.apply(this, args); } catch (e) { done(); throw e; }
        if (out && typeof out.then === "function") return out.finally(done);
        done();
        return out;
      };
    }
  }
  const timer = setInterval(note, 10);
  const t0 = performance.now();
  const source = http ? R.sources.fromHttp(new URL(http, location.href).href)
                      : R.sources.fromFiles(document.getElementById(input).files);
  const r = await R.verify(await source, { keys: keys.map(raw), witnessKeys: witnesses.map(raw) });
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, mem());
  for (const [space, f, orig] of saved) space[f] = orig;
  let kept = null; // what the report and its verifier still hold once garbage is collected
  if (typeof gc === "function") { await collect(); kept = mem() - before; }
  return { ms, status: r.status, first: r.first_failure, checks: r.checks.length,
           heapBefore: before, heapPeak: peak, kept, phases: byPhase };
})"""


# -- the bundles --------------------------------------------------------------------------------


def bundles(root: Path, entities: int) -> dict[str, corpus.Bundle]:
    """The demo's bundle and the large office's, built into ``root`` unless already there
    (``root/bundles.json`` names them and their keys)."""
    index = root / "bundles.json"
    known = json.loads(index.read_text("utf-8")) if index.is_file() else {}
    big = f"office-{entities}"
    if "demo" not in known:
        t = time.perf_counter()
        shutil.rmtree(root / "work" / "demo", ignore_errors=True)
        shutil.rmtree(root / "demo", ignore_errors=True)
        b = corpus.demo_bundle(root / "work" / "demo", root / "demo")
        known["demo"] = {
            "path": "demo",
            "office": b.office.hex(),
            "witnesses": [w.hex() for w in b.witnesses],
        }
        print(f"built the demo bundle in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    if big not in known:
        t = time.perf_counter()
        shutil.rmtree(root / "work" / big, ignore_errors=True)
        shutil.rmtree(root / big, ignore_errors=True)
        _path, office = corpus.office_bundle(
            root / "work" / big, root / big, entities, targets=50, strata=2
        )
        known[big] = {"path": big, "office": office.hex(), "witnesses": []}
        print(
            f"built the {entities:,}-entity bundle in {time.perf_counter() - t:.1f} s",
            file=sys.stderr,
        )
    index.write_text(json.dumps(known, indent=1), "utf-8")
    shutil.rmtree(root / "work", ignore_errors=True)  # the workspaces are not needed again
    return {
        name: corpus.Bundle(
            name,
            name,
            root / row["path"],
            bytes.fromhex(row["office"]),
            tuple(bytes.fromhex(w) for w in row["witnesses"]),
        )
        for name, row in known.items()
        if name in ("demo", big)
    }


def python_seconds(bundle: corpus.Bundle) -> float:
    """``verify_bundle`` on the same bundle with the same keys, once (the reference)."""
    from randcheck.services.verify import verify_bundle

    t = time.perf_counter()
    report = verify_bundle(bundle.path, bundle.trusted(), trusted_witnesses=bundle.witness_ids())
    took = time.perf_counter() - t
    assert report.ok, report.to_json()["first_failure"]
    return took


def disk_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# -- the renderer's memory ------------------------------------------------------------------------


def renderers(browser: cdp.Browser) -> list[int]:
    """The pids of the browser's renderer processes (its process group, --type=renderer)."""
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        pgrp = int(stat.rsplit(")", 1)[1].split()[2])
        if pgrp == browser.proc.pid and b"--type=renderer" in cmd:
            out.append(int(proc.name))
    return out


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peaks(pids: list[int]) -> dict[int, int]:
    """Resets each process's peak RSS (``clear_refs`` 5) and returns its RSS now (kB)."""
    now = {}
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            now[pid] = status_kb(pid, "VmRSS")
        except OSError:
            continue
    return now


# -- one bundle ---------------------------------------------------------------------------------


def measure(
    browser: cdp.Browser,
    base: str,
    bundle: corpus.Bundle,
    runs: int,
    http: bool,
    phases: bool = False,
) -> dict[str, Any]:
    """Opens a fresh window, picks the bundle's folder, verifies ``runs`` times (with
    ``phases``, the last run notes the heap's peak in each step of PHASES)."""
    keys, witnesses = [b64(bundle.office)], [b64(w) for w in bundle.witnesses]
    with open_window(browser, f"{base}page/verify.html") as page:
        add_input(page, "pick", directory=True)
        pick(page, "pick", bundle.path)
        times, rss, top, heap, kept, last = [], [], [], [], [], {}
        for run in range(runs):
            pids = renderers(browser)
            before = reset_peaks(pids)
            where = json.dumps(f"../{bundle.path.name}/" if http else None)
            wrap = json.dumps(PHASES if phases and run == runs - 1 else {})
            last = page.eval(
                f"{RUN_JS}('pick', {where}, {json.dumps(keys)}, {json.dumps(witnesses)}, {wrap})"
            )
            grown = [
                status_kb(p, "VmHWM") - before[p] for p in before if Path(f"/proc/{p}").exists()
            ]
            peaks = [status_kb(p, "VmHWM") for p in before if Path(f"/proc/{p}").exists()]
            times.append(last["ms"] / 1000)
            rss.append(max(grown, default=0) * 1024)
            top.append(max(peaks, default=0) * 1024)
            heap.append(last["heapPeak"] - last["heapBefore"])
            kept.append(last["kept"] or 0)
    return {"times": times, "rss": rss, "top": top, "heap": heap, "kept": kept, "last": last}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the bundles here once and reuse them")
    ap.add_argument("--http", action="store_true", help="also verify over http (fromHttp)")
    ap.add_argument(
        "--phases",
        action="store_true",
        help="also print the JS heap's peak in each step of verify() (its last run)",
    )
    ap.add_argument("--only", help="only this bundle (demo, office-<entities>)")
    args = ap.parse_args()
    binary = cdp.find_chromium()
    if binary is None:
        sys.exit(f"chromium not found: {cdp.INSTALL_HINT}")
    root = args.keep or Path(tempfile.mkdtemp(prefix="randcheck-bench-verifier-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        found = bundles(root, args.entities)
        from tests.browser.verifier.conftest import write_verifier

        write_verifier(root / "page")  # the verifier of this checkout, not the bundle's copy
        cdp.FLAGS = (*cdp.FLAGS, *EXTRA_FLAGS)  # read when the browser starts
        browser = cdp.Browser(binary)
        try:
            with cdp.serve(root) as base:
                print(
                    f"{'bundle':22} {'mode':6} {'on disk':>9} {'median':>8} {'runs':>22} "
                    f"{'RSS peak':>9} {'×disk':>6} {'JS heap':>9} {'×disk':>6} {'kept':>7}  status"
                )
                for name, bundle in found.items():
                    if args.only and name != args.only:
                        continue
                    size = disk_size(bundle.path)
                    py = python_seconds(bundle)
                    print(
                        f"{name:22} {'Python':6} {size / 2**20:7.1f}MB {py:7.2f}s "
                        "(randcheck verify in this process, for comparison)"
                    )
                    for mode in ("folder", "http") if args.http else ("folder",):
                        m = measure(browser, base, bundle, args.runs, mode == "http", args.phases)
                        rss, heap = max(m["rss"]), max(m["heap"])
                        last = m["last"]
                        status = last["status"] + (f" ({last['first']})" if last["first"] else "")
                        runs = " ".join(f"{t:.2f}" for t in m["times"])
                        print(
                            f"{name:22} {mode:6} {size / 2**20:7.1f}MB "
                            f"{statistics.median(m['times']):7.2f}s {runs:>22} "
                            f"{rss / 2**20:7.1f}MB {rss / size:6.1f} "
                            f"{heap / 2**20:7.1f}MB {heap / size:6.1f} "
                            f"{max(m['kept']) / 2**20:5.1f}MB  {status}"
                        )
                        print(
                            f"{'':22} {'':6} renderer's peak RSS itself (not less its size "
                            f"before the run): {max(m['top']) / 2**20:.1f}MB"
                        )
                        for step, grew in sorted(last["phases"].items()):
                            print(f"    {step:58} {grew / 2**20:7.1f}MB {grew / size:6.1f}")
        finally:
            browser.close()
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print("targets (issue #11): demo ≤ 2 s, 1,000,000 entities ≤ 10 s, memory ≤ 4× the bundle")


if __name__ == "__main__":
    main()
