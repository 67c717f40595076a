"""The browser verifier's tables, page, inspection results and files checks (js/zip.js,
js/tables.js, js/page.js, js/inspection.js, js/files.js) against ``randcheck verify``.

Each bundle — a published one, one with inspection results, and tampered copies of them — is
verified by Python (``verify_bundle``) and by the JavaScript checks on the same files; the
checks ``format``, ``results``, ``results.xlsx``, ``page``, ``inspection.*``, ``files`` and
``files.signature`` must have the same name, status and code.  The JavaScript gets the
documents as Python read them (announcement, record, addenda) and a log whose ``check`` gives
Python's answer: those parts are other files' work and are tested there.  Until js/json.js,
js/spec.js and js/envelope.js land, small stand-ins for the few functions used here are put
in place (only where the real one is missing), the envelope one answering with what Python's
``open_envelope`` + ``verify`` answered.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from randcheck.bundle import layout
from randcheck.bundle import results as rbundle
from randcheck.bundle import table as tbl
from randcheck.core import signing
from randcheck.core.canonical import canonical
from randcheck.core.draw import envelope
from randcheck.errors import RandcheckError
from randcheck.services import verify as svc
from randcheck.services.verify import documents, log, page, reading
from randcheck.services.verify.reading import BundleFiles
from tests.browser.verifier.conftest import js_bytes
from tests.publish import conftest as publish_fixtures
from tests.publish.conftest import TASK_ID, Drawn, files_in
from tests.publish.cycle import Cycle, build_cycle, private_key
from tests.publish.test_page_links import ALLOWED, BUTTON, KEY, REFUSED

pytestmark = pytest.mark.browser

# the publish tests' module fixtures: a drawn workspace and its published bundle
module_db_url = publish_fixtures.module_db_url
drawn = publish_fixtures.drawn
bundle = publish_fixtures.bundle

MINE = ("format", "results", "results.xlsx", "page", "inspection.documents", "inspection.log",
        "inspection.table", "inspection.timely", "files", "files.signature")  # fmt: skip

JS = Callable[[str], Any]

# stand-ins for functions of other files, installed only where the real one is missing
SHIMS = r"""
(() => {
  const V = RandcheckVerifier.internals;
  const jcs = (v) => {
    if (Array.isArray(v)) return "[" + v.map(jcs).join(",") + "]";
    if (v !== null && typeof v === "object") {
      return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + jcs(v[k])).join(",") + "}";
    }
    return JSON.stringify(v);
  };
  if (typeof V.Json.parse !== "function") V.Json.parse = (u8) => JSON.parse(V.Bytes.text(u8));
  if (typeof V.Json.canonical !== "function") V.Json.canonical = (v) => V.Bytes.utf8(jcs(v));
  if (typeof V.Spec.lp !== "function") {
    V.Spec.lp = (d) => { const b = typeof d === "string" ? V.Bytes.utf8(d) : d; return V.Bytes.concat(V.Bytes.uintBE(b.length, 4), b); };
  }
  if (typeof V.Spec.tag !== "function") V.Spec.tag = (name) => V.Spec.lp("randcheck/draw/v1/" + name);
  if (typeof V.Envelope.open_envelope !== "function") {
    globalThis.__ENVELOPES = {};
    V.Envelope.open_envelope = (raw, kind) => {
      const e = globalThis.__ENVELOPES[V.Hash.sha256hex(raw)];
      if (!e) throw new V.Checks.RcError("proto.malformed", {});
      if (e.error) throw new V.Checks.RcError(e.error[0], e.error[1]);
      return { digest: e.digest, doc: e.doc };
    };
    V.Envelope.verify = () => [];
  }
  return true;
})()
"""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _inputs(root: Path, keys: dict[str, bytes]) -> dict[str, Any]:
    """What the JavaScript checks are given: the files, the documents as Python read them,
    and Python's log answers."""
    found = BundleFiles(root)
    found.load(layout.ANNOUNCEMENT, reading.FIXED[layout.ANNOUNCEMENT])
    reading.read(found, documents.soft_body(found.get(layout.ANNOUNCEMENT)))
    docs = documents.documents(found)
    lg = log.Log(found, keys)
    envs: dict[str, Any] = {}
    logged: dict[str, Any] = {}
    for path in sorted(found.present):
        seq = rbundle.doc_seq(path)
        if seq is None or path not in found:
            continue
        raw = found[path]
        try:
            env = envelope.open_envelope(raw, "results")
            envelope.verify(env, keys)
            envs[hashlib.sha256(raw).hexdigest()] = {"digest": env.digest, "doc": env.doc}
            logged[f"log.results.{seq}"] = lg.check(f"log.results.{seq}", env.digest).to_json()
        except RandcheckError as exc:
            envs[hashlib.sha256(raw).hexdigest()] = {"error": [exc.code, exc.params]}
    ann = docs.ann
    return {
        "files": {p: _b64(d) for p, d in files_in(root).items()},
        "ann": None
        if ann is None
        else {
            "task": {"id": ann.task.id, "items": [{"code": i.code} for i in ann.task.items]},
            "strata": [{"id": s.id} for s in ann.strata],
        },
        "rec_env": None
        if docs.rec_env is None
        else {"doc": docs.rec_env.doc, "digest": docs.rec_env.digest},
        "add_envs": [
            None if a is None else {"doc": a.doc, "digest": a.digest} for a in docs.add_envs
        ],
        "keys": {k: _b64(v) for k, v in keys.items()},
        "envelopes": envs,
        "logged": logged,
    }


RUN = r"""
(async (I) => {
  const V = RandcheckVerifier.internals;
  if (globalThis.__ENVELOPES) Object.assign(globalThis.__ENVELOPES, I.envelopes);
  const data = new Map(Object.entries(I.files).map(([p, b]) => [p, V.Bytes.fromBase64(b)]));
  const found = {
    get: (p) => data.get(p),
    has: (p) => data.has(p),
    present: new Map(Array.from(data, ([p, d]) => [p, d.length])),
    oversize: new Map(),
    absent: (name, path) => V.Checks.failed(name, "verify.missing_file", { file: path }),
    sha256: async (p) => (data.has(p) ? V.Bytes.hex(await V.Hash.sha256Async(data.get(p))) : null),
  };
  const keys = Object.fromEntries(Object.entries(I.keys).map(([k, b]) => [k, V.Bytes.fromBase64(b)]));
  const lg = { check: async (name) => I.logged[name] || V.Checks.failed(name, "verify.not_logged", {}) };
  const out = [];
  const [fmt, formatCheck] = V.Files.format_check(found);
  out.push(formatCheck);
  const exp = V.Tables.expected(found, I.ann, I.rec_env && I.rec_env.doc, I.add_envs, fmt);
  out.push(V.Tables.results_check(found, exp, fmt));
  out.push(await V.Tables.xlsx_check(found));
  const names = V.Tables.csv_names(found, fmt);
  out.push(V.Page.page_check(found, exp, I.rec_env, I.add_envs, names));
  out.push(...await V.Inspection.checks(found, keys, I.ann, I.rec_env, I.add_envs, lg, names));
  out.push(await V.Files.files_check(found));
  out.push(await V.Files.sums_signature(found, keys));
  return out.map((c) => [c.name, c.status, c.code]);
})
"""


def _compare(js: JS, root: Path, keys: dict[str, bytes]) -> list[list[str]]:
    """The JavaScript's [name, status, code] of MINE; asserts they equal Python's."""
    report = svc.verify_bundle(root, keys)
    want = [[c.name, c.to_json()["status"], c.code] for c in report.checks if c.name in MINE]
    js(SHIMS)
    got = js(RUN + "(" + json.dumps(_inputs(root, keys), ensure_ascii=False) + ")")
    assert got == want
    return list(got)


def _resign(root: Path, drawn: Drawn) -> None:
    """Recompute SHA256SUMS and sign it with the office key, as the office itself could."""
    files = files_in(root)
    del files[layout.SUMS], files[layout.SUMS_SIG]
    sums = layout.sums_text(files)
    key = private_key(drawn)
    sig = signing.sign(key, layout.sums_signing_input(sums)).hex()
    (root / layout.SUMS).write_bytes(sums)
    keyid = signing.key_id(signing.public_raw(key))
    (root / layout.SUMS_SIG).write_bytes(canonical({"keyid": keyid, "sig": sig}) + b"\n")


@pytest.fixture
def office(drawn: Drawn) -> dict[str, bytes]:
    public = signing.public_raw(private_key(drawn))
    return {signing.key_id(public): public}


@pytest.fixture(scope="module")
def cycle(drawn: Drawn, tmp_path_factory: pytest.TempPathFactory) -> Cycle:
    return build_cycle(drawn, tmp_path_factory.mktemp("js-results-bundles"))


def _copy(src: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "copy" / TASK_ID
    shutil.copytree(src, dest)
    return dest


# -- good bundles ---------------------------------------------------------------------------


def test_published_bundle_passes_as_in_python(
    js: JS, bundle: Path, office: dict[str, bytes]
) -> None:
    start = time.perf_counter()
    got = _compare(js, bundle, office)
    assert all(s == "ok" for _n, s, _c in got), got
    assert time.perf_counter() - start < 30


def test_results_bundles_pass_as_in_python(js: JS, cycle: Cycle, office: dict[str, bytes]) -> None:
    got = _compare(js, cycle.two, office)
    by = {n: (s, c) for n, s, c in got}
    assert by["inspection.documents"] == ("ok", "verify.results_documents_ok")
    assert by["inspection.timely"][0] == "warn"  # the cycle's late first publication
    _compare(js, cycle.one, office)


# -- tampered bundles: results.csv and results.xlsx ----------------------------------------------


def _edit_csv(
    root: Path, fn: Callable[[list[list[str]]], None], name: str = layout.RESULTS_CSV
) -> None:
    rows = tbl.from_csv((root / name).read_bytes())
    assert rows is not None
    fn(rows)
    (root / name).write_bytes(tbl.to_csv(rows))


def _set(rows: list[list[str]], r: int, c: int, value: str) -> None:
    rows[r][c] = value


@pytest.mark.parametrize(
    "edit",
    [
        lambda rows: _set(rows, 1, tbl.COLUMNS.index("badges"), "X9"),  # a changed cell
        lambda rows: _set(rows, 1, tbl.NAME_COL, "=HYPERLINK(1)"),  # a live formula name
        lambda rows: _set(rows, 1, tbl.NAME_COL, "  "),  # no name
        lambda rows: rows.pop(),  # a row missing
        lambda rows: _set(rows, 0, 0, "任务"),  # the header
        lambda rows: rows[1].append("x"),  # a row too long
    ],
    ids=["cell", "live", "no-name", "count", "header", "row"],
)
def test_a_tampered_results_csv_fails_as_in_python(
    js: JS,
    bundle: Path,
    drawn: Drawn,
    office: dict[str, bytes],
    tmp_path: Path,
    edit: Any,
) -> None:
    root = _copy(bundle, tmp_path)
    _edit_csv(root, edit)
    _resign(root, drawn)
    got = {n: (s, c) for n, s, c in _compare(js, root, office)}
    assert got["results"][0] == "fail"


def _edit_xlsx(root: Path, fn: Callable[[Any], None], name: str = layout.RESULTS_XLSX) -> None:
    wb = load_workbook(io.BytesIO((root / name).read_bytes()))
    fn(wb)
    out = io.BytesIO()
    wb.save(out)
    (root / name).write_bytes(out.getvalue())


def _formula(wb: Any) -> None:
    wb.active["B2"] = "=1+1"


def _number(wb: Any) -> None:
    wb.active["C2"] = 7


def _rename(wb: Any) -> None:
    wb.active.title = "Sheet1"


def _second_sheet(wb: Any) -> None:
    wb.create_sheet("其他")


def _text_format(wb: Any) -> None:
    wb.active["A2"].number_format = "@"


def _changed(wb: Any) -> None:
    wb.active["D2"].value = "91110000000000000X"
    wb.active["D2"].data_type = "s"


def _extra_row(wb: Any) -> None:
    wb.active.append(["x"])


@pytest.mark.parametrize(
    "edit",
    [_formula, _number, _rename, _second_sheet, _text_format, _changed, _extra_row, None],
    ids=[
        "formula",
        "number",
        "renamed",
        "two-sheets",
        "text-format",
        "changed",
        "extra-row",
        "resaved",
    ],
)
def test_a_tampered_results_xlsx_fails_as_in_python(
    js: JS,
    bundle: Path,
    drawn: Drawn,
    office: dict[str, bytes],
    tmp_path: Path,
    edit: Any,
) -> None:
    root = _copy(bundle, tmp_path)
    _edit_xlsx(root, edit or (lambda wb: None))
    _resign(root, drawn)
    got = {n: (s, c) for n, s, c in _compare(js, root, office)}
    assert got["results.xlsx"][0] == ("ok" if edit is None else "fail")


def test_a_workbook_that_is_no_zip_and_a_zip_bomb_fail_as_in_python(
    js: JS,
    bundle: Path,
    drawn: Drawn,
    office: dict[str, bytes],
    tmp_path: Path,
) -> None:
    root = _copy(bundle, tmp_path)
    (root / layout.RESULTS_XLSX).write_bytes(b"PK not a zip")
    _resign(root, drawn)
    assert ["results.xlsx", "fail", "verify.xlsx_unreadable"] in _compare(js, root, office)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/big.xml", b"\0" * (30 * 1024 * 1024))
    (root / layout.RESULTS_XLSX).write_bytes(out.getvalue())
    _resign(root, drawn)
    assert ["results.xlsx", "fail", "verify.xlsx_bomb"] in _compare(js, root, office)


# -- tampered bundles: the page ------------------------------------------------------------------


def _edit_page(root: Path, old: str, new: str, count: int = 1) -> None:
    text = (root / layout.INDEX).read_text(encoding="utf-8")
    assert old in text, old
    (root / layout.INDEX).write_text(text.replace(old, new, count), encoding="utf-8")


PAGE_EDITS = {
    "script": ("</body>", "<script>document.title='x'</script></body>"),
    "hidden-row": ('<tr class="target" data-code=', '<tr hidden class="target" data-code='),
    "style-attr": (
        '<tr class="target" data-code=',
        '<tr style="display:none" class="target" data-code=',
    ),
    "css-rule": ("</head>", "<style>tr{display: none}</style></head>"),
    "external": ("</body>", '<img src="https://example.org/x.png"></body>'),
    "handler": ("<table", '<table onclick="x()"'),
    "unclosed-comment": ('<tr class="target" data-code=', '<!-- <tr class="target" data-code='),
    "stray-end-tags": (
        '<tr class="target" data-code=',
        '</td></table><tr class="target" data-code=',
    ),
    "harmless-unclosed-comment": ("</body>", "<!-- </body>"),
    "entity": ('data-f="record-digest">', 'data-f="record-digest">&#x20;'),
    "named-entity": ('data-f="record-digest">', 'data-f="record-digest">&nbsp;'),
    "harmless-entity": ("</body>", "<p>&copy; &amp; &notit; &#38;</p></body>"),
    "harmless-markup": ("</body>", "<p>a<br/>b<![CDATA[x]]><?pi?><!x></p></body>"),
    # links that leave the bundle (page.py's link_ok; tests/publish/test_page_links.py)
    "link-https": (BUTTON, '<a class="button" href="https://verify.example.org/verify.html">'),
    "link-protocol-relative": (BUTTON, '<a class="button" href="//verify.example.org/v.html">'),
    "link-absolute": (BUTTON, '<a class="button" href="/verify.html">'),
    "link-parent": (BUTTON, '<a class="button" href="../verify.html">'),
    "link-encoded-parent": (BUTTON, '<a class="button" href=".%2E/verify.html">'),
    "link-backslashes": (BUTTON, '<a class="button" href="\\\\example.org\\v.html">'),
    "link-key-fragment": (BUTTON, f'<a class="button" href="verify.html#verify&amp;key={KEY}">'),
    "link-key-query": (BUTTON, f'<a class="button" href="verify.html?key={KEY}">'),
    "link-entity-scheme": (BUTTON, '<a class="button" href="https&#58;//example.org/">'),
    "link-file-list": ('<a href="announcement.json"', '<a href="https://e.org/announcement.json"'),
    "link-ping": (BUTTON, '<a class="button" href="verify.html" ping="https://example.org/seen">'),
    "link-base": ("</title>", '</title><base href="https://verify.example.org/">'),
    "link-form": ("</main>", f'<form action="verify.html"><input name="key" value="{KEY}"></form></main>'),
    "link-refresh": ("</title>", '</title><meta http-equiv="refresh" content="0; url=https://e.org/">'),
    "link-video": ("</main>", '<video src="https://example.org/v.mp4"></video></main>'),
    "link-long": (BUTTON, '<a class="button" href="https://e.org/' + "\U0001f600" * 300 + '">'),
    "harmless-links": ("</main>", '<a href="#summary">顶部</a><a href="log/checkpoint.txt">c</a></main>'),
}
#: the page check with its params, as both verifiers give it
RUN_PARAMS = RUN.replace("[c.name, c.status, c.code]", "[c.name, c.status, c.code, c.params]")


@pytest.mark.parametrize("name", sorted(PAGE_EDITS))
def test_a_tampered_page_fails_as_in_python(
    js: JS,
    bundle: Path,
    drawn: Drawn,
    office: dict[str, bytes],
    tmp_path: Path,
    name: str,
) -> None:
    root = _copy(bundle, tmp_path)
    _edit_page(root, *PAGE_EDITS[name])
    _resign(root, drawn)
    got = {n: (s, c) for n, s, c in _compare(js, root, office)}
    assert got["page"][0] == ("ok" if name.startswith("harmless") else "fail"), got["page"]
    if name.startswith("link-"):
        assert got["page"][1] == "verify.page_link"
        want = next(c for c in svc.verify_bundle(root, office).checks if c.name == "page")
        both = js(RUN_PARAMS + "(" + json.dumps(_inputs(root, office), ensure_ascii=False) + ")")
        assert next(c[3] for c in both if c[0] == "page") == want.params


@pytest.mark.parametrize("value", [*ALLOWED, *REFUSED, "%C3%A9", "a%2Fb", "#\n//x", "x/y.%2e"])
def test_link_rule_matches_python(js: JS, value: str) -> None:
    assert js(f"V.Page.link_ok({json.dumps(value)})") is page.link_ok(value)


def test_an_edited_page_cell_and_a_second_name_fail_as_in_python(
    js: JS,
    bundle: Path,
    drawn: Drawn,
    office: dict[str, bytes],
    tmp_path: Path,
) -> None:
    root = _copy(bundle, tmp_path)
    rows = tbl.from_csv((root / layout.RESULTS_CSV).read_bytes())
    assert rows is not None
    code = tbl.raw(rows[1][tbl.CODE_COL])
    text = (root / layout.INDEX).read_text(encoding="utf-8")
    # the batch cell of the first drawn row, then a second name for an entity
    i = text.index('data-f="batch"')
    j = text.index(">", i) + 1
    (root / layout.INDEX).write_text(text[:j] + "9" + text[j:], encoding="utf-8")
    _resign(root, drawn)
    assert ["page", "fail", "verify.page_row"] in _compare(js, root, office)
    root2 = _copy(bundle, tmp_path / "b")
    name = tbl.raw(rows[1][tbl.NAME_COL])
    assert code
    _edit_page(root2, f"<bdi>{name}</bdi>", "<bdi>另一家公司</bdi>")
    _resign(root2, drawn)
    assert ["page", "fail", "verify.page_names"] in _compare(js, root2, office)


# -- tampered bundles: files and the signature ---------------------------------------------------


def test_files_and_signature_fail_as_in_python(
    js: JS,
    bundle: Path,
    office: dict[str, bytes],
    tmp_path: Path,
) -> None:
    root = _copy(bundle, tmp_path / "extra")
    (root / "extra.txt").write_text("x")
    assert ["files", "fail", "verify.file_unlisted"] in _compare(js, root, office)
    root = _copy(bundle, tmp_path / "missing")
    (root / layout.NOTICE).unlink()
    assert ["files", "fail", "verify.file_missing"] in _compare(js, root, office)
    root = _copy(bundle, tmp_path / "changed")
    (root / layout.ROSTER).write_bytes((root / layout.ROSTER).read_bytes() + b" ")
    assert ["files", "fail", "verify.file_changed"] in _compare(js, root, office)
    root = _copy(bundle, tmp_path / "sig")
    raw = bytearray((root / layout.SUMS_SIG).read_bytes())
    raw[-10] = ord("0") if raw[-10] != ord("0") else ord("1")
    (root / layout.SUMS_SIG).write_bytes(bytes(raw))
    assert ["files.signature", "fail", "verify.sums_sig_bad"] in _compare(js, root, office)
    (root / layout.SUMS_SIG).write_bytes(b'{"keyid":"x"}\n')
    assert ["files.signature", "fail", "verify.sums_sig_malformed"] in _compare(js, root, office)
    root = _copy(bundle, tmp_path / "sums")
    (root / layout.SUMS).write_bytes((root / layout.SUMS).read_bytes() + b"bad line\n")
    assert ["files", "fail", "verify.sums_malformed"] in _compare(js, root, office)
    root = _copy(bundle, tmp_path / "format")
    (root / layout.FORMAT_FILE).write_bytes(b'{"format": "randcheck/bundle/v3"}\n')
    assert ["format", "fail", "verify.format_unknown"] in _compare(js, root, office)


def test_an_untrusted_key_is_refused_as_in_python(js: JS, bundle: Path) -> None:
    other = signing.public_raw(signing.private_from_seed(bytes(32)))
    got = _compare(js, bundle, {signing.key_id(other): other})
    assert ["files.signature", "fail", "verify.sums_untrusted"] in got


# -- tampered bundles: the inspection results ----------------------------------------------------


def test_tampered_inspection_results_fail_as_in_python(
    js: JS,
    cycle: Cycle,
    drawn: Drawn,
    office: dict[str, bytes],
    tmp_path: Path,
) -> None:
    # a results document changed (its signature no longer holds)
    root = _copy(cycle.two, tmp_path / "doc")
    raw = (root / "results/0001.json").read_bytes()
    (root / "results/0001.json").write_bytes(raw.replace(b'"seq":1', b'"seq":1 ', 1))
    _resign(root, drawn)
    got = _compare(js, root, office)
    assert next(n for n, s, _c in got if s == "fail") == "inspection.documents"
    # a cell of the table, in the CSV, then in the workbook
    root = _copy(cycle.two, tmp_path / "csv")
    _edit_csv(root, lambda rows: _set(rows, 1, 6, "X"), "inspection-results.csv")
    _resign(root, drawn)
    assert ["inspection.table", "fail", "verify.results_table_differs"] in _compare(
        js, root, office
    )
    root = _copy(cycle.two, tmp_path / "xlsx")
    _edit_xlsx(root, _formula, "inspection-results.xlsx")
    _resign(root, drawn)
    assert ["inspection.table", "fail", "verify.xlsx_formula"] in _compare(js, root, office)
    # the page's copy of the table
    root = _copy(cycle.two, tmp_path / "page")
    text = (root / layout.INDEX).read_text(encoding="utf-8")
    i = text.index('id="inspection-results"')
    j = text.index("<td>", i) + 4
    (root / layout.INDEX).write_text(text[:j] + "0" + text[j:], encoding="utf-8")
    _resign(root, drawn)
    assert ["inspection.table", "fail", "verify.results_table_differs"] in _compare(
        js, root, office
    )
    # a table without documents
    root = _copy(cycle.none, tmp_path / "unsigned")
    shutil.copy(cycle.two / "inspection-results.csv", root / "inspection-results.csv")
    _resign(root, drawn)
    assert ["inspection.table", "fail", "verify.results_table_unsigned"] in _compare(
        js, root, office
    )


# -- the readers on their own -------------------------------------------------------------------


CSV_CASES = [
    "a,b\r\nc,d\r\n",
    'a,"b\r\nc",d\r\n\r\nx',
    '"x""y",z',
    'a,"b"c\r\n',
    '"open',
    "a\rb\nc",
    "a,\x00,b\n",
    ",\r\n,,\r\n",
    'x"y,"z"\r\n',
]


@pytest.mark.parametrize("text", CSV_CASES)
def test_csv_reading_matches_python(js: JS, text: str) -> None:
    data = tbl.BOM + text.encode()
    assert js(f"V.Tables.from_csv({js_bytes(data)})") == tbl.from_csv(data)


def test_csv_writing_matches_python(js: JS) -> None:
    rows = [
        [""],
        ["", ""],
        [" a", 'b"c', "d,e", "f\ng", "h\ri", "'=x", "中文"],
        ["=1", "+2", "-3", "@4", "\t5"],
    ]
    inert = [[tbl.inert(v) for v in r] for r in rows]
    got = js(f"V.Bytes.hex(V.Tables.to_csv({json.dumps(inert)}))")
    assert bytes.fromhex(got) == tbl.to_csv(inert)
    assert js(f"{json.dumps(rows)}.map((r) => r.map(V.Tables.inert))") == inert
    assert js(f"{json.dumps(inert)}.map((r) => r.map(V.Tables.raw))") == rows


def test_zip_reads_stored_and_deflated_entries_and_refuses_damage(js: JS) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.txt", b"hello", compress_type=zipfile.ZIP_STORED)
        z.writestr("dir/b.txt", "抽查".encode() * 1000, compress_type=zipfile.ZIP_DEFLATED)
    data = out.getvalue()
    got = js(
        f"V.Zip.open({js_bytes(data)}).then(async (z) => [z.entries, V.Bytes.text(await z.read('a.txt', 100)),"
        " (await z.read('dir/b.txt', 10000)).length, V.Zip.total(" + js_bytes(data) + ")])"
    )
    assert got[0] == [
        {"name": "a.txt", "size": 5, "compressedSize": 5, "isDir": False},
        {
            "name": "dir/b.txt",
            "size": 6000,
            "compressedSize": got[0][1]["compressedSize"],
            "isDir": False,
        },
    ]
    assert got[1:] == ["hello", 6000, 6005]
    # too big for the caller's limit; a flipped byte (CRC-32); not a zip
    refused = "e => e.code"
    assert (
        js(f"V.Zip.open({js_bytes(data)}).then((z) => z.read('dir/b.txt', 100)).catch({refused})")
        == "webverify.zip_too_big"
    )
    i = data.index(b"hello")
    bad = data[:i] + b"jello" + data[i + 5 :]
    assert (
        js(f"V.Zip.open({js_bytes(bad)}).then((z) => z.read('a.txt', 100)).catch({refused})")
        == "webverify.zip_bad"
    )
    assert js(f"V.Zip.open({js_bytes(b'not a zip')}).catch({refused})") == "webverify.zip_bad"
    assert js(f"V.Zip.total({js_bytes(b'not a zip')})") is None


def test_page_parser_matches_python_tree(js: JS) -> None:
    html = (
        '<!DOCTYPE html><p class="a  b" id=x ID=y>t &amp; &lt;u&gt; &#x4e2d; &notit;<b>bold</b>'
        "<br><img src=x><td data-f=code>1<i>2</td>3</p><script>if (a<b) {}</script>"
        "<!-- c --><bdi>n</bdi></nope><table><tr><th>h</th></tr><tr><td>c</td></tr></table>"
    )

    def tree(n: Any) -> Any:
        return [n.tag, n.attrs, [c if isinstance(c, str) else tree(c) for c in n.children]]

    parser = page._Page()
    parser.feed(html)
    parser.close()
    want = tree(parser.root)
    got = js(
        f"(() => {{ const t = (n) => [n.tag, Object.assign({{}}, n.attrs), n.children.map((c) => typeof c === 'string' ? c : t(c))];"
        f" const r = V.Page.parse({json.dumps(html)}); return t(r); }})()"
    )

    def joined(t: Any) -> Any:  # Python may hand text in several pieces; only the text counts
        out: list[Any] = []
        for c in t[2]:
            if isinstance(c, str) and out and isinstance(out[-1], str):
                out[-1] += c
            else:
                out.append(c if isinstance(c, str) else joined(c))
        return [t[0], t[1], out]

    assert joined(got) == joined(want)
