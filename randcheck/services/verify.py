"""``randcheck verify``: check a publication bundle (docs/SPEC.md §14) with no trust in the office.

Every check is a named :class:`~randcheck.core.draw.replay.Check` (passed or failed with a
catalog code and parameters).  The protocol checks come from the core replay
(``announcement.*``, ``record.*``, ``population.*``, ``roster``, ``entropy``, ``seed``,
``selection.*``, ``teams``, ``addendum.*``); this module adds the bundle's own checks:
``trust``, ``log.*``, ``chain``, ``results``, ``results.xlsx``, ``page``, ``files`` and
``files.signature``.

Trust: the key in ``keys/operator.pub`` is never trusted because it is in the bundle (whoever
could change the bundle could change the key).  The caller hands in the trusted keys
(``--trusted-keys FILE`` or the workspace's own and trusted keys); with none, the ``trust``
check fails and so do the signature checks.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from randcheck.catalog import render
from randcheck.core import logverify, note, signing
from randcheck.core.canonical import parse
from randcheck.core.draw import commit, drand
from randcheck.core.draw.announce import Announcement, parse_announcement
from randcheck.core.draw.envelope import Envelope, open_envelope
from randcheck.core.draw.replay import Check, entity_proof, replay, verify_entity_proof
from randcheck.core.draw.spec import check_code, unix_time
from randcheck.errors import (
    CannotRunError,
    InputError,
    NotFoundError,
    RandcheckError,
)
from randcheck.services.publish import _COLS as RESULT_COLUMNS
from randcheck.services.publish import (
    PUBLIC_INSPECTOR_FIELDS,
    SUMS,
    SUMS_SIG,
    result_rows,
    short_code,
    stratum_file,
    sums_signing_input,
)

_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S(?:.*\S)?)$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ENTRY = re.compile(r"^log/entries/(0|[1-9][0-9]{0,18})\.json$")


@dataclass(frozen=True)
class BundleReport:
    """The result of verifying one bundle."""

    path: Path
    checks: tuple[Check, ...]
    task_id: str | None = None
    record_digest: str | None = None
    code: str | None = None
    trusted: tuple[str, ...] = ()
    entity: dict[str, Any] | None = None
    log_seqs: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "path": str(self.path),
            "task_id": self.task_id,
            "record_digest": self.record_digest,
            "verification_code": self.code,
            "trusted_keys": list(self.trusted),
            "log_seqs": dict(sorted(self.log_seqs.items())),
            "checks": [
                {"name": c.name, "ok": c.ok, "code": c.code, "params": c.params}
                for c in self.checks
            ],
            "first_failure": None if self.first_failure is None else self.first_failure.name,
            "entity": self.entity,
        }


def _ok(name: str, code: str = "proto.check_ok", **params: Any) -> Check:
    return Check(name, True, code, params)


def _fail(name: str, code: str, **params: Any) -> Check:
    return Check(name, False, code, params)


def bundle_root(path: Path) -> Path:
    """The bundle folder for ``path`` (a folder, or a ``record.json`` inside one)."""
    if not path.exists():
        raise NotFoundError("verify.no_path", path=str(path))
    root = path.parent if path.is_file() else path
    if not (root / "record.json").is_file():
        raise CannotRunError("verify.not_bundle", path=str(path))
    return root


def read_bundle(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` as {relative POSIX path: bytes}."""
    files: dict[str, bytes] = {}
    try:
        for p in sorted(root.rglob("*")):
            if p.is_symlink():
                files[p.relative_to(root).as_posix()] = b""  # never followed; listed as unknown
            elif p.is_file():
                files[p.relative_to(root).as_posix()] = p.read_bytes()
    except OSError as exc:
        raise CannotRunError(
            "io.cannot_read", path=str(getattr(exc, "filename", root)), reason=exc.strerror or ""
        ) from exc
    return files


# -- pieces --------------------------------------------------------------------------------


def _soft_envelope(data: bytes | None, kind: str) -> Envelope | None:
    if data is None:
        return None
    try:
        return open_envelope(data, kind)
    except RandcheckError:
        return None


def _population(
    files: Mapping[str, bytes], ann: Announcement | None
) -> tuple[dict[str, Sequence[bytes]], dict[str, Check]]:
    pop: dict[str, Sequence[bytes]] = {}
    override: dict[str, Check] = {}
    if ann is None:
        return pop, override
    for plan in ann.strata:
        name = f"population.{plan.id}"
        plain, packed = stratum_file(plan.id), stratum_file(plan.id, gz=True)
        try:
            if plain in files:
                raw = files[plain]
            elif packed in files:
                raw = gzip.decompress(files[packed])
            else:
                override[name] = _fail(name, "verify.population_missing", file=plain)
                pop[plan.id] = []
                continue
            pop[plan.id] = commit.parse_population_file(raw, plan.id)
        except (OSError, EOFError, gzip.BadGzipFile):
            override[name] = _fail(name, "verify.population_gzip", file=packed)
            pop[plan.id] = []
        except RandcheckError as exc:
            override[name] = Check(name, False, exc.code, dict(exc.params))
            pop[plan.id] = []
    return pop, override


def _addenda(files: Mapping[str, bytes]) -> list[bytes]:
    names = sorted(p for p in files if re.fullmatch(r"addenda/[0-9]{4}\.json", p))
    return [files[p] for p in names]


def _entries(files: Mapping[str, bytes]) -> dict[int, tuple[bytes, dict[str, Any] | None]]:
    """Log entries in the bundle: seq -> (exact canonical line, parsed entry or None)."""
    out: dict[int, tuple[bytes, dict[str, Any] | None]] = {}
    for path, data in files.items():
        m = _ENTRY.match(path)
        if not m:
            continue
        seq = int(m.group(1))
        line = data[:-1] if data.endswith(b"\n") else data
        value, problem = logverify.check_entry(line, seq)
        out[seq] = (line, value if problem is None else None)
    return out


def _naming(entries: Mapping[int, tuple[bytes, dict[str, Any] | None]], digest: str) -> int | None:
    """The earliest entry whose payload names ``digest`` (as a top-level value)."""
    for seq in sorted(entries):
        value = entries[seq][1]
        if value is None:
            continue
        payload = value.get("payload", {})
        if isinstance(payload, dict) and digest in [
            v for v in payload.values() if isinstance(v, str)
        ]:
            return seq
    return None


class _Log:
    """The log part of the bundle: the checkpoint, entries and inclusion proofs."""

    def __init__(self, files: Mapping[str, bytes], keys: Mapping[str, bytes]) -> None:
        self.files = files
        self.entries = _entries(files)
        self.cp_text: str | None = None
        self.cp_key: bytes | None = None
        self.checkpoint: note.Checkpoint | None = None
        raw = files.get("log/checkpoint.txt")
        self.cp_check: Check
        if raw is None:
            self.cp_check = _fail(
                "log.checkpoint", "verify.missing_file", file="log/checkpoint.txt"
            )
            return
        try:
            text = raw.decode("utf-8")
            cp, origin = logverify.open_checkpoint(text, keys)
        except UnicodeDecodeError:
            self.cp_check = _fail("log.checkpoint", "checkpoint.malformed")
            return
        except RandcheckError as exc:
            self.cp_check = _fail("log.checkpoint", "verify.checkpoint_bad", reason_code=exc.code)
            return
        self.cp_text, self.checkpoint = text, cp
        for public in keys.values():
            if logverify.log_name_for(public, text) == origin:
                self.cp_key = public
        self.cp_check = _ok("log.checkpoint", "verify.checkpoint_ok", size=cp.size, origin=origin)

    def prove(self, digest: str | None) -> tuple[int | None, str | None, dict[str, Any]]:
        """(seq, failure code or None, params) for the earliest entry naming ``digest``."""
        if digest is None:
            return None, "proto.check_skipped", {}
        seq = _naming(self.entries, digest)
        if seq is None:
            return None, "verify.no_entry", {"digest": digest[:16]}
        if self.cp_text is None or self.cp_key is None:
            return seq, "verify.no_checkpoint", {"seq": seq}
        proof = self.files.get(f"log/{seq}.tlog-proof")
        if proof is None:
            return seq, "verify.missing_file", {"file": f"log/{seq}.tlog-proof"}
        try:
            text = proof.decode("utf-8")
            if note.parse_proof(text).checkpoint != self.cp_text:
                return seq, "verify.proof_other_checkpoint", {"seq": seq}
            logverify.verify_proof(text, self.cp_key, self.entries[seq][0])
        except UnicodeDecodeError:
            return seq, "proof.malformed", {}
        except RandcheckError as exc:
            return seq, "verify.proof_bad", {"seq": seq, "reason_code": exc.code}
        return seq, None, {"seq": seq}


def _log_check(name: str, log: _Log, digest: str | None, seqs: dict[str, int]) -> Check:
    seq, problem, params = log.prove(digest)
    if problem is not None:
        return Check(name, False, problem, params)
    assert seq is not None
    seqs[name.removeprefix("log.")] = seq
    value = log.entries[seq][1] or {}
    return _ok(
        name,
        "verify.logged",
        seq=seq,
        kind=str(value.get("kind", "")),
        time=str(value.get("time", "")),
    )


def _order_check(
    log: _Log, seqs: Mapping[str, int], ann: Announcement | None, n_addenda: int
) -> Check:
    if "announcement" not in seqs or "record" not in seqs or ann is None:
        return _fail("log.order", "proto.check_skipped")
    a, r = seqs["announcement"], seqs["record"]
    if not a < r:
        return _fail("log.order", "verify.order_record", announcement=a, record=r)
    last = r
    for i in range(1, n_addenda + 1):
        s = seqs.get(f"addendum.{i}")
        if s is None:
            return _fail("log.order", "proto.check_skipped")
        if not s > last:
            return _fail("log.order", "verify.order_addendum", seq=i, entry=s)
        last = s
    entry = log.entries[a][1] or {}
    logged = str(entry.get("time", ""))
    for src in ann.entropy:
        if src.get("type") != "drand":
            continue
        try:
            chain = drand.chain_by_hash(src["chain_hash"])
            published = drand.round_time(chain, src["round"])
            if not unix_time(logged) < published:
                return _fail("log.order", "verify.order_drand", logged=logged, round=src["round"])
        except RandcheckError as exc:
            return Check("log.order", False, exc.code, dict(exc.params))
    return _ok("log.order", "verify.order_ok", announcement=a, record=r, logged=logged)


def _chain_check(rec: Mapping[str, Any] | None, log: _Log, seqs: Mapping[str, int]) -> Check:
    if rec is None:
        return _fail("chain", "proto.check_skipped")
    prev = rec.get("previous_record")
    redraw = rec.get("redraw")
    if prev is None:
        if redraw is not None:
            return _fail("chain", "verify.redraw_no_previous")
        return _ok("chain", "verify.chain_first")
    if not isinstance(prev, str) or not _HEX64.match(prev):
        return _fail("chain", "verify.chain_format", value=str(prev)[:80])
    if _naming(log.entries, prev) is None:
        return _ok("chain", "verify.chain_format_only", previous=prev[:16])
    seq, problem, params = log.prove(prev)
    if problem is not None:
        return Check("chain", False, problem, params)
    r = seqs.get("record")
    if seq is None or r is None or not seq < r:
        return _fail("chain", "verify.chain_order", previous=prev[:16])
    return _ok("chain", "verify.chain_logged", previous=prev[:16], seq=seq)


# -- what the public reads: results.csv, results.xlsx, index.html -------------------------

_NO_NAME = "（未登记姓名）"  # the page's text for a team member without a registered name
_CSS_BANNED = re.compile(
    r"content|:before|:after|url\(|@import|display:none|visibility|opacity|font-size:0|"
    r"transparent|position|clip|text-indent|expression"
)
_ACTIVE = frozenset({"script", "iframe", "object", "embed", "link", "img", "svg", "template"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class _Node:
    """An element of the parsed page: tag, attributes (first wins) and children."""

    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def own(self) -> str:
        return "".join(c for c in self.children if isinstance(c, str))

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def walk(self) -> list[_Node]:
        out: list[_Node] = []
        for c in self.children:
            if isinstance(c, _Node):
                out.append(c)
                out.extend(c.walk())
        return out

    def marked(self, name: str) -> _Node | None:
        """The first descendant marked ``data-f="name"``."""
        return next((n for n in self.walk() if n.attrs.get("data-f") == name), None)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {})
        for k, v in attrs:
            node.attrs.setdefault(k, v or "")
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {})
        for k, v in attrs:
            node.attrs.setdefault(k, v or "")
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass(frozen=True)
class _Expected:
    """What the signed documents (and inspectors.json) say the public files must show."""

    task: str
    rows: list[dict[str, Any]]  # result_rows after the addenda
    table: list[list[str]]  # results.csv without the name column's values (left "")
    inspectors: dict[str, str]  # badge -> name, from inspectors.json


def _inspector_names(files: Mapping[str, bytes]) -> dict[str, str] | None:
    """badge -> name from inspectors.json; None when it is missing or not the roster's list."""
    try:
        doc = parse(files.get("inspectors.json", b""))
        roster = parse(files.get("roster.json", b""))
        rows = doc["inspectors"]
        ids = [str(r["id"]) for r in roster["inspectors"]]
        names: dict[str, str] = {}
        for r in rows:
            if set(r) != set(PUBLIC_INSPECTOR_FIELDS) or not all(
                isinstance(r[f], str) for f in PUBLIC_INSPECTOR_FIELDS
            ):
                return None
            if r["badge_no"] in names:
                return None
            names[r["badge_no"]] = r["name"]
    except (RandcheckError, KeyError, TypeError, AttributeError):
        return None
    return names if list(names) == ids else None


def _expected(
    files: Mapping[str, bytes],
    ann: Announcement | None,
    rec: Mapping[str, Any] | None,
    adds: list[Envelope | None],
) -> _Expected | Check:
    """The expected public content, or the failed ``results`` check saying why there is none."""
    if ann is None or rec is None or any(a is None for a in adds):
        return _fail("results", "proto.check_skipped")
    try:
        rows = result_rows(ann, rec, [a.doc for a in adds if a is not None])
    except (KeyError, TypeError, ValueError):
        return _fail("results", "proto.check_skipped")
    names = _inspector_names(files)
    if names is None:
        return _fail("results", "verify.inspectors_bad", file="inspectors.json")
    table = [[render(f"publish.col.{c}", "zh") for c in RESULT_COLUMNS]]
    for r in rows:
        for b in r["badges"]:
            if b not in names:
                return _fail("results", "verify.inspector_unknown", badge=b, entity=r["code"])
        note_text = ""
        if r["replaces"] is not None:
            seq, old = r["replaces"]
            note_text = render("publish.note.replacement", "zh", seq=seq, target=old)
        elif r["team_changed"] is not None:
            note_text = render("publish.note.team_changed", "zh", seq=r["team_changed"])
        table.append(
            [
                ann.task.id,
                r["stratum"],
                "" if r["batch"] is None else str(r["batch"]),
                r["code"],
                "",
                ";".join(r["badges"]),
                ";".join(names[b] for b in r["badges"]),
                note_text,
            ]
        )
    return _Expected(ann.task.id, rows, table, names)


def _csv_rows(files: Mapping[str, bytes]) -> list[list[str]] | None:
    raw = files.get("results.csv")
    if raw is None or not raw.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None


_NAME_COL = RESULT_COLUMNS.index("name")


def _results_check(files: Mapping[str, bytes], exp: _Expected | Check) -> Check:
    """Every column of results.csv against the signed record after its addenda."""
    if "results.csv" not in files:
        return _fail("results", "verify.missing_file", file="results.csv")
    if isinstance(exp, Check):
        return exp
    rows = _csv_rows(files)
    if rows is None:
        return _fail("results", "verify.results_unreadable", file="results.csv")
    if not rows or rows[0] != exp.table[0]:
        return _fail("results", "verify.results_header", file="results.csv")
    for i, (got, want) in enumerate(zip(rows[1:], exp.table[1:], strict=False), start=2):
        if len(got) != len(want):
            return _fail("results", "verify.results_row", row=i, entity=want[3])
        for c, (g, w) in enumerate(zip(got, want, strict=True)):
            if c == _NAME_COL:
                if not g.strip():
                    return _fail("results", "verify.results_no_name", row=i, entity=want[3])
            elif g != w:
                return _fail(
                    "results",
                    "verify.results_cell",
                    row=i,
                    column=render(f"publish.col.{RESULT_COLUMNS[c]}", "zh"),
                    got=g[:60],
                    expected=w,
                )
    if len(rows) != len(exp.table):
        return _fail(
            "results", "verify.results_count", got=len(rows) - 1, expected=len(exp.table) - 1
        )
    return _ok("results", "verify.results_ok", rows=len(rows) - 1)


def _xlsx_rows(raw: bytes) -> list[list[str]] | str:
    """The one sheet's rows as text (blank cells ""), or a failure code."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception:  # any damage in the zip or the XML: openpyxl raises many kinds
        return "verify.xlsx_unreadable"
    try:
        if len(wb.worksheets) != 1:
            return "verify.xlsx_sheets"
        rows: list[list[str]] = []
        for row in wb.worksheets[0].iter_rows():
            out: list[str] = []
            for cell in row:
                value = getattr(cell, "value", None)
                if value is None:
                    out.append("")
                    continue
                if not isinstance(value, str) or cell.number_format != "General":
                    return "verify.xlsx_cell_type"
                out.append(value)
            while out and out[-1] == "":
                out.pop()
            rows.append(out)
        while rows and not rows[-1]:
            rows.pop()
        return rows
    except Exception:  # a sheet that cannot be read to the end
        return "verify.xlsx_unreadable"
    finally:
        wb.close()


def _xlsx_check(files: Mapping[str, bytes]) -> Check:
    """results.xlsx shows exactly results.csv, header row included."""
    raw = files.get("results.xlsx")
    if raw is None:
        return _fail("results.xlsx", "verify.missing_file", file="results.xlsx")
    csv_rows = _csv_rows(files)
    if csv_rows is None:
        return _fail("results.xlsx", "verify.results_unreadable", file="results.csv")
    got = _xlsx_rows(raw)
    if isinstance(got, str):
        return _fail("results.xlsx", got, file="results.xlsx")
    want = [list(r) for r in csv_rows]
    for r in want:
        while r and r[-1] == "":
            r.pop()
    for i, (g, w) in enumerate(zip(got, want, strict=False), start=1):
        if g != w:
            return _fail("results.xlsx", "verify.xlsx_row", row=i)
    if len(got) != len(want):
        return _fail("results.xlsx", "verify.xlsx_count", got=len(got), expected=len(want))
    return _ok("results.xlsx", "verify.xlsx_ok", rows=len(want))


def _members_text(badges: list[str], experts: list[bool], names: Mapping[str, str]) -> str:
    return "、".join(
        f"{names.get(b, '') or _NO_NAME}（{b}）" + ("专家" if e else "")
        for b, e in zip(badges, experts, strict=True)
    )


def _rows(table: _Node) -> list[_Node]:
    """The table's rows that are not heading rows (a heading row has th cells only)."""
    out = []
    for tr in (n for n in table.walk() if n.tag == "tr"):
        cells = [c for c in tr.children if isinstance(c, _Node) and c.tag in ("td", "th")]
        if cells and all(c.tag == "th" for c in cells):
            continue
        out.append(tr)
    return out


def _cell(row: _Node, name: str, own: bool = False) -> str | None:
    node = row.marked(name)
    if node is None:
        return None
    return node.own() if own else node.text()


_Problem = tuple[str, dict[str, Any]]


def _at(table: str, row: int, entity: str) -> _Problem:
    return "verify.page_row", {"table": table, "row": row, "entity": entity}


def _page_style(nodes: list[_Node]) -> _Problem | None:
    """Nothing on the page may run, load, hide or rewrite the text the checks read."""
    for n in nodes:
        if n.tag in _ACTIVE or "style" in n.attrs or "hidden" in n.attrs:
            return "verify.page_active", {"tag": n.tag}
        if any(k.startswith("on") for k in n.attrs):
            return "verify.page_active", {"tag": n.tag}
        if n.tag == "style" and _CSS_BANNED.search(re.sub(r"\s+", "", n.text().lower())):
            return "verify.page_active", {"tag": "style"}
    return None


def _page_summary(nodes: list[_Node], exp: _Expected, digest: str) -> _Problem | None:
    digests = [n.text() for n in nodes if n.attrs.get("data-f") == "record-digest"]
    codes = [n.text() for n in nodes if "code" in n.classes()]
    if not digests or any(d != digest for d in digests):
        return "verify.page_digest", {}
    if not codes or any(c != short_code(digest) for c in codes):
        return "verify.page_code", {"code": short_code(digest)}
    counts = [n.text() for n in nodes if n.attrs.get("data-f") == "target-count"]
    if counts != [f"{len(exp.rows)} 户"]:
        return "verify.page_count", {"count": len(exp.rows)}
    return None


def _tables(nodes: list[_Node], cls: str) -> list[_Node]:
    return [n for n in nodes if n.tag == "table" and cls in n.classes()]


def _page_draw(
    nodes: list[_Node],
    rec: Mapping[str, Any],
    adds: list[Mapping[str, Any]],
    saw: dict[str, set[str]],
) -> _Problem | None:
    """Section 五: per stratum, every drawn code with rank, batch and replaced mark; reserves."""
    replaced = {a["target"]: a["seq"] for a in adds if a["action"] == "replace_target"}
    strata = [s for s in rec["strata"] if s["drawn"]]
    tables = _tables(nodes, "drawn")
    if [t.attrs.get("data-stratum") for t in tables] != [s["id"] for s in strata]:
        return "verify.page_tables", {"table": "drawn"}
    for table, s in zip(tables, strata, strict=True):
        rows = _rows(table)
        name = f"drawn {s['id']}"
        for i, d in enumerate(s["drawn"], start=1):
            if i > len(rows):
                return _at(name, i, d["code"])
            row = rows[i - 1]
            seq = replaced.get(d["code"])
            got = (
                row.attrs.get("data-code"), row.attrs.get("data-stratum"),
                row.attrs.get("data-batch"), _cell(row, "code"), _cell(row, "batch"),
                _cell(row, "rank"), _cell(row, "replaced"),
            )  # fmt: skip
            batch = str(d["batch"])
            tag = None if seq is None else f"已由第 {seq} 号补充记录替换"
            if got != (d["code"], s["id"], batch, d["code"], batch, str(i), tag):
                return _at(name, i, d["code"])
            saw.setdefault(d["code"], set()).add(_cell(row, "name", own=True) or "")
        if len(rows) != len(s["drawn"]):
            return "verify.page_rows", {"table": name, "expected": len(s["drawn"])}
    strata = [s for s in rec["strata"] if s["reserve"]]
    tables = _tables(nodes, "reserve")
    if [t.attrs.get("data-stratum") for t in tables] != [s["id"] for s in strata]:
        return "verify.page_tables", {"table": "reserve"}
    for table, s in zip(tables, strata, strict=True):
        rows = _rows(table)
        got_r = [(r.attrs.get("data-code"), _cell(r, "code"), _cell(r, "rank")) for r in rows]
        want_r = [(r["code"], r["code"], str(i)) for i, r in enumerate(s["reserve"], start=1)]
        if got_r != want_r:
            return "verify.page_rows", {"table": f"reserve {s['id']}", "expected": len(want_r)}
        for r in rows:
            saw.setdefault(r.attrs.get("data-code", ""), set()).add(_cell(r, "name") or "")
    return None


def _page_teams(nodes: list[_Node], exp: _Expected, saw: dict[str, set[str]]) -> _Problem | None:
    """Section 六: the current targets after the addenda, in results.csv order, with teams."""
    tables = [n for n in nodes if n.tag == "table" and n.attrs.get("id") == "teams"]
    if len(tables) != 1:
        return "verify.page_tables", {"table": "teams"}
    rows = _rows(tables[0])
    for i, want in enumerate(exp.rows, start=1):
        if i > len(rows):
            return _at("teams", i, want["code"])
        row = rows[i - 1]
        batch = "" if want["batch"] is None else str(want["batch"])
        got = (
            row.attrs.get("data-code"), row.attrs.get("data-stratum"),
            row.attrs.get("data-batch"), row.attrs.get("data-badges"), _cell(row, "code"),
            _cell(row, "stratum"), _cell(row, "batch"), _cell(row, "members"),
            _cell(row, "replacement"),
        )  # fmt: skip
        members = _members_text(want["badges"], want["experts"], exp.inspectors)
        if got != (
            want["code"], want["stratum"], batch, ";".join(want["badges"]), want["code"],
            want["stratum"], batch or "—", members,
            "替补" if want["replaces"] is not None else None,
        ):  # fmt: skip
            return _at("teams", i, want["code"])
        saw.setdefault(want["code"], set()).add(_cell(row, "name", own=True) or "")
    if len(rows) != len(exp.rows):
        return "verify.page_rows", {"table": "teams", "expected": len(exp.rows)}
    return None


def _page_addenda(
    nodes: list[_Node], adds: list[Mapping[str, Any]], inspectors: Mapping[str, str]
) -> _Problem | None:
    """Section 七: each addendum's number, target, replacement, inspector and new team."""
    tables = [n for n in nodes if n.tag == "table" and n.attrs.get("id") == "addenda"]
    if len(tables) != (1 if adds else 0):
        return "verify.page_tables", {"table": "addenda"}
    rows = _rows(tables[0]) if tables else []
    if len(rows) != len(adds):
        return "verify.page_rows", {"table": "addenda", "expected": len(adds)}
    for row, a in zip(rows, adds, strict=True):
        new = (a["replacement"] or {}).get("code")
        badges = [str(m["id"]) for m in a["team"]]
        got = (
            row.attrs.get("data-seq"), _cell(row, "seq"), row.attrs.get("data-target"),
            row.attrs.get("data-replacement"), row.attrs.get("data-inspector"),
            row.attrs.get("data-badges"), _cell(row, "team"),
        )  # fmt: skip
        want = (
            str(a["seq"]), str(a["seq"]), a["target"], new or "", a["inspector"] or "",
            ";".join(badges), "、".join(f"{inspectors.get(b) or b}（{b}）" for b in badges),
        )  # fmt: skip
        shown = [
            span.text()
            for cell in (row.marked("target"), row.marked("replacement"))
            if cell is not None
            for span in cell.walk()
            if "mono" in span.classes()
        ]
        codes = ([] if a["inspector"] else [a["target"]]) + ([new] if new else [])
        if got != want or shown != codes or a["target"] not in (_cell(row, "target") or ""):
            return _at("addenda", int(a["seq"]), a["target"])
    return None


def _page_problem(
    page: _Node,
    exp: _Expected,
    rec: Mapping[str, Any],
    adds: list[Mapping[str, Any]],
    digest: str,
    csv_names: Mapping[str, str],
) -> _Problem | None:
    """The first way the page disagrees with the signed documents, or None."""
    nodes = page.walk()
    saw: dict[str, set[str]] = {c: {n} for c, n in csv_names.items()}
    problem = (
        _page_style(nodes)
        or _page_summary(nodes, exp, digest)
        or _page_draw(nodes, rec, adds, saw)
        or _page_teams(nodes, exp, saw)
        or _page_addenda(nodes, adds, exp.inspectors)
    )
    if problem is not None:
        return problem
    for code in sorted(saw):  # one name per code across the page and results.csv
        if len(saw[code]) > 1:
            return "verify.page_names", {"entity": code}
    return None


def _page_check(
    files: Mapping[str, bytes],
    exp: _Expected | Check,
    rec_env: Envelope | None,
    adds: list[Envelope | None],
) -> Check:
    """index.html shows the record's targets, teams, digest and verification code."""
    raw = files.get("index.html")
    if raw is None:
        return _fail("page", "verify.missing_file", file="index.html")
    if isinstance(exp, Check) or rec_env is None:
        return _fail("page", "proto.check_skipped")
    try:
        parser = _Page()
        parser.feed(raw.decode("utf-8"))
        parser.close()
    except UnicodeDecodeError:
        return _fail("page", "verify.page_unreadable", file="index.html")
    rows = _csv_rows(files) or []
    csv_names = {r[3]: r[_NAME_COL] for r in rows[1:] if len(r) == len(RESULT_COLUMNS)}
    try:
        problem = _page_problem(
            parser.root,
            exp,
            rec_env.doc,
            [a.doc for a in adds if a is not None],
            rec_env.digest,
            csv_names,
        )
    except (KeyError, TypeError, ValueError):
        return _fail("page", "proto.check_skipped")
    if problem is not None:
        return _fail("page", problem[0], **problem[1])
    return _ok("page", "verify.page_ok", targets=len(exp.rows))


def _files_check(files: Mapping[str, bytes]) -> Check:
    import hashlib

    raw = files.get(SUMS)
    if raw is None:
        return _fail("files", "verify.missing_file", file=SUMS)
    try:
        lines = raw.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return _fail("files", "verify.sums_malformed", line=1)
    if lines[-1] != "":
        return _fail("files", "verify.sums_malformed", line=len(lines))
    listed: dict[str, str] = {}
    for n, line in enumerate(lines[:-1], start=1):
        m = _SUM_LINE.match(line)
        if not m:
            return _fail("files", "verify.sums_malformed", line=n)
        path = m.group(2)
        if path.startswith("/") or ".." in path.split("/") or path in listed:
            return _fail("files", "verify.sums_malformed", line=n)
        listed[path] = m.group(1)
    for path in sorted(listed):
        if path not in files:
            return _fail("files", "verify.file_missing", file=path)
        if hashlib.sha256(files[path]).hexdigest() != listed[path]:
            return _fail("files", "verify.file_changed", file=path)
    extra = sorted(p for p in files if p not in listed and p not in (SUMS, SUMS_SIG))
    if extra:
        return _fail("files", "verify.file_unlisted", file=extra[0], count=len(extra))
    return _ok("files", "verify.files_ok", count=len(listed))


def _sums_signature(files: Mapping[str, bytes], keys: Mapping[str, bytes]) -> Check:
    raw = files.get(SUMS_SIG)
    sums = files.get(SUMS)
    if raw is None or sums is None:
        return _fail(
            "files.signature", "verify.missing_file", file=SUMS_SIG if raw is None else SUMS
        )
    try:
        doc = parse(raw.rstrip(b"\n"))
        if not isinstance(doc, dict) or set(doc) != {"keyid", "sig"}:
            raise InputError("verify.sums_sig_malformed")
        keyid, sig = str(doc["keyid"]), bytes.fromhex(str(doc["sig"]))
    except (RandcheckError, ValueError):
        return _fail("files.signature", "verify.sums_sig_malformed")
    public = keys.get(keyid)
    if public is None:
        return _fail("files.signature", "verify.sums_untrusted", key_id=keyid[:16])
    try:
        signing.verify(public, sums_signing_input(sums), sig)
    except RandcheckError:
        return _fail("files.signature", "verify.sums_sig_bad", key_id=keyid[:16])
    return _ok("files.signature", "verify.sums_sig_ok", key_id=keyid[:16])


def _entity(
    code: str,
    ann_raw: bytes,
    rec_raw: bytes,
    population: Mapping[str, Sequence[bytes]],
    adds: list[Envelope | None],
) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "in_pool": False}
    try:
        check_code(code)
        proof = entity_proof(ann_raw, rec_raw, population, code)
        status = verify_entity_proof(proof, ann_raw, rec_raw)
    except RandcheckError as exc:
        out["reason_code"] = exc.code
        return out
    out.update(
        in_pool=True,
        stratum=proof["stratum"],
        count=proof["count"],
        chunk_index=proof["chunk_index"],
        **status,
    )
    replaced_by = None
    brought_in_by = None
    for a in adds:
        if a is None:
            continue
        d = a.doc
        if d["action"] == "replace_target" and d["target"] == code:
            replaced_by = d["seq"]
        if d["action"] == "replace_target" and (d["replacement"] or {}).get("code") == code:
            brought_in_by = d["seq"]
    out["replaced_by_addendum"] = replaced_by
    out["brought_in_by_addendum"] = brought_in_by
    return out


# -- the whole bundle ---------------------------------------------------------------------


def verify_bundle(
    path: Path,
    keys: Mapping[str, bytes],
    *,
    entity: str | None = None,
    verify_bls: bool = True,
) -> BundleReport:
    """Verify the bundle at ``path`` against the trusted operator ``keys`` {key id: raw}.

    Raises ``NotFoundError``/``CannotRunError`` only when it cannot run (missing path, not a
    bundle, unreadable); every finding is a check in the report.
    """
    root = bundle_root(path)
    files = read_bundle(root)
    checks: list[Check] = []
    if keys:
        checks.append(
            _ok(
                "trust",
                "verify.trust_ok",
                count=len(keys),
                keys=", ".join(k[:16] for k in sorted(keys)),
            )
        )
    else:
        checks.append(_fail("trust", "verify.no_trusted_keys"))
    ann_raw = files.get("announcement.json", b"")
    rec_raw = files.get("record.json", b"")
    ann_env = _soft_envelope(ann_raw, "announcement")
    rec_env = _soft_envelope(rec_raw, "record")
    ann: Announcement | None = None
    if ann_env is not None:
        try:
            ann = parse_announcement(ann_env.doc)
        except RandcheckError:
            ann = None
    population, pop_override = _population(files, ann)
    roster: Any = {}
    try:
        parsed = parse(files.get("roster.json", b""))
        if isinstance(parsed, dict):
            roster = parsed
    except RandcheckError:
        roster = {}
    add_raw = _addenda(files)
    report = replay(ann_raw, rec_raw, population, roster, keys, add_raw, verify_bls=verify_bls)
    checks.extend(pop_override.get(c.name, c) for c in report.checks)
    add_envs = [_soft_envelope(a, "addendum") for a in add_raw]

    log = _Log(files, keys)
    checks.append(log.cp_check)
    seqs: dict[str, int] = {}
    checks.append(_log_check("log.announcement", log, ann_env.digest if ann_env else None, seqs))
    checks.append(_log_check("log.record", log, rec_env.digest if rec_env else None, seqs))
    for i, a in enumerate(add_envs, start=1):
        checks.append(_log_check(f"log.addendum.{i}", log, a.digest if a else None, seqs))
    checks.append(_order_check(log, seqs, ann, len(add_envs)))
    checks.append(_chain_check(rec_env.doc if rec_env else None, log, seqs))
    expected = _expected(files, ann, rec_env.doc if rec_env else None, add_envs)
    checks.append(_results_check(files, expected))
    checks.append(_xlsx_check(files))
    checks.append(_page_check(files, expected, rec_env, add_envs))
    checks.append(_files_check(files))
    checks.append(_sums_signature(files, keys))

    ent = None
    if entity is not None:
        ent = _entity(entity, ann_raw, rec_raw, population, add_envs)
    return BundleReport(
        path=root,
        checks=tuple(replace(c, params=dict(c.params)) for c in checks),
        task_id=ann.task.id if ann else None,
        record_digest=rec_env.digest if rec_env else None,
        code=short_code(rec_env.digest) if rec_env else None,
        trusted=tuple(sorted(keys)),
        entity=ent,
        log_seqs=seqs,
    )
