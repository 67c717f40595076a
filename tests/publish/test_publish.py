"""``randcheck publish``: the bundle's files, the 公示 page, results, atomic replacement."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import hashlib
import io
import json
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from randcheck.bundle import layout, pages, table
from randcheck.core import signing
from randcheck.core.canonical import parse
from randcheck.core.draw import commit
from randcheck.errors import CannotRunError
from randcheck.services import keys as keys_svc
from randcheck.services import notice, publish
from randcheck.services.audit import AuditLog
from randcheck.store.draw_models import RecordRow
from tests.conftest import snapshot_tree
from tests.drawfixtures import passes_without_bls
from tests.publish.conftest import (
    PASSPHRASE,
    RISK_CLASSES,
    TASK_ID,
    Drawn,
    entity_name,
)

EXPECTED = {
    "SHA256SUMS",
    "SHA256SUMS.sig",
    "verify.html",  # format v4: the browser verifier
    "verify.js",
    "addenda/0001.json",
    "announcement.json",
    "bundle.json",
    "index.html",
    "inspectors.json",
    "keys/operator.pub",
    "log/1.tlog-proof",
    "log/2.tlog-proof",
    "log/3.tlog-proof",
    "log/4.tlog-proof",
    "log/checkpoint.txt",
    "log/entries/1.json",
    "log/entries/2.json",
    "log/entries/3.json",
    "log/entries/4.json",
    "log/tail.json",
    "log/tail.jsonl",
    "notice.html",
    "population/S1.txt",
    "population/S2.txt",
    "population/S3.txt",
    "record.json",
    "results.csv",
    "results.xlsx",
    "roster.json",
}
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "area", "base", "source"}


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def key(drawn: Drawn) -> object:
    return keys_svc.load_private_key(drawn.ws, "office", PASSPHRASE.encode())


class Structure(HTMLParser):
    """Checks that every non-void element is closed in order; collects text and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(data: bytes) -> Structure:
    p = Structure()
    p.feed(data.decode("utf-8"))
    p.close()
    return p


def test_bundle_has_every_file(bundle: Path) -> None:
    assert set(files_of(bundle)) == EXPECTED
    assert bundle.name == TASK_ID
    assert not [p for p in bundle.parent.iterdir() if p.name.startswith(".")]  # no temp dirs


def test_signed_documents_are_published_exactly_as_stored(drawn: Drawn, bundle: Path) -> None:
    with Session(drawn.engine) as s:
        row = s.get(RecordRow, drawn.rec_digest)
        assert row is not None
        assert (bundle / "record.json").read_bytes() == row.envelope
    for sid, codes in drawn.population.items():
        assert (bundle / f"population/{sid}.txt").read_bytes() == commit.population_file(codes)
    roster = parse((bundle / "roster.json").read_bytes())
    assert isinstance(roster, dict) and roster["inspectors"][0]["id"] == "ZF001"
    assert b'"kind":"addendum"' in (bundle / "addenda/0001.json").read_bytes()
    pub = (bundle / "keys/operator.pub").read_text()
    assert pub == drawn.key_text


def test_sha256sums_covers_every_other_file_and_is_signed(drawn: Drawn, bundle: Path) -> None:
    files = files_of(bundle)
    lines = files["SHA256SUMS"].decode().splitlines()
    paths = [line.split("  ", 1)[1] for line in lines]
    assert paths == sorted(paths, key=str.encode)
    assert set(paths) == EXPECTED - {"SHA256SUMS", "SHA256SUMS.sig"}
    for line in lines:
        digest, path = line.split("  ", 1)
        assert hashlib.sha256(files[path]).hexdigest() == digest
    sig = json.loads(files["SHA256SUMS.sig"])
    public = keys_svc.public_key(drawn.ws)
    assert sig["keyid"] == signing.key_id(public)
    signing.verify(
        public, layout.sums_signing_input(files["SHA256SUMS"]), bytes.fromhex(sig["sig"])
    )


def test_log_entries_are_the_log_lines(drawn: Drawn, bundle: Path) -> None:
    entries = [json.loads((bundle / f"log/entries/{n}.json").read_bytes()) for n in (1, 2, 3, 4)]
    assert [e["kind"] for e in entries] == [
        "task.announce", "draw.revealed", "draw.record", "draw.addendum"
    ]  # fmt: skip
    assert entries[0]["payload"]["announcement"] == drawn.ann_digest
    assert entries[1]["payload"]["seed"] == drawn.record["seed"]  # the record's own reveal
    log = (drawn.ws.audit_dir / "log.jsonl").read_bytes().split(b"\n")
    for n in (1, 2, 3, 4):
        assert (bundle / f"log/entries/{n}.json").read_bytes() == log[n] + b"\n"
    proof = (bundle / "log/3.tlog-proof").read_text()
    assert proof.endswith((bundle / "log/checkpoint.txt").read_text())


def test_index_html_is_well_formed_and_self_contained(bundle: Path) -> None:
    data = (bundle / "index.html").read_bytes()
    assert "协议 randcheck/draw/v1" in data.decode("utf-8")  # a v1 record's page names v1
    p = parse_html(data)
    assert p.errors == [] and p.stack == []
    assert p.tags[:4] == ["html", "head", "meta", "meta"]
    assert p.tags.count("h2") == 8 and "title" in p.tags and "body" in p.tags
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    low = data.decode().lower()
    for bad in ("http:", "https:", "//", "src=", "url(", "@import", "<script", "<link"):
        assert bad not in low, bad
    assert not any(name == "src" for name, _v in p.attrs)
    hrefs = [v for name, v in p.attrs if name == "href"]  # the bundle's files, for download
    assert "announcement.json" in hrefs and all(h and ":" not in h for h in hrefs)
    assert all(not h.startswith("/") and (bundle / h.split("#")[0]).exists() for h in hrefs)


def test_index_html_shows_the_draw(drawn: Drawn, bundle: Path) -> None:
    page = (bundle / "index.html").read_text()
    rec = drawn.record
    for s in rec["strata"]:  # type: ignore[union-attr]
        for d in s["drawn"]:
            assert d["code"] in page and entity_name(d["code"]) in page
    assert drawn.replacement in page and entity_name(drawn.replacement) in page
    assert "企业已注销" in page and "已由第 1 号补充记录替换" in page
    assert f"randcheck verify {TASK_ID} --trusted-keys" in page
    assert drawn.rec_digest in page and layout.short_code(drawn.rec_digest) in page
    assert signing.key_id(keys_svc.public_key(drawn.ws)) in page
    assert rec["seed"] in page  # type: ignore[operator]
    for text in ("执法员", "ZF00", "《中华人民共和国食品安全法》第一百一十条"):
        assert text in page
    assert "<bdi>王监督</bdi>、<bdi>李见证</bdi>" in page  # user text is isolated
    assert "登记状态非存续" in page and "drand" in page and "657413" in page
    assert 'id="redraw"' not in page and 'id="practice"' not in page


def test_no_risk_class_anywhere_in_the_bundle(drawn: Drawn, bundle: Path) -> None:
    written = notice.write_notice(drawn.ws, drawn.engine, TASK_ID)
    files = files_of(bundle)
    # the browser verifier is the same program in every bundle (its messages may say "risk"
    # when they explain what is not published): no data of the workspace is in it
    program = {p: files.pop(p) for p in layout.VERIFIER_FILES}
    assert program == publish.verifier_files()
    blobs = [*files.values(), written.read_bytes()]
    with zipfile.ZipFile(io.BytesIO((bundle / "results.xlsx").read_bytes())) as z:
        blobs += [z.read(n) for n in z.namelist()]
    for blob in [*blobs, *program.values()]:
        for risk in RISK_CLASSES:
            assert risk.encode() not in blob
        assert b"RISKCLS" not in blob
    for blob in blobs:
        assert b"risk" not in blob.lower()


def test_results_csv_and_xlsx(drawn: Drawn, bundle: Path) -> None:
    raw = (bundle / "results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["任务编号", "层", "批次", "统一社会信用代码/注册号", "名称",
                       "检查人员执法证号", "检查人员姓名", "备注"]  # fmt: skip
    body = rows[1:]
    teams = {t["target"]: t for t in drawn.record["teams"]}  # type: ignore[union-attr]
    assert len(body) == len(teams)
    codes = [r[3] for r in body]
    assert drawn.replaced not in codes and codes[-1] != "" and drawn.replacement in codes
    for r in body:
        assert r[0] == TASK_ID and r[4] == entity_name(r[3])
        if r[3] in teams:
            assert r[5] == ";".join(m["id"] for m in teams[r[3]]["members"])
            assert r[6] == ";".join(f"执法员{m['id'][-2:]}" for m in teams[r[3]]["members"])
            assert r[2] in ("1", "2")
        else:
            assert r[3] == drawn.replacement and "替补" in r[7] and r[2] == ""
    wb = load_workbook(bundle / "results.xlsx")
    sheet = [
        ["" if v is None else str(v) for v in row] for row in wb.active.iter_rows(values_only=True)
    ]
    assert sheet == rows


def test_inspectors_json_has_public_fields_only(bundle: Path) -> None:
    doc = json.loads((bundle / "inspectors.json").read_bytes())
    assert len(doc["inspectors"]) == 10
    for row in doc["inspectors"]:
        assert set(row) == {"badge_no", "name", "unit", "department", "issuer"}
    assert doc["inspectors"][0] == {
        "badge_no": "ZF001",
        "name": "执法员01",
        "unit": "苏州市测试市场监督管理局",
        "department": "农业农村局",
        "issuer": "江苏省人民政府",
    }


def test_publish_is_deterministic_and_needs_no_second_checkpoint(
    drawn: Drawn, bundle: Path, tmp_path: Path
) -> None:
    again = publish.publish_record(
        drawn.ws,
        drawn.engine,
        drawn.rec_digest[:10],
        key(drawn),
        out=tmp_path,  # type: ignore[arg-type]
    )
    assert not again.new_checkpoint
    assert again.path == tmp_path / TASK_ID
    assert files_of(again.path) == files_of(bundle)
    kinds = [e["kind"] for e in AuditLog(drawn.ws, drawn.engine).entries()]
    assert kinds.count("publish.bundle") >= 2


def test_large_population_is_gzipped_deterministically(
    drawn: Drawn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, office_key: dict[str, bytes]
) -> None:
    from randcheck.services.verify import verify_bundle

    monkeypatch.setattr(layout, "GZIP_OVER", 100)
    res = publish.publish_record(drawn.ws, drawn.engine, TASK_ID, key(drawn), out=tmp_path)  # type: ignore[arg-type]
    names = set(files_of(res.path))
    assert {"population/S1.txt.gz", "population/S2.txt.gz", "population/S3.txt.gz"} <= names
    packed = (res.path / "population/S2.txt.gz").read_bytes()
    assert packed[4:8] == b"\x00\x00\x00\x00" and packed[3] & 0x08 == 0  # mtime 0, no name
    assert gzip.decompress(packed) == commit.population_file(drawn.population["S2"])
    assert layout.deterministic_gzip(b"x\n") == layout.deterministic_gzip(b"x\n")
    report = verify_bundle(res.path, office_key, verify_bls=False)
    assert passes_without_bls(report), report.first_failure


def test_failed_republish_leaves_the_old_folder(
    drawn: Drawn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = publish.publish_record(drawn.ws, drawn.engine, TASK_ID, key(drawn), out=tmp_path)  # type: ignore[arg-type]
    (first.path / "stale.txt").write_text("old")
    before = snapshot_tree(tmp_path)
    size = AuditLog(drawn.ws, drawn.engine).size()

    def boom(root: Path, files: object) -> None:
        (root / "half-written").write_text("x")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "_write_tree", boom)
    with pytest.raises(CannotRunError) as exc:
        publish.publish_record(drawn.ws, drawn.engine, TASK_ID, key(drawn), out=tmp_path)  # type: ignore[arg-type]
    assert exc.value.code == "publish.cannot_write"
    assert snapshot_tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [TASK_ID]
    assert AuditLog(drawn.ws, drawn.engine).size() == size
    monkeypatch.undo()
    second = publish.publish_record(drawn.ws, drawn.engine, TASK_ID, key(drawn), out=tmp_path)  # type: ignore[arg-type]
    assert not (second.path / "stale.txt").exists()  # a re-publish replaces the whole folder
    assert sorted(p.name for p in tmp_path.iterdir()) == [TASK_ID]


def test_redraw_and_superseded_are_marked(drawn: Drawn) -> None:
    data = publish._gather(drawn.ws, drawn.engine, drawn.rec_digest)
    doc = {**data.rec_env.doc, "redraw": {"reason": "见证人未到场，经批准重新抽取"}}
    data.rec_env = dataclasses.replace(data.rec_env, doc=doc)
    data.superseded = True
    page = pages.render_index(data).decode()
    assert 'id="redraw"' in page and "见证人未到场，经批准重新抽取" in page
    assert 'id="superseded"' in page


def test_write_notice_shows_counts_not_names(drawn: Drawn, bundle: Path) -> None:
    path = notice.write_notice(drawn.ws, drawn.engine, TASK_ID)
    assert path == drawn.ws.publish_dir / TASK_ID / "notice.html"
    data = path.read_bytes()
    p = parse_html(data)
    assert p.errors == [] and p.stack == []
    page = data.decode()
    for bad in ("http:", "https:", "//", "src=", "<script", "<link"):
        assert bad not in page.lower()
    for text in ("120", "80", "40", "登记状态非存续", "近期已接受检查", "657413",
                 "2023年9月15日 19:00:03 北京时间", 'datetime="2023-09-15T11:00:03Z"', "食品安全法", "王监督", drawn.ann_digest):  # fmt: skip
        assert text in page, text
    for codes in drawn.population.values():
        for c in codes:
            assert c.decode() not in page
    assert drawn.record["seed"] not in page  # type: ignore[operator]
    assert (bundle / "notice.html").read_bytes() == data  # the bundle carries the same notice


def test_cli_publish(drawn: Drawn, tmp_path: Path) -> None:
    cli = drawn.cli()
    env = {"RANDCHECK_KEY_PASSPHRASE": PASSPHRASE}
    for lang in ("en", "zh"):
        out = tmp_path / lang
        res = cli("publish", TASK_ID, "--out", str(out), "--json", lang=lang, env=env)
        assert res.exit_code == 0, res.output
        doc = json.loads(res.stdout)
        assert doc["path"] == str(out / TASK_ID) and doc["record_digest"] == drawn.rec_digest
        assert doc["verification_code"] == layout.short_code(drawn.rec_digest)
        assert set(doc["files"]) == EXPECTED
    assert "verification code" in res.stderr.replace("\n", " ") or "核验码" in res.stderr
    bad = cli(
        "publish", TASK_ID, "--out", str(tmp_path / "x"), env={"RANDCHECK_KEY_PASSPHRASE": "wrong"}
    )
    assert bad.exit_code == 3 and not (tmp_path / "x").exists()
    missing = cli("publish", "no-such-task", "--out", str(tmp_path / "y"), env=env)
    assert missing.exit_code == 3 and not (tmp_path / "y").exists()


def test_folder_names_are_safe() -> None:
    assert layout.folder_name("2023-SC-001") == "2023-SC-001"
    assert layout.folder_name("a/b") == "a%2Fb"
    assert layout.stratum_file("A/..") == "population/A%2F...txt"
    for bad in ("", ".", ".."):
        with pytest.raises(CannotRunError):
            layout.folder_name(bad)
    assert layout.short_code("49d524e1405fe1c7" + "0" * 48) == "49D5-24E1-405F"


def test_copy_keeps_working(bundle: Path, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "bundle"
    shutil.copytree(bundle, copy)
    assert files_of(copy) == files_of(bundle)


def test_results_xlsx_does_not_depend_on_the_wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # openpyxl stamps "modified" with datetime.now() at save time; two saves a second apart
    # must still give the same bytes (publishing twice is byte-identical)
    import datetime as dt

    import openpyxl.writer.excel as excel

    rows = [["任务", "代码"], ["T1", "91320500MA1XXXXXX0"]]

    class Clock(dt.datetime):
        offset = 0

        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Clock:  # type: ignore[override]
            base = dt.datetime(2030, 1, 1, 0, 0, cls.offset, tzinfo=tz)
            return cls(*base.timetuple()[:6], tzinfo=tz)

    monkeypatch.setattr(excel.datetime, "datetime", Clock)
    first = table.to_xlsx(rows, "2023-09-15T11:01:03Z")
    Clock.offset = 7
    assert table.to_xlsx(rows, "2023-09-15T11:01:03Z") == first


def test_publish_into_a_file_signs_nothing(drawn: Drawn, tmp_path: Path) -> None:
    cli = drawn.cli()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    audit = drawn.ws.audit_dir
    # no checkpoint yet: a publish that went ahead would sign one first
    shutil.rmtree(audit / "checkpoints", ignore_errors=True)
    (audit / "checkpoint.txt").unlink(missing_ok=True)
    before = {p: p.read_bytes() for p in sorted(audit.rglob("*")) if p.is_file()}
    r = cli(
        "publish", TASK_ID, "--out", str(blocker / "sub"),
        env={"RANDCHECK_KEY_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert r.exit_code == 3 and "Traceback" not in r.output
    # no new checkpoint was signed, no log line written
    assert {p: p.read_bytes() for p in sorted(audit.rglob("*")) if p.is_file()} == before


def test_a_symlinked_bundle_folder_is_replaced_without_leftovers(
    drawn: Drawn, tmp_path: Path, office_key: dict[str, bytes]
) -> None:
    from randcheck.services.verify import verify_bundle

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not ours")
    out = tmp_path / "out"
    out.mkdir()
    (out / TASK_ID).symlink_to(elsewhere, target_is_directory=True)
    res = publish.publish_record(drawn.ws, drawn.engine, TASK_ID, key(drawn), out=out)  # type: ignore[arg-type]
    assert sorted(p.name for p in out.iterdir()) == [TASK_ID]  # no .old- or .new- folder left
    assert res.path.is_dir() and not res.path.is_symlink()
    assert (elsewhere / "keep.txt").read_text() == "not ours"  # the link's target untouched
    assert passes_without_bls(verify_bundle(res.path, office_key, verify_bls=False))
