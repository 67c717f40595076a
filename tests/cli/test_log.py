"""``randcheck log``: show, verify (with tampering), checkpoint, prove, verify-proof."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from randcheck.core import merkle
from randcheck.core.canonical import canonical, parse
from randcheck.store.audit_models import AuditEntry
from randcheck.store.db import open_engine

PW = "log-test-passphrase"
ENV = {"RANDCHECK_KEY_PASSPHRASE": PW}


@pytest.fixture
def logged(ready_cli: Any) -> Any:
    """A workspace whose log holds 5 entries (seq 0..4)."""
    assert ready_cli("keys", "init", env=ENV).exit_code == 0
    for name in ("k1", "k2", "k3", "k4"):
        assert ready_cli("keys", "init", "--name", name, env=ENV).exit_code == 0
    return ready_cli


def _log_path(cli: Any) -> Path:
    return Path(cli.root) / "audit_logs" / "log.jsonl"


def _lines(cli: Any) -> list[bytes]:
    return _log_path(cli).read_bytes().splitlines(keepends=True)


def _verify(cli: Any, lang: str = "en") -> tuple[int, dict[str, Any], Any]:
    r = cli("log", "verify", "--json", lang=lang)
    return r.exit_code, json.loads(r.stdout), r


def test_show(logged: Any) -> None:
    r = logged("log", "show")
    assert r.exit_code == 0
    assert "keys.init" in r.stdout and "tester" in r.stdout
    r = logged("log", "show", "--json", "--from", "1", "--limit", "2")
    assert [e["seq"] for e in json.loads(r.stdout)] == [1, 2]
    r = logged("log", "show", lang="zh")
    assert "操作人" in r.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_verify_intact(logged: Any, lang: str) -> None:
    r = logged("log", "verify", lang=lang)
    assert r.exit_code == 0, r.output
    assert ("Audit log intact: 5 entries" if lang == "en" else "审计日志完整：5 条") in r.stderr
    code, report, _ = _verify(logged)
    assert code == 0 and report["ok"] and report["size"] == 5


def _flip_byte(lines: list[bytes]) -> list[bytes]:
    line = lines[2]
    i = line.index(b'"kind":"keys.init"') + len(b'"kind":"keys.i')
    lines[2] = line[:i] + b"I" + line[i + 1 :]  # keys.init -> keys.Init: still canonical
    return lines


def _flip_json(lines: list[bytes]) -> list[bytes]:
    lines[2] = lines[2].replace(b'"seq":2', b'"seq" :2')  # not canonical any more
    return lines


def _forge(lines: list[bytes]) -> list[bytes]:
    forged = canonical(
        {
            "seq": 5,
            "kind": "keys.init",
            "actor": "mallory",
            "time": "2025-01-01T00:00:00Z",
            "payload": {},
        }
    )
    return [*lines, forged + b"\n"]


TAMPER = {
    "edit_one_byte": (_flip_byte, 2, 3, "log.v.differs_from_db"),
    "edit_breaks_canonical_form": (_flip_json, 2, 3, "log.v.not_canonical"),
    "delete_line": (lambda ls: ls[:2] + ls[3:], 2, 3, "log.v.wrong_seq"),
    "swap_lines": (lambda ls: [ls[0], ls[2], ls[1], *ls[3:]], 1, 2, "log.v.wrong_seq"),
    "append_forged": (_forge, 5, 6, "log.v.not_in_db"),
    "truncate": (lambda ls: ls[:3], 3, 4, "log.v.missing_from_file"),
    "torn_tail": (lambda ls: [*ls[:4], ls[4][:-9]], 4, 5, "log.v.torn_line"),
}


@pytest.mark.parametrize("case", sorted(TAMPER))
def test_tampering_is_detected_and_named(logged: Any, case: str) -> None:
    change, seq, line, code = TAMPER[case]
    path = _log_path(logged)
    path.write_bytes(b"".join(change(_lines(logged))))
    exit_code, report, _ = _verify(logged)
    assert exit_code == 1
    assert not report["ok"]
    first = report["problems"][0]
    assert (first["seq"], first["line"], first["code"]) == (seq, line, code)
    r = logged("log", "verify")
    assert r.exit_code == 1
    assert f"First: entry {seq} (line {line})" in r.stderr
    r = logged("log", "verify", lang="zh")
    assert r.exit_code == 1
    assert f"第一个：条目 {seq}（第 {line} 行）" in r.stderr


def test_checkpoint_prove_and_verify_proof(logged: Any, tmp_path: Path) -> None:
    r = logged("log", "checkpoint", env=ENV)
    assert r.exit_code == 0, r.output
    assert PW not in r.stdout + r.stderr
    signed = r.stdout
    ws = Path(logged.root)
    assert (ws / "audit_logs" / "checkpoint.txt").read_text() == signed
    assert (ws / "audit_logs" / "checkpoints" / "5.txt").read_text() == signed
    lines = signed.split("\n")
    assert lines[0].startswith("randcheck/320500/") and lines[1] == "5"
    assert lines[4].startswith("— randcheck/320500/")
    # the log itself did not grow
    assert len(_lines(logged)) == 5
    code, report, _ = _verify(logged)
    assert code == 0 and len(report["checkpoints"]) == 2

    pub = tmp_path / "office.pub"
    pub.write_text(logged("keys", "export").stdout)
    proof = tmp_path / "e3.tlog-proof"
    r = logged("log", "prove", "3", "-o", str(proof))
    assert r.exit_code == 0, r.output
    text = proof.read_text()
    assert text.startswith("c2sp.org/tlog-proof@v1\nindex 3\n")
    assert text.endswith(signed)

    r = logged("log", "verify-proof", str(proof), "--key", str(pub))
    assert r.exit_code == 0, r.output
    assert "Proof valid: entry 3" in r.stderr
    entry = tmp_path / "entry3.json"
    entry.write_bytes(_lines(logged)[3])
    r = logged(
        "log", "verify-proof", str(proof), "--key", str(pub), "--entry-file", str(entry), lang="zh"
    )
    assert r.exit_code == 0 and "证明有效" in r.stderr

    # a different entry, a tampered proof, the wrong key: all rejected with exit 1
    entry.write_bytes(_lines(logged)[2])
    r = logged("log", "verify-proof", str(proof), "--key", str(pub), "--entry-file", str(entry))
    assert r.exit_code == 1
    bad = tmp_path / "bad.tlog-proof"
    hashes = text.split("\n")
    hashes[2] = ("A" if hashes[2][0] != "A" else "B") + hashes[2][1:]
    bad.write_text("\n".join(hashes))
    r = logged("log", "verify-proof", str(bad), "--key", str(pub))
    assert r.exit_code == 1
    other_pub = tmp_path / "k1.pub"
    other_pub.write_text(logged("keys", "export", "--name", "k1").stdout)
    r = logged("log", "verify-proof", str(proof), "--key", str(other_pub))
    assert r.exit_code == 1

    r = logged("log", "prove", "5")
    assert r.exit_code == 3  # not covered by the checkpoint yet


def test_checkpoint_wrong_passphrase(logged: Any) -> None:
    r = logged("log", "checkpoint", env={"RANDCHECK_KEY_PASSPHRASE": "not-the-one"})
    assert r.exit_code == 3
    assert "wrong passphrase" in r.stderr
    assert "not-the-one" not in r.stdout + r.stderr
    assert not (Path(logged.root) / "audit_logs" / "checkpoint.txt").exists()


def test_checkpoint_catches_consistent_rewrite_of_file_and_db(logged: Any) -> None:
    """Someone rewrites entry 1 in BOTH the file and the DB: only the signed root catches it."""
    assert logged("log", "checkpoint", env=ENV).exit_code == 0
    lines = _lines(logged)
    entry = parse(lines[1].rstrip(b"\n"))
    entry["actor"] = "mallory"
    body = canonical(entry)
    lines[1] = body + b"\n"
    _log_path(logged).write_bytes(b"".join(lines))
    engine = open_engine(logged.db_url)
    with engine.begin() as conn:
        conn.execute(
            update(AuditEntry.__table__)  # type: ignore[arg-type]
            .where(AuditEntry.__table__.c.seq == 1)  # type: ignore[attr-defined]
            .values(body=body.decode(), leaf_hash=merkle.leaf_hash(body).hex())
        )
    engine.dispose()
    code, report, _ = _verify(logged)
    assert code == 1
    assert {p["code"] for p in report["problems"]} == {"log.v.checkpoint_root"}
    r = logged("log", "checkpoint", env=ENV)
    assert r.exit_code == 1  # a different checkpoint of size 5 already exists


def test_tampered_checkpoint_signature(logged: Any) -> None:
    assert logged("log", "checkpoint", env=ENV).exit_code == 0
    cp = Path(logged.root) / "audit_logs" / "checkpoint.txt"
    cp.write_text(cp.read_text().replace("\n5\n", "\n4\n"))
    code, report, _ = _verify(logged)
    assert code == 1
    assert report["problems"][0]["code"] == "log.v.checkpoint_signature"


def test_checkpoint_refuses_a_broken_log(logged: Any) -> None:
    _log_path(logged).write_bytes(b"".join(_lines(logged)[:2] + _lines(logged)[3:]))
    r = logged("log", "checkpoint", env=ENV)
    assert r.exit_code == 1
    assert not (Path(logged.root) / "audit_logs" / "checkpoint.txt").exists()


def test_interrupted_write_is_repaired_by_next_write(logged: Any) -> None:
    full = _log_path(logged).read_bytes()
    _log_path(logged).write_bytes(b"".join(_lines(logged)[:3]))
    code, report, _ = _verify(logged)
    assert code == 1 and report["problems"][0]["code"] == "log.v.missing_from_file"
    assert logged("keys", "init", "--name", "k5", env=ENV).exit_code == 0
    assert _log_path(logged).read_bytes().startswith(full)
    assert _verify(logged)[0] == 0


def test_show_from_past_the_end_is_not_called_empty(ready_cli: Any) -> None:
    env = {"RANDCHECK_KEY_PASSPHRASE": "pw-123456-abcdef"}
    assert ready_cli("keys", "init", env=env).exit_code == 0  # one entry
    r = ready_cli("log", "show", "--from", "9999")
    assert r.exit_code == 0 and "has 1 entries" in r.stderr and "empty" not in r.stderr


# -- log repair --------------------------------------------------------------------------


def _crash_after_commit(cli: Any) -> bytes:
    """Simulate a kill between the database commit and the log-file append of entry 4.

    The entry is committed to the database through ``AuditLog`` (``logged`` wrote it), then
    its line is cut off the file: exactly the state such a kill leaves.  Returns the full file.
    """
    full = _log_path(cli).read_bytes()
    _log_path(cli).write_bytes(b"".join(_lines(cli)[:4]))
    return full


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_repair_finishes_an_interrupted_write(logged: Any, lang: str) -> None:
    full = _crash_after_commit(logged)
    code, report, r = _verify(logged)
    assert code == 1 and report["problems"][0]["code"] == "log.v.missing_from_file"
    assert "log repair" in logged("log", "verify").stderr  # the finding names the next step
    r = logged("log", "repair", lang=lang)
    assert r.exit_code == 0, r.output
    if lang == "en":
        assert "Appended 1 line(s) from the database (entries 4 on)" in r.stderr
        assert "Audit log intact: 5 entries" in r.stderr
    else:
        assert "已从数据库补写 1 行（条目 4 起）" in r.stderr and "审计日志完整：5 条" in r.stderr
    assert _log_path(logged).read_bytes() == full
    assert _verify(logged)[0] == 0


def test_repair_cuts_a_torn_line_that_starts_the_missing_entry(logged: Any) -> None:
    full = _log_path(logged).read_bytes()
    lines = _lines(logged)
    _log_path(logged).write_bytes(b"".join(lines[:3]) + lines[3][:20])  # died mid-append
    assert {p["code"] for p in _verify(logged)[1]["problems"]} == {
        "log.v.torn_line",
        "log.v.missing_from_file",
    }
    r = logged("log", "repair")
    assert r.exit_code == 0, r.output
    assert "Cut an incomplete last line (20 bytes, the start of entry 3)" in r.stderr
    assert "Appended 2 line(s)" in r.stderr
    assert _log_path(logged).read_bytes() == full


def test_repair_of_an_intact_log_appends_nothing(logged: Any) -> None:
    before = _log_path(logged).read_bytes()
    r = logged("log", "repair")
    assert r.exit_code == 0, r.output
    assert "0 lines appended" in r.stderr and "Audit log intact" in r.stderr
    assert _log_path(logged).read_bytes() == before


def test_repair_json(logged: Any) -> None:
    _crash_after_commit(logged)
    r = logged("log", "repair", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["ok"] and doc["size"] == 5 and doc["problems"] == []
    assert doc["repair"] == {"appended": 1, "torn_bytes": 0, "refused": None}
    assert "Appended 1 line(s)" in r.stderr


DIVERGED: dict[str, Callable[[list[bytes]], list[bytes]]] = {
    "edited_line": _flip_byte,
    "edited_line_and_missing_tail": lambda ls: _flip_byte(ls)[:4],
    "edited_last_line_and_missing_tail": lambda ls: _flip_byte(ls)[:3],
    "deleted_middle_line": lambda ls: ls[:2] + ls[3:],
    "forged_line": _forge,
    "torn_line_not_the_entry": lambda ls: [*ls[:3], b'{"seq":3,"kind":"forged'],
    "torn_line_after_the_last_entry": lambda ls: [*ls, b'{"seq":5'],
}


@pytest.mark.parametrize("case", sorted(DIVERGED))
def test_repair_refuses_a_diverged_file_and_changes_nothing(logged: Any, case: str) -> None:
    diverged = b"".join(DIVERGED[case](_lines(logged)))
    _log_path(logged).write_bytes(diverged)
    code, before, _ = _verify(logged)
    assert code == 1
    r = logged("log", "repair")
    assert r.exit_code == 1, r.output
    assert "Nothing was changed" in r.stderr
    assert "Audit log verification FAILED" in r.stderr  # the findings of `log verify` follow
    assert _log_path(logged).read_bytes() == diverged
    r = logged("log", "repair", "--json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["repair"]["appended"] == 0 and doc["repair"]["refused"]["code"]
    assert doc["problems"] == before["problems"]
    assert _log_path(logged).read_bytes() == diverged


def test_repair_names_where_the_file_diverged(logged: Any) -> None:
    _log_path(logged).write_bytes(b"".join(_flip_byte(_lines(logged))[:4]))
    r = logged("log", "repair")
    assert r.exit_code == 1
    assert (
        "the log file differs from the database at entry 2 (line 3): "
        "the line differs from the database's copy" in r.stderr
    )
    r = logged("log", "repair", lang="zh")
    assert "日志文件在条目 2（第 3 行）与数据库不一致" in r.stderr and "未做任何改动" in r.stderr


def test_repair_cannot_run_without_a_workspace(cli: Any) -> None:
    r = cli("log", "repair")
    assert r.exit_code == 3
