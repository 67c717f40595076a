"""The parity corpus of the browser verifier: good bundles and tampered copies of them.

Every bundle here is verified twice, by ``randcheck verify`` (Python) and by the browser
verifier (``RandcheckVerifier.verify``), and the two reports must name the same checks in the
same order with the same status and code (tests/browser/verifier/test_parity.py).

Good bundles, each published by the real services:

* ``demo``: ``randcheck demo`` (a v2 draw: entropy commitment co-signed by two witnesses, dice,
  lottery and a drand round; inspection results published), 20,000 generated entities;
* ``addenda``: the publish tests' drawn task (tests/publish/conftest.py: three strata, a nonce,
  dice, lottery, drand) with one substitution addendum, published before any results;
* ``results``: the same task after two results documents (tests/publish/cycle.py: a
  correction and a late result), a results publication;
* ``redraw``: a dice-only task drawn and then redrawn (tests/results/world.py), the redraw's
  bundle;
* ``large``: an office workspace (bench/bench_results.py ``office``) whose one stratum is over
  1 MiB of codes, so its population file is published as ``population/A.txt.gz``.

Tampered bundles: a copy of a good one with one change (a byte flipped in each kind of file, a
re-signed forgery, a dropped file of each kind, an extra file, two strata's population files
swapped, a truncated log tail); each has an id and a one-line description.

:func:`build` makes the whole corpus under a folder (about 15 s); :func:`office_bundle` is also
what bench/bench_verifier.py uses for its 1,000,000-entity bundle.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import shutil
import sys
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
if str(REPO) not in sys.path:  # bench/ imports this module as a script's neighbour
    sys.path.insert(0, str(REPO))


@dataclass(frozen=True)
class Bundle:
    """One bundle of the corpus: where it is, which keys a reader trusts for it, what it is."""

    id: str
    description: str
    path: Path
    office: bytes  # the office's raw Ed25519 public key (what the reader trusts)
    witnesses: tuple[bytes, ...] = ()  # the witnesses' raw keys (v2)
    base: str = ""  # the good bundle it is a tampered copy of ("" for a good bundle)

    @property
    def good(self) -> bool:
        return not self.base

    def trusted(self) -> dict[str, bytes]:
        from randcheck.core import signing

        return {signing.key_id(self.office): self.office}

    def witness_ids(self) -> set[str]:
        from randcheck.core import signing

        return {signing.key_id(k) for k in self.witnesses}


@dataclass
class Corpus:
    root: Path
    bundles: list[Bundle] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # build time per good bundle

    def get(self, bundle_id: str) -> Bundle:
        (b,) = [b for b in self.bundles if b.id == bundle_id]
        return b

    @property
    def good(self) -> list[Bundle]:
        return [b for b in self.bundles if b.good]

    @property
    def tampered(self) -> list[Bundle]:
        return [b for b in self.bundles if not b.good]

    def save(self) -> None:
        """``corpus.json`` in the root: the bundles and their keys (:func:`load` reads it)."""
        rows = [{"id": b.id, "description": b.description,
                 "path": b.path.relative_to(self.root).as_posix(), "office": b.office.hex(),
                 "witnesses": [w.hex() for w in b.witnesses], "base": b.base}
                for b in self.bundles]  # fmt: skip
        doc = {"bundles": rows, "seconds": self.seconds}
        (self.root / MANIFEST).write_text(json.dumps(doc, indent=1, ensure_ascii=False), "utf-8")


MANIFEST = "corpus.json"


def load(root: Path) -> Corpus:
    """The corpus :func:`build` made under ``root`` (from its ``corpus.json``)."""
    doc = json.loads((root / MANIFEST).read_text("utf-8"))
    bundles = [Bundle(r["id"], r["description"], root / r["path"], bytes.fromhex(r["office"]),
                      tuple(bytes.fromhex(w) for w in r["witnesses"]), r["base"])
               for r in doc["bundles"]]  # fmt: skip
    return Corpus(root, bundles, doc["seconds"])


def _raw(private: Any) -> bytes:
    from randcheck.core import signing

    return signing.public_raw(private)


# -- the good bundles -----------------------------------------------------------------------


def demo_bundle(work: Path, out: Path) -> Bundle:
    """``randcheck demo`` run in-process in ``work``; its bundle copied to ``out``."""
    from randcheck.services import demo, keys
    from randcheck.workspace import Workspace

    result = demo.run_demo(work, b"randcheck-demo", actor="corpus")
    assert result.verified, f"the demo's own verify failed at {result.failed_check}"
    shutil.copytree(result.bundle, out)
    (office,) = keys.own_public_keys(Workspace(result.workspace)).values()
    witnesses = tuple(_raw(demo.witness_private(n)) for n in demo.WITNESS_KEYS)
    return Bundle("demo", "randcheck demo: a v2 draw with witnesses and inspection results",
                  out, office, witnesses)  # fmt: skip


def publish_bundles(work: Path, out: Path) -> list[Bundle]:
    """The publish tests' task with one addendum, before results (``addenda``) and after two
    results documents (``results``)."""
    from randcheck.services import keys as keys_svc
    from tests.publish.conftest import build_drawn
    from tests.publish.cycle import build_cycle

    (work / "ws").mkdir(parents=True)
    drawn = build_drawn(work / "ws", f"sqlite:///{work / 'ws' / 'db' / 'randcheck.sqlite'}")
    try:
        cycle = build_cycle(drawn, work / "cycle")
        office = keys_svc.public_key(drawn.ws)
    finally:
        drawn.engine.dispose()
    shutil.copytree(cycle.none, out / "addenda")
    shutil.copytree(cycle.two, out / "results")
    return [
        Bundle("addenda", "a three-stratum draw (nonce, dice, lottery, drand) with one "
               "substitution addendum, before results", out / "addenda", office),
        Bundle("results", "the same task after two signed results documents (a correction, "
               "a late result)", out / "results", office),
    ]  # fmt: skip


def redraw_bundle(work: Path, out: Path) -> Bundle:
    """A dice-only task drawn, then redrawn (marked, chained): the redraw's bundle."""
    from randcheck.services.publish import publish_record
    from randcheck.store.db import open_engine
    from randcheck.workspace import init_workspace
    from tests.drawfixtures import OPERATOR, seed_world
    from tests.results.world import at, draw_task, redraw

    ws, _ = init_workspace(work / "ws", "测试市市场监督管理局", "320500")
    engine = open_engine(f"sqlite:///{work / 'ws' / 'db' / 'randcheck.sqlite'}")
    try:
        seed_world(engine)
        first = draw_task(ws, engine)
        again = redraw(ws, engine, first.task, "2026-09-02T03:00:00Z", at("2026-09-02"),
                       reason="见证人对骰子提出异议")  # fmt: skip
        res = publish_record(ws, engine, again.record, OPERATOR, out=work / "pub",
                             actor="tester", now=at("2026-09-03"))  # fmt: skip
    finally:
        engine.dispose()
    shutil.copytree(res.path, out)
    return Bundle("redraw", "a dice-only draw redrawn (marked, chained to the first record)",
                  out, _raw(OPERATOR))  # fmt: skip


OFFICE_TASK = """id = "V1"
title = "核验基准"
items = ["SC-001", "SC-002"]
departments = ["市场监管局"]
mode = "undirected"
{strata}
[teams]
min_inspectors = 2
max_load = 40
inspect_from = "2023-09-16"
inspect_to = "2023-12-31"
[[entropy.dice]]
witness = "甲"
count = 5
faces = 6
[entropy.drand]
chain = "quicknet"
round = 657413
"""


def office_bundle(work: Path, out: Path, entities: int, targets: int = 20,
                  strata: int = 1) -> tuple[Path, bytes]:  # fmt: skip
    """A bundle of an office workspace with ``entities`` generated entities (bench_results'
    ``office``: 1 in 20 deregistered, risk classes A..D), one task drawing ``targets`` per
    stratum from ``strata`` strata (1: every class in ``A``; 2: A+B and C+D) with dice and
    the drand round; published to ``out``.  Returns (bundle folder, office public key)."""
    from bench.bench_results import office
    from bench.bench_service import BEACON, PASS, ROUND
    from randcheck.core.draw import drand
    from randcheck.services import draws, gathering, keys, tasks
    from randcheck.services.publish import publish_record

    rows = {1: [("A", '["*"]')], 2: [("A", '["A", "B"]'), ("B", '["C", "D"]')]}[strata]
    text = "".join(f'[[strata]]\nid = "{s}"\nrisk = {r}\ncount = {targets}\nreserve = 2\n'
                   for s, r in rows)  # fmt: skip
    ws, eng = office(work / "ws", "核验基准", entities, targets * strata * 2 // 40 + 20)
    try:
        (work / "task.toml").write_text(OFFICE_TASK.format(strata=text), "utf-8")
        tasks.create_tasks(ws, eng, work / "task.toml", "bench")
        key = keys.load_private_key(ws, "office", PASS)
        round_at = datetime.fromtimestamp(drand.round_time(drand.CHAINS["quicknet"], ROUND), UTC)
        tasks.announce(ws, eng, "V1", key, "bench", round_at - timedelta(minutes=15))
        plan = draws.prepare(eng, "V1")
        drawn_at = (round_at + timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        ev = gathering.evidence_from_file(
            plan, {"dice": {"甲": [1, 2, 3, 4, 5]}, "drand": BEACON}, drawn_at
        )
        at = round_at + timedelta(seconds=90)
        seq = draws.reveal(ws, eng, plan, ev, "bench", redraw=False, now=at)
        fin = draws.finalize(ws, eng, plan, draws.compute(plan, ev, drawn_at), key, [], "bench",
                             seq, at)  # fmt: skip
        res = publish_record(ws, eng, fin.digest, key, out=work / "pub", actor="bench",
                             now=at + timedelta(minutes=5))  # fmt: skip
        office_key = keys.public_key(ws)
    finally:
        eng.dispose()
    shutil.copytree(res.path, out)
    return out, office_key


def large_bundle(work: Path, out: Path) -> Bundle:
    path, office = office_bundle(work, out, 70_000)
    assert (path / "population" / "A.txt.gz").is_file(), sorted(p.name for p in path.rglob("*"))
    return Bundle("large", "one stratum of 66,500 codes, published as population/A.txt.gz",
                  path, office)  # fmt: skip


# -- tampering ------------------------------------------------------------------------------


def flip(path: Path, at: int | str | None = None, *, after: int = 0, mask: int = 0x01) -> None:
    """XOR one byte of ``path`` with ``mask``: at offset ``at``, or ``after`` bytes past the
    first occurrence of the text ``at``, or (None) in the middle of the file."""
    data = bytearray(path.read_bytes())
    if at is None:
        i = len(data) // 2
    elif isinstance(at, str):
        i = data.index(at.encode("utf-8")) + after
    else:
        i = at if at >= 0 else len(data) + at
    data[i] ^= mask
    path.write_bytes(bytes(data))


def one(root: Path, pattern: str) -> Path:
    """The first file (sorted) of the bundle whose relative path matches ``pattern``."""
    found = sorted(p for p in root.rglob("*") if p.is_file()
                   and re.fullmatch(pattern, p.relative_to(root).as_posix()))  # fmt: skip
    assert found, f"no file {pattern} in {root}"
    return found[0]


def flip_in_text(path: Path, pattern: str, group: int = 1) -> None:
    """Flip the last bit of the first character of regex group ``group`` of the first match."""
    text = path.read_bytes()
    m = re.search(pattern.encode("utf-8"), text)
    assert m, f"{pattern!r} not in {path}"
    flip(path, m.start(group))


def truncate(path: Path, keep: int) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: keep if keep >= 0 else len(data) + keep])


def resign(root: Path, private: Any, *, record: Callable[[dict[str, Any]], None],
           operator_pub: bool) -> None:  # fmt: skip
    """Change the record's body with ``record`` and sign it with ``private``; rewrite
    SHA256SUMS for the new bytes and sign it too (``operator_pub``: and put the signer's key
    in keys/operator.pub, as a forger publishing a look-alike bundle would)."""
    from randcheck.bundle import layout
    from randcheck.core import signing
    from randcheck.core.draw.envelope import open_envelope, signed
    from randcheck.services import keys as keys_svc
    from randcheck.workspace import Workspace

    env = open_envelope((root / "record.json").read_bytes())
    body = json.loads(json.dumps(env.doc))
    record(body)
    (root / "record.json").write_bytes(signed(body, private))
    if operator_pub:
        nowhere = Workspace(root / ".no-workspace")  # not initialised: no region in the origin
        text = keys_svc.export_for(nowhere, "office", signing.public_raw(private))
        (root / layout.OPERATOR_KEY).write_text(text, "utf-8")
    resum(root, private)


def resum(root: Path, private: Any) -> None:
    """SHA256SUMS rewritten for the files it lists (their current bytes) and signed."""
    from randcheck.bundle import layout
    from randcheck.core import signing

    listed = layout.parse_sums((root / layout.SUMS).read_bytes())
    files = {p: (root / p).read_bytes() for p in listed if (root / p).is_file()}
    sums = layout.sums_text(files)
    (root / layout.SUMS).write_bytes(sums)
    sig = signing.sign(private, layout.sums_signing_input(sums))
    old = (root / layout.SUMS_SIG).read_bytes()
    (root / layout.SUMS_SIG).write_bytes(_resigned_sig(old, sig, signing.key_id(
        signing.public_raw(private))))  # fmt: skip


def _resigned_sig(old: bytes, sig: bytes, key_id: str) -> bytes:
    """SHA256SUMS.sig as publish writes it, with the new signature and key id."""
    from randcheck.core.canonical import canonical

    assert set(json.loads(old)) == {"keyid", "sig"}, old
    return canonical({"keyid": key_id, "sig": sig.hex()}) + b"\n"


def _other_key() -> Any:
    from randcheck.core import signing

    return signing.private_from_seed(hashlib.sha256(b"randcheck corpus forger").digest())


@dataclass(frozen=True)
class Tamper:
    id: str
    base: str
    description: str
    change: Callable[[Path], None]


def _drop(rel: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = one(root, rel)
        path.unlink()

    return change


def _flip_file(rel: str, at: int | str | None = None, after: int = 0) -> Callable[[Path], None]:
    return lambda root: flip(one(root, rel), at, after=after)


def _text(rel: str, pattern: str, group: int = 1) -> Callable[[Path], None]:
    return lambda root: flip_in_text(one(root, rel), pattern, group)


def _swap(a: str, b: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        pa, pb = root / a, root / b
        tmp = pa.with_name(pa.name + ".swap")
        pa.rename(tmp)
        pb.rename(pa)
        tmp.rename(pb)

    return change


def _extra(rel: str, data: bytes) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)

    return change


def _flip_gz_payload(root: Path) -> None:
    """One byte of the compressed codes flipped (the gzip CRC then fails)."""
    path = one(root, r"population/.*\.txt\.gz")
    flip(path, len(path.read_bytes()) // 2)


def _regz_changed(root: Path) -> None:
    """The .txt.gz re-compressed with one code's digit changed: a valid gzip, a wrong root."""
    from randcheck.bundle import layout

    path = one(root, r"population/.*\.txt\.gz")
    data = bytearray(gzip.decompress(path.read_bytes()))
    i = len(data) // 2
    while not chr(data[i]).isdigit():
        i += 1
    data[i] = ord("0") + (data[i] - ord("0") + 1) % 10
    path.write_bytes(layout.deterministic_gzip(bytes(data)))


def _gz_isize(isize: Callable[[int], int] | None) -> Callable[[Path], None]:
    """The .txt.gz's ISIZE field (its last 4 bytes) set to ``isize(true size)``, or (None) a
    copy of it appended after the member: the browser sizes its buffer by that field, which
    whoever made the file chose, and zlib refuses each of these as Python's gunzip does."""

    def change(root: Path) -> None:
        path = one(root, r"population/.*\.txt\.gz")
        data = path.read_bytes()
        if isize is None:
            path.write_bytes(data + data[-4:])
        else:
            true = int.from_bytes(data[-4:], "little")
            path.write_bytes(data[:-4] + (isize(true) % 2**32).to_bytes(4, "little"))

    return change


def _xlsx_cell(rel: str) -> Callable[[Path], None]:
    """The workbook rewritten with one credit code's digit changed in the first sheet (a
    valid .xlsx that says something else)."""

    def change(root: Path) -> None:
        path = one(root, rel)
        src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
        buf = io.BytesIO()
        changed = False
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    m = re.search(rb"<t>[0-9A-Z]{7}([0-9])[0-9A-Z]{10}</t>", data)
                    assert m, "no credit code in the sheet"
                    i = m.start(1)
                    data = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]
                    changed = True
                dst.writestr(info, data)
        assert changed, f"no first sheet in {path}"
        path.write_bytes(buf.getvalue())

    return change


def _forge(private_of: Callable[[Path], Any], operator_pub: bool) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        def edit(body: dict[str, Any]) -> None:  # drawn_at one second later
            at = body["drawn_at"]
            body["drawn_at"] = at[:-2] + str((int(at[-2]) + 1) % 10) + "Z"

        resign(root, private_of(root), record=edit, operator_pub=operator_pub)

    return change


def _reorder_tail(root: Path) -> None:
    """The last two lines of log/tail.jsonl swapped."""
    path = root / "log" / "tail.jsonl"
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) > 3
    lines[-3], lines[-2] = lines[-2], lines[-3]
    path.write_bytes(b"\n".join(lines))


#: a character of the raw key inside a PEM block (after the fixed 16 characters of the SPKI)
KEY_BYTE = r"MCowBQYDK2VwAyEA[A-Za-z0-9+/]{4}([A-Za-z0-9+/])"


def tampers(office_private: dict[str, Any]) -> list[Tamper]:
    """Every tampering of the corpus.  ``office_private``: {good bundle id: the office's
    private key}, for forgeries re-signed by the office itself."""
    other = _other_key()
    t: list[Tamper] = []

    def add(tid: str, base: str, description: str, change: Callable[[Path], None]) -> None:
        t.append(Tamper(tid, base, description, change))

    # one byte flipped, in each kind of file
    add(
        "flip.announcement",
        "demo",
        "announcement.json: a digit of the pool count flipped",
        _text("announcement.json", r'"count":([0-9])'),
    )
    add(
        "flip.announcement.sig",
        "addenda",
        "announcement.json: a byte of the signature flipped",
        _text("announcement.json", r'"sig":"[0-9a-f]*?([0-9])'),
    )
    add(
        "flip.record",
        "demo",
        "record.json: one byte in the middle flipped",
        _flip_file("record.json"),
    )
    add(
        "flip.record.code",
        "addenda",
        "record.json: a drawn credit code's digit flipped",
        _text("record.json", r'"code":"[0-9A-Z]{7}([0-9])'),
    )
    add(
        "flip.addendum",
        "addenda",
        "addenda/0001.json: one byte flipped",
        _flip_file(r"addenda/0001\.json"),
    )
    add("flip.roster", "demo", "roster.json: one byte flipped", _flip_file("roster.json"))
    add(
        "flip.inspectors",
        "demo",
        "inspectors.json: a name's byte flipped",
        _flip_file("inspectors.json"),
    )
    add(
        "flip.population",
        "demo",
        "population/S1.txt: a digit of a code flipped",
        _text(r"population/S1\.txt", r"\n[0-9A-Z]{7}([0-9])"),
    )
    add(
        "flip.population.gz",
        "large",
        "population/A.txt.gz: a compressed byte flipped",
        _flip_gz_payload,
    )
    add(
        "edit.population.gz",
        "large",
        "population/A.txt.gz: one code changed, re-gzipped",
        _regz_changed,
    )
    for name, what, isize in (
        ("isize-zero", "its ISIZE field 0", lambda n: 0),
        ("isize-small", "its ISIZE field half the true size", lambda n: n // 2),
        ("isize-huge", "its ISIZE field 2^32 - 1", lambda n: 2**32 - 1),
        ("isize-trailing", "a copy of its ISIZE appended after the member", None),
    ):
        add(f"{name}.population.gz", "large", f"population/A.txt.gz: {what}", _gz_isize(isize))
    add(
        "flip.entry",
        "demo",
        "log/entries/<first>.json: one byte flipped",
        _flip_file(r"log/entries/[0-9]+\.json"),
    )
    add(
        "flip.proof",
        "demo",
        "log/<first>.tlog-proof: a byte of a hash flipped",
        _text(r"log/[0-9]+\.tlog-proof", r"index [0-9]+\n[A-Za-z0-9+/]{5}([A-Za-z0-9+/])"),
    )
    add(
        "flip.checkpoint",
        "demo",
        "log/checkpoint.txt: a digit of the tree size flipped",
        _text(r"log/checkpoint\.txt", r"\n([0-9]+)\n"),
    )
    add(
        "flip.checkpoint.sig",
        "addenda",
        "log/checkpoint.txt: a byte of the signature flipped",
        _flip_file(r"log/checkpoint\.txt", -6),
    )
    add("flip.tail", "demo", "log/tail.jsonl: one byte flipped", _flip_file(r"log/tail\.jsonl"))
    add("flip.tail.json", "demo", "log/tail.json: one byte flipped", _flip_file(r"log/tail\.json"))
    add(
        "flip.index",
        "demo",
        "index.html: a drawn code in a table cell flipped",
        _text("index.html", r'data-f="code">[0-9A-Z]{7}([0-9])'),
    )
    add("flip.notice", "demo", "notice.html: one byte flipped", _flip_file("notice.html"))
    add("flip.results.csv", "demo", "results.csv: one byte flipped", _flip_file(r"results\.csv"))
    add(
        "flip.results.csv.code",
        "addenda",
        "results.csv: a drawn code's digit flipped",
        _text(r"results\.csv", r",[0-9A-Z]{7}([0-9])[0-9A-Z]{10},"),
    )
    add(
        "flip.results.xlsx",
        "demo",
        "results.xlsx: one compressed byte flipped",
        _flip_file(r"results\.xlsx"),
    )
    add(
        "edit.results.xlsx",
        "addenda",
        "results.xlsx: rewritten with one cell changed",
        _xlsx_cell(r"results\.xlsx"),
    )
    add(
        "flip.commitment",
        "demo",
        "commitment.json: one byte flipped",
        _flip_file(r"commitment\.json"),
    )
    add(
        "flip.results.doc",
        "results",
        "results/0001.json: one byte flipped",
        _flip_file(r"results/0001\.json"),
    )
    add(
        "flip.results.doc.demo",
        "demo",
        "results/0001.json: a result's byte flipped",
        _flip_file(r"results/0001\.json"),
    )
    add(
        "flip.vocabulary",
        "demo",
        "results/vocabulary-*.json: one byte flipped",
        _flip_file(r"results/vocabulary-.*\.json"),
    )
    add(
        "flip.inspection.csv",
        "demo",
        "inspection-results.csv: one byte flipped",
        _flip_file(r"inspection-results\.csv"),
    )
    add(
        "flip.inspection.xlsx",
        "results",
        "inspection-results.xlsx: one byte flipped",
        _flip_file(r"inspection-results\.xlsx"),
    )
    add(
        "flip.sums",
        "demo",
        "SHA256SUMS: a hex digit of the first line flipped",
        _flip_file("SHA256SUMS", 3),
    )
    add(
        "flip.sums.sig",
        "demo",
        "SHA256SUMS.sig: a byte of the signature flipped",
        _flip_file(r"SHA256SUMS\.sig", -6),
    )
    add(
        "flip.bundle.json",
        "demo",
        "bundle.json: the format's version digit flipped",
        _text("bundle.json", r"/v([0-9])"),
    )
    add(
        "flip.operator.pub",
        "demo",
        "keys/operator.pub: a byte of the key flipped",
        _text(r"keys/operator\.pub", KEY_BYTE),
    )
    add(
        "flip.witness.pub",
        "demo",
        "keys/witnesses/<first>.pub: a byte flipped",
        _text(r"keys/witnesses/.*\.pub", KEY_BYTE),
    )
    add(
        "flip.verify.js",
        "addenda",
        "verify.js: one byte of the bundle's own browser verifier flipped",
        _flip_file(r"verify\.js"),
    )
    add(
        "flip.redraw.record",
        "redraw",
        "record.json of a redraw: one byte flipped",
        _flip_file("record.json"),
    )

    # forgeries, re-signed
    add(
        "forge.other-key",
        "demo",
        "record changed, record and SHA256SUMS re-signed with "
        "another key that is also put in keys/operator.pub",
        _forge(lambda _r: other, True),
    )
    add(
        "forge.other-key.keep-pub",
        "addenda",
        "record changed, re-signed with another key, keys/operator.pub left as it was",
        _forge(lambda _r: other, False),
    )
    add(
        "forge.office-key",
        "addenda",
        "record changed and re-signed (record and SHA256SUMS) with the office key itself",
        _forge(lambda _r: office_private["addenda"], False),
    )

    def sums_only(root: Path) -> None:
        _text(r"results\.csv", r",[0-9A-Z]{7}([0-9])[0-9A-Z]{10},")(root)
        resum(root, office_private["redraw"])

    add(
        "forge.sums-only",
        "redraw",
        "results.csv edited, SHA256SUMS rewritten and re-signed with the office key",
        sums_only,
    )

    def repoint(root: Path) -> None:
        page = root / "index.html"
        button = b'<a class="button" href="verify.html">'
        assert button in page.read_bytes()
        page.write_bytes(page.read_bytes().replace(
            button, b'<a class="button" href="https://verify.example.org/verify.html">', 1))
        resum(root, office_private["redraw"])

    add(
        "link.button",
        "redraw",
        "index.html: the 在浏览器中核验 button re-pointed to a look-alike verifier elsewhere, "
        "SHA256SUMS rewritten and re-signed with the office key (only page can tell)",
        repoint,
    )

    # dropped files
    for rel, base in (("announcement.json", "demo"), ("roster.json", "demo"),
                      ("inspectors.json", "demo"), (r"population/S2\.txt", "demo"),
                      (r"population/A\.txt\.gz", "large"), (r"addenda/0001\.json", "addenda"),
                      (r"log/entries/[0-9]+\.json", "demo"), (r"log/[0-9]+\.tlog-proof", "demo"),
                      (r"log/checkpoint\.txt", "demo"), (r"log/tail\.jsonl", "demo"),
                      (r"log/tail\.json", "demo"), ("index.html", "demo"),
                      (r"results\.csv", "demo"), (r"results\.xlsx", "demo"),
                      (r"commitment\.json", "demo"), (r"results/0001\.json", "results"),
                      (r"inspection-results\.csv", "demo"), ("SHA256SUMS", "demo"),
                      (r"SHA256SUMS\.sig", "demo"), (r"bundle\.json", "demo"),
                      (r"keys/operator\.pub", "demo"), (r"keys/witnesses/.*\.pub", "demo"),
                      ("notice.html", "redraw")):  # fmt: skip
        name = rel.replace("\\", "").replace("[0-9]+", "N").replace(".*", "K")
        add(f"drop.{name.replace('/', '-')}", base, f"{name} deleted", _drop(rel))

    add(
        "drop.record.json",
        "demo",
        "record.json deleted: not a bundle any more (verify cannot run)",
        _drop(r"record\.json"),
    )

    # extra, swapped, truncated
    add(
        "extra.file",
        "demo",
        "an extra file notes.txt in the bundle's folder",
        _extra("notes.txt", "多出的文件\n".encode()),
    )
    add(
        "extra.entry",
        "addenda",
        "an extra log/entries/999999.json",
        _extra("log/entries/999999.json", b'{"seq":999999}\n'),
    )
    add(
        "swap.population",
        "demo",
        "population/S1.txt and population/S2.txt swapped",
        _swap("population/S1.txt", "population/S2.txt"),
    )
    add(
        "truncate.tail.line",
        "demo",
        "log/tail.jsonl without its last line",
        lambda r: truncate(
            r / "log" / "tail.jsonl",
            (r / "log" / "tail.jsonl").read_bytes().rstrip(b"\n").rfind(b"\n") + 1,
        ),
    )
    add(
        "truncate.tail.mid",
        "addenda",
        "log/tail.jsonl cut in the middle of a line",
        lambda r: truncate(r / "log" / "tail.jsonl", -40),
    )
    add("reorder.tail", "results", "log/tail.jsonl: its last two lines swapped", _reorder_tail)
    add(
        "truncate.population",
        "redraw",
        "population/S.txt without its last code",
        lambda r: truncate(
            one(r, r"population/.*\.txt"),
            one(r, r"population/.*\.txt").read_bytes().rstrip(b"\n").rfind(b"\n") + 1,
        ),
    )
    return t


#: the good bundles, in the order they are built
GOOD = ("demo", "addenda", "results", "redraw", "large")


def ids() -> list[str]:
    """Every bundle id of the corpus (known before it is built: tests are named after them)."""
    return [*GOOD, *(t.id for t in tampers({}))]


# -- the whole corpus -----------------------------------------------------------------------


def _office_privates(work: Path) -> dict[str, Any]:
    from randcheck.services import keys as keys_svc
    from randcheck.workspace import Workspace
    from tests.drawfixtures import OPERATOR
    from tests.publish.conftest import PASSPHRASE

    ws = Workspace((work / "addenda" / "ws").resolve())
    return {
        "addenda": keys_svc.load_private_key(ws, "office", PASSPHRASE.encode()),
        "redraw": OPERATOR,
    }


def build(root: Path, only: Iterable[str] | None = None) -> Corpus:
    """The whole corpus under ``root`` (``root/work`` holds the workspaces, ``root/b/<id>``
    each bundle).  ``only``: ids of the good bundles to build (tampered copies of the others
    are left out)."""
    want = set(only) if only is not None else set(GOOD)
    work, out = root / "work", root / "b"
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(root)
    steps: list[tuple[str, Callable[[], list[Bundle]]]] = [
        ("demo", lambda: [demo_bundle(work / "demo", out / "demo")]),
        ("addenda", lambda: publish_bundles(work / "addenda", out)),
        ("redraw", lambda: [redraw_bundle(work / "redraw", out / "redraw")]),
        ("large", lambda: [large_bundle(work / "large", out / "large")]),
    ]
    for name, make in steps:
        if name not in want and not (name == "addenda" and "results" in want):
            continue
        t = time.perf_counter()
        corpus.bundles.extend(b for b in make() if b.id in want)
        corpus.seconds[name] = time.perf_counter() - t
    privates = _office_privates(work) if {"addenda", "redraw"} <= want else {}
    good = {b.id: b for b in corpus.bundles}
    for tamper in tampers(privates) if privates else []:
        if tamper.base not in good:
            continue
        base = good[tamper.base]
        dest = out / tamper.id
        shutil.copytree(base.path, dest)
        tamper.change(dest)
        corpus.bundles.append(Bundle(tamper.id, tamper.description, dest, base.office,
                                     base.witnesses, tamper.base))  # fmt: skip
    corpus.save()
    return corpus


def zip_bundle(bundle: Path, dest: Path, top: str | None = None) -> Path:
    """``bundle`` zipped as a reader would (each file under the folder ``top``, or at the root
    when None), deterministic."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(bundle.rglob("*")):
            if p.is_file():
                rel = p.relative_to(bundle).as_posix()
                info = zipfile.ZipInfo(f"{top}/{rel}" if top else rel, (2023, 9, 15, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, p.read_bytes())
    return dest


if __name__ == "__main__":  # python tests/browser/verifier/corpus.py OUT: build and list
    import tempfile

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    c = build(target)
    for b in c.bundles:
        print(f"{b.id:32} {b.description}")
    print({k: round(v, 1) for k, v in c.seconds.items()}, len(c.bundles), "bundles in", target)
