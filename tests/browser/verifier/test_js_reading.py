"""js/reading.js against randcheck.services.verify.reading: the same files read, refused and
charged on the same crafted folders (bounds, budget, the log tail's lines, gunzip), and the
sources (a zip with a top folder, picked files) giving the bundle's paths.

A folder is described once (:data:`Spec`) and made twice: as files on disk for Python's
``BundleFiles`` and as an in-page source for the JavaScript one, so large files cost no
transfer (``("fill", size, byte)`` and ``("repeat", unit, times)`` are generated on both sides).
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from randcheck.bundle import layout
from randcheck.errors import RandcheckError
from randcheck.services.verify import reading
from tests.browser.verifier.conftest import js_bytes

pytestmark = pytest.mark.browser

Spec = dict[str, Any]  # path -> bytes | ("fill", size, byte) | ("repeat", unit bytes, times)
MIB = 1024 * 1024

#: an in-page source over a spec (JSON): files generated on demand, read up to limit + 1 bytes
SOURCE_JS = """(spec) => {
  const bytesOf = (v) => {
    if (v[0] === "b64") return V.Bytes.fromBase64(v[1]);
    if (v[0] === "fill") return new Uint8Array(v[1]).fill(v[2]);
    const unit = V.Bytes.fromBase64(v[1]); const out = new Uint8Array(unit.length * v[2]);
    for (let i = 0; i < v[2]; i++) out.set(unit, i * unit.length);
    return out;
  };
  const sizeOf = (v) => v[0] === "b64" ? V.Bytes.fromBase64(v[1]).length
    : v[0] === "fill" ? v[1] : V.Bytes.fromBase64(v[1]).length * v[2];
  return { name: "crafted",
    list: async () => new Map(Object.entries(spec).map(([p, v]) => [p, sizeOf(v)])),
    read: async (p, limit) => { const b = bytesOf(spec[p]); return b.length > limit + 1 ? b.slice(0, limit + 1) : b; } };
}"""


def _bytes(v: Any) -> bytes:
    if isinstance(v, bytes):
        return v
    if v[0] == "fill":
        return bytes([v[2]]) * int(v[1])
    return bytes(v[1]) * int(v[2])


def _js_spec(spec: Spec) -> str:
    out: dict[str, list[Any]] = {}
    for path, v in spec.items():
        if isinstance(v, bytes):
            out[path] = ["b64", base64.b64encode(v).decode()]
        elif v[0] == "fill":
            out[path] = ["fill", v[1], v[2]]
        else:
            out[path] = ["repeat", base64.b64encode(v[1]).decode(), v[2]]
    return json.dumps(out)


def _write(root: Path, spec: Spec) -> Path:
    for path, v in spec.items():
        target = root.joinpath(*path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_bytes(v))
    return root


def _python_read(root: Path, ann: Any) -> dict[str, Any]:
    files = reading.BundleFiles(root)
    files.load(layout.ANNOUNCEMENT, reading.FIXED[layout.ANNOUNCEMENT])
    reading.read(files, ann)
    return {
        "read": sorted(files),
        "oversize": {p: list(v) for p, v in sorted(files.oversize.items())},
        "budget": files.budget,
    }


def _js_read(js: Callable[[str], Any], spec: Spec, ann: Any) -> dict[str, Any]:
    result: dict[str, Any] = js(
        f"""(async () => {{
      const f = new V.Reading.BundleFiles(({SOURCE_JS})({_js_spec(spec)}));
      await f.list();
      await f.load("announcement.json", V.Reading.FIXED["announcement.json"]);
      await V.Reading.read(f, {json.dumps(ann)});
      return {{ read: [...f.keys()].sort(), oversize: Object.fromEntries([...f.oversize].sort()),
               budget: f.budget }};
    }})()"""
    )
    result["read"] = sorted(result["read"])
    return result


ANN = {
    "strata": [
        {"id": "A", "count": 3, "sample_size": 1, "reserve_size": 1},
        {"id": "层 B/2", "count": 2, "sample_size": 1},
        {"id": "C", "count": 1},
    ],
    "roster": {"inspectors": 4},
    "teams": {"min_inspectors": 2, "experts": 1},
    "task": {"items": ["x", "y"]},
}


def _layout_spec() -> Spec:
    """A folder with a file of every kind the reader bounds, some within, some past their bound."""
    return {
        "record.json": b"{}",
        "announcement.json": json.dumps(ANN).encode(),
        "bundle.json": ("fill", 2048, 32),  # over its 1 KiB cap
        "SHA256SUMS.sig": b"sig",
        "keys/operator.pub": b"key",
        "log/checkpoint.txt": b"cp",
        "roster.json": b"{}",
        "inspectors.json": ("fill", 64 * 1024 + 4 * 2048 + 1, 32),  # one byte past its cap
        "index.html": b"<html></html>",
        "results.csv": b"a,b\r\n",
        "addenda/0001.json": b"{}",
        "addenda/0002.json": ("fill", 256 * 1024 + 1, 32),
        "results/0001.json": b"{}",
        "results/vocabulary-" + "a" * 64 + ".json": b"{}",
        "results/vocabulary-" + "b" * 64 + ".json": b"{}",  # more vocabularies than documents
        "log/entries/7.json": b"{}",
        "log/entries/07.json": b"{}",  # not an entry name: never read
        "log/entries/8.json": ("fill", MIB + 1, 32),
        "log/7.tlog-proof": b"proof",
        "population/A.txt": b"x\n" * 3,
        "population/%E5%B1%82%20B%2F2.txt.gz": ("fill", 2 * 65 + 1, 0),  # past count × 65
        "population/C.txt": ("fill", 65, 120),
        "extra/notes.txt": b"never read",
        "SHA256SUMS": b"",
    }


@pytest.mark.parametrize(
    "ann",
    [ANN, None, {}, {"strata": "AB", "roster": [], "teams": 3, "task": {"items": 5}},
     {"strata": [{"id": "A", "count": True, "sample_size": -4}, {"id": 7, "count": 2}, 5]}],
    ids=["counts", "unreadable", "empty", "wrong-types", "bad-values"],
)  # fmt: skip
def test_read_bounds_equal_python(js: Callable[[str], Any], tmp_path: Path, ann: Any) -> None:
    spec = _layout_spec()
    want = _python_read(_write(tmp_path, spec), ann)
    assert want["oversize"], "the folder has files past their bounds"
    assert _js_read(js, spec, ann) == want


def test_budget_runs_out_as_in_python(js: Callable[[str], Any], tmp_path: Path) -> None:
    # 30 log entries of 1 MiB each are each within ENTRY but together past the budget an empty
    # announcement allows: the later ones are refused with the remaining budget as their bound
    spec: Spec = {"record.json": b"{}", "announcement.json": b"{}"}
    for seq in range(30):
        spec[f"log/entries/{seq}.json"] = ("fill", MIB, 32)
    want = _python_read(_write(tmp_path, spec), {})
    assert any(lim < MIB for _size, lim in want["oversize"].values())
    assert _js_read(js, spec, {}) == want


def _python_tail(root: Path) -> dict[str, Any]:
    files = reading.BundleFiles(root)
    files.budget += reading.TAIL_BYTES
    out: dict[str, Any] = {"lines": 0, "error": None}
    try:
        for _line in files.lines(layout.TAIL):
            out["lines"] += 1
    except RandcheckError as exc:
        out["error"] = [exc.code, dict(exc.params)]
    out["digest_after_lines"] = files.digests.get(layout.TAIL)
    out["sha256"] = files.sha256(layout.TAIL)
    out["budget"] = files.budget
    out["oversize"] = {p: list(v) for p, v in files.oversize.items()}
    return out


def _js_tail(js: Callable[[str], Any], spec: Spec) -> dict[str, Any]:
    result: dict[str, Any] = js(
        f"""(async () => {{
      const f = new V.Reading.BundleFiles(({SOURCE_JS})({_js_spec(spec)}));
      await f.list();
      f.budget += V.Reading.TAIL_BYTES;
      const out = {{ lines: 0, error: null }};
      try {{ for await (const _l of f.lines("log/tail.jsonl")) out.lines += 1; }}
      catch (e) {{ out.error = [e.code, e.params]; }}
      out.digest_after_lines = f.digests.has("log/tail.jsonl") ? f.digests.get("log/tail.jsonl") : null;
      out.sha256 = await f.sha256("log/tail.jsonl");
      out.budget = f.budget;
      out.oversize = Object.fromEntries(f.oversize);
      return out;
    }})()"""
    )
    return result


TAILS: dict[str, Any] = {
    "good": b'{"seq":1}\n{"seq":2}\n',
    "torn": b'{"seq":1}\n{"seq":2}',
    "empty": b"",
    "longest-line": ("repeat", b"x", MIB),  # exactly TAIL_LINE bytes, no newline: torn
    "line-too-long": ("repeat", b"x", MIB + 1),
    "too-many-lines": ("repeat", b"{}\n", 100_001),
    "just-enough-lines": ("repeat", b"{}\n", 100_000),
    "too-big": ("fill", 256 * MIB + 1, 10),
}


@pytest.mark.parametrize("name", list(TAILS))
def test_tail_lines_equal_python(js: Callable[[str], Any], tmp_path: Path, name: str) -> None:
    spec: Spec = {"log/tail.jsonl": TAILS[name]}
    if name == "too-big":  # refused by its listed size: a sparse file, never read
        (tmp_path / "log").mkdir()
        with open(tmp_path / "log" / "tail.jsonl", "wb") as fh:
            fh.truncate(256 * MIB + 1)
        want = _python_tail(tmp_path)
        assert want["error"][0] == "verify.file_too_big"
        got = js(
            """(async () => {
          const f = new V.Reading.BundleFiles({ name: "x", list: async () => new Map([["log/tail.jsonl", 256 * 1048576 + 1]]),
            read: async () => { throw new Error("must not be read"); } });
          await f.list(); f.budget += V.Reading.TAIL_BYTES;
          try { for await (const _l of f.lines("log/tail.jsonl")) {} } catch (e) { return [e.code, e.params, Object.fromEntries(f.oversize)]; }
          return null;
        })()"""
        )
        assert got == [want["error"][0], want["error"][1], want["oversize"]]
        return
    want = _python_tail(_write(tmp_path, spec))
    assert _js_tail(js, spec) == want


def test_tail_with_a_stream_source_splits_lines_across_chunks(js: Callable[[str], Any]) -> None:
    # a source with stream(): chunks of 7 bytes cut lines anywhere; lines and digest unchanged
    data = b"".join(b'{"seq":%d,"pad":"%s"}\n' % (i, b"p" * (i % 13)) for i in range(200))
    got = js(
        f"""(async () => {{
      const data = {js_bytes(data)};
      const src = {{ name: "s", list: async () => new Map([["log/tail.jsonl", data.length]]),
        read: async () => {{ throw new Error("not read whole"); }},
        stream: async function* () {{ for (let i = 0; i < data.length; i += 7) yield data.slice(i, i + 7); }} }};
      const f = new V.Reading.BundleFiles(src); await f.list(); f.budget += V.Reading.TAIL_BYTES;
      const lines = [];
      for await (const l of f.lines("log/tail.jsonl")) lines.push(V.Bytes.text(l));
      return [lines, f.digests.get("log/tail.jsonl")];
    }})()"""
    )
    import hashlib

    assert got[0] == data.decode().split("\n")[:-1]
    assert got[1] == hashlib.sha256(data).hexdigest()


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


GZIPS: dict[str, tuple[bytes, int]] = {
    "good": (_gz(b"a\n" * 1000), 2000),
    "exactly-limit": (_gz(b"a\n" * 1000), 2000),
    "one-past-limit": (_gz(b"a\n" * 1000), 1999),
    "bomb": (_gz(bytes(64 * MIB)), 65 * 1000),
    "two-members": (_gz(b"a\n") + _gz(b"b\n"), 100),
    "trailing-junk": (_gz(b"a\n") + b"\0", 100),
    "truncated": (_gz(b"a\n" * 100)[:-4], 1000),
    "not-gzip": (b"plain text\n", 1000),
    "empty": (b"", 10),
    "raw-zlib": (zlib.compress(b"a\n"), 100),
}


@pytest.mark.parametrize("name", list(GZIPS))
def test_gunzip_equals_python(js: Callable[[str], Any], name: str) -> None:
    data, limit = GZIPS[name]
    try:
        want: Any = reading.gunzip(data, limit).hex()
    except (ValueError, EOFError, OSError, zlib.error):
        want = "refused"
    got = js(f"V.Reading.gunzip({js_bytes(data)}, {limit}).then(V.Bytes.hex, () => 'refused')")
    assert got == want


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _has_zip(js: Callable[[str], Any]) -> None:
    assert js("typeof V.Zip.open === 'function'"), "js/zip.js's Zip.open is missing"


def test_zip_with_a_top_folder_gives_the_bundle_paths(js: Callable[[str], Any]) -> None:
    _has_zip(js)
    data = _zip({"T1/record.json": b"{}", "T1/population/A.txt": b"x\n", "T1/SHA256SUMS": b""})
    got = js(
        f"""(async () => {{
      const s = await V.Sources.fromZip({js_bytes(data)}, "T1.zip");
      const f = new V.Reading.BundleFiles(s); await f.list();
      await f.load("population/A.txt", 100);
      return [Object.fromEntries(f.present), V.Bytes.text(f.get("population/A.txt"))];
    }})()"""
    )
    assert got == [{"record.json": 2, "population/A.txt": 2, "SHA256SUMS": 0}, "x\n"]
    # at the root: the paths as they are; two top folders: not unwrapped
    flat = _zip({"record.json": b"{}", "a/b.txt": b"1"})
    two = _zip({"T1/record.json": b"{}", "T2/x": b"1"})
    got = js(
        f"""(async () => [
      [...(await (await V.Sources.fromZip({js_bytes(flat)}, "f.zip")).list()).keys()].sort(),
      [...(await (await V.Sources.fromZip({js_bytes(two)}, "t.zip")).list()).keys()].sort()])()"""
    )
    assert got == [["a/b.txt", "record.json"], ["T1/record.json", "T2/x"]]


def test_zip_entry_past_its_bound_is_refused_unread(js: Callable[[str], Any]) -> None:
    _has_zip(js)
    data = _zip({"B/record.json": b"{}", "B/bundle.json": b" " * 5000})
    got = js(
        f"""(async () => {{
      const f = new V.Reading.BundleFiles(await V.Sources.fromZip({js_bytes(data)}, "b.zip"));
      await f.list();
      const r = await f.load("bundle.json", V.Reading.FIXED["bundle.json"]);
      return [r, Object.fromEntries(f.oversize), f.absent("format", "bundle.json")];
    }})()"""
    )
    assert got == [None, {"bundle.json": [5000, 1024]},
                   {"name": "format", "ok": False, "status": "fail", "code": "verify.file_too_big",
                    "params": {"file": "bundle.json", "size": 5000, "limit": 1024}}]  # fmt: skip


def test_files_source_drops_the_picked_folder_and_refuses_escapes(js: Callable[[str], Any]) -> None:
    got = js(
        """(async () => {
      const f = (p, text) => ({ path: p, file: new Blob([text]) });
      const s = V.Sources.fromFiles([f("T1/record.json", "{}"), f("T1/log/tail.jsonl", "{}\\n"),
        f("T1/../x", "no"), f("T1/a//b", "no")]);
      const listed = Object.fromEntries(await s.list());
      const one = V.Sources.fromFiles([new File(["{}"], "record.json")]);
      return [s.name, listed, V.Bytes.text(await s.read("record.json", 10)),
              Object.fromEntries(await one.list())];
    })()"""
    )
    assert got == ["T1", {"record.json": 2, "log/tail.jsonl": 3}, "{}", {"record.json": 2}]


def test_too_many_files_is_refused(js: Callable[[str], Any]) -> None:
    got = js(
        """(async () => {
      const many = new Map(); for (let i = 0; i <= 100000; i++) many.set(`f/${i}`, 1);
      const f = new V.Reading.BundleFiles({ name: "big", list: async () => many, read: async () => new Uint8Array(0) });
      try { await f.list(); return null; } catch (e) { return [e.code, e.params]; }
    })()"""
    )
    assert got == ["verify.too_many_files", {"path": "big", "limit": reading.MAX_FILES}]
    assert (
        js(
            """(async () => {
      const m = new Map(); for (let i = 0; i < 100000; i++) m.set(`f/${i}`, 1);
      const f = new V.Reading.BundleFiles({ name: "ok", list: async () => m, read: async () => new Uint8Array(0) });
      await f.list(); return f.present.size; })()"""
        )
        == reading.MAX_FILES
    )


def test_layout_names_follow_python(js: Callable[[str], Any]) -> None:
    from randcheck.bundle import layout
    from randcheck.bundle import results as rbundle

    ids = ["A", "层 B/2", "a!*'()~_.-", "%41", "😀x"]
    assert js(f"{json.dumps(ids)}.map((s) => V.Reading.stratum_file(s, true))") == [
        layout.stratum_file(s, gz=True) for s in ids
    ]
    paths = ["addenda/0001.json", "addenda/0001.json\n", "addenda/1.json", "log/entries/0.json",
             "log/entries/01.json", "log/entries/12.json\n", "results/0003.json",
             "results/vocabulary-" + "f" * 64 + ".json", "results/vocabulary-F.json"]  # fmt: skip
    got = js(
        f"""{json.dumps(paths)}.map((p) => [V.Reading.is_addendum_file(p), V.Reading.entry_seq(p),
             V.Reading.doc_seq(p), V.Reading.is_vocabulary_file(p)])"""
    )
    assert got == [
        [layout.is_addendum_file(p), layout.entry_seq(p), rbundle.doc_seq(p),
         rbundle.is_vocabulary_file(p)]
        for p in paths
    ]  # fmt: skip
    names = ["b", "a", "é", "😀", "\uffff", "Z"]
    assert js(f"{json.dumps(names)}.sort(V.Reading.cmpStr)") == sorted(names)


#: a fake server for Sources.fromHttp: {path: [text, headers]}; every request is logged as
#: [method, path, credentials, cache], and the bytes its bodies handed out are counted
FAKE_HTTP_JS = """(files) => {
  const log = [], served = { bytes: 0 };
  const fetchFn = async (url, opts) => {
    const path = decodeURIComponent(url.slice("http://x/t/".length));
    log.push([opts.method, path, opts.credentials, opts.cache]);
    if (!(path in files)) return { ok: false, status: 404, headers: new Map(), body: null };
    const [text, headers] = files[path];
    const data = V.Bytes.utf8(text);
    let at = 0;
    const body = new ReadableStream({ pull(c) {
      if (at >= data.length) { c.close(); return; }
      const chunk = data.slice(at, at + 256); at += chunk.length; served.bytes += chunk.length;
      c.enqueue(chunk);
    } }, { highWaterMark: 0 });
    return { ok: true, status: 200, headers: new Map(Object.entries(headers)),
             body: opts.method === "HEAD" ? null : body };
  };
  return { source: V.Sources.fromHttp("http://x/t/verify.html", fetchFn), log, served };
}"""


def test_http_reads_a_body_once_within_its_cap(js: Callable[[str], Any]) -> None:
    """A file served without a usable Content-Length is read once (not counted, then fetched
    again), no further than its cap + 1; no request carries credentials or uses the cache."""
    sha = "0" * 64
    files = {
        "SHA256SUMS": [f"{sha}  record.json\n{sha}  bundle.json\n{sha}  population/a.txt\n", {}],
        "record.json": ["{}", {"content-encoding": "gzip"}],
        "population/a.txt": ["x" * 3000, {"content-length": "3000"}],
        "bundle.json": ["y" * 5000, {}],  # over its fixed cap of 1 KiB
    }
    got = js(
        f"""(async () => {{
      const {{ source, log, served }} = ({FAKE_HTTP_JS})({json.dumps(files)});
      const listed = Object.fromEntries(await source.list());
      const before = served.bytes;
      const record = V.Bytes.text(await source.read("record.json", 100));
      const pop = (await source.read("population/a.txt", 5000)).length;
      return [listed, before, record, pop, log];
    }})()"""
    )
    listed, before, record, pop, log = got
    assert listed == {"SHA256SUMS": len(files["SHA256SUMS"][0]), "record.json": 2,
                      "population/a.txt": 3000, "bundle.json": 1025}  # fmt: skip
    # SHA256SUMS and record.json whole, bundle.json up to its cap + 1 (in 256-byte pieces)
    assert before <= len(files["SHA256SUMS"][0]) + 2 + 1025 + 256
    assert record == "{}" and pop == 3000
    gets = [p for m, p, _, _ in log if m == "GET"]
    assert sorted(gets) == ["SHA256SUMS", "bundle.json", "population/a.txt", "record.json"]
    assert {(c, k) for _, _, c, k in log} == {("omit", "no-store")}


def test_http_lists_by_python_s_sums_parser(js: Callable[[str], Any]) -> None:
    """SHA256SUMS is read as the `files` check reads it (Files.parse_sums): one that it refuses
    (here: no final newline) lists nothing, and the layout's fixed names are tried instead."""
    sha = "0" * 64
    for sums, listed_by_sums in ((f"{sha}  record.json\n", True), (f"{sha}  record.json", False)):
        files = {"SHA256SUMS": [sums, {}], "record.json": ["{}", {}]}
        log = js(
            f"""(async () => {{
          const {{ source, log }} = ({FAKE_HTTP_JS})({json.dumps(files)});
          await source.list();
          return log.map(([m, p]) => p);
        }})()"""
        )
        assert ("announcement.json" in log) is not listed_by_sums, log
