"""The audit log service: one transaction for the change and its entries, file mirrors DB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.engine import Engine

from randcheck.core import merkle
from randcheck.core.canonical import canonical, is_canonical, parse
from randcheck.errors import CannotRunError, ChainError, InputError
from randcheck.services.audit import AuditLog, format_time
from randcheck.store.audit_models import AuditEntry
from randcheck.workspace import Workspace, init_workspace

NOW = datetime(2025, 3, 1, 8, 30, 15, tzinfo=UTC)

# A throwaway table standing in for "the caller's changes".
_meta = MetaData()
_things = Table(
    "audit_test_things",
    _meta,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(20)),
)


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试局", "320500")[0]


@pytest.fixture
def log(ws: Workspace, engine: Engine) -> AuditLog:
    _meta.create_all(engine)
    return AuditLog(ws, engine)


def _things_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(_things)).scalar_one())


def _file_lines(log: AuditLog) -> list[bytes]:
    return log.file_bytes().splitlines()


def test_entry_shape_and_canonical_line(log: AuditLog) -> None:
    seq = log.record("alice", "keys.init", {"name": "办公室", "n": 3}, now=NOW)
    assert seq == 0
    (line,) = _file_lines(log)
    assert is_canonical(line)
    assert parse(line) == {
        "seq": 0,
        "kind": "keys.init",
        "actor": "alice",
        "time": "2025-03-01T08:30:15Z",
        "payload": {"name": "办公室", "n": 3},
    }
    assert "办公室".encode() in line  # raw UTF-8, not \u escapes
    assert log.file_bytes().endswith(b"\n")
    assert log.entries()[0]["actor"] == "alice"
    ((s, leaf, body),) = log.db_rows()
    assert (s, body) == (0, line)
    assert leaf == merkle.leaf_hash(line).hex()


def test_time_is_utc_with_z() -> None:
    east8 = timezone(timedelta(hours=8))
    assert format_time(datetime(2025, 3, 1, 16, 30, 15, tzinfo=east8)) == "2025-03-01T08:30:15Z"
    assert format_time(datetime(2025, 3, 1, 8, 30, 15)) == "2025-03-01T08:30:15Z"


def test_default_time_is_now(log: AuditLog) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    log.record("a", "x.y", {})
    after = datetime.now(UTC)
    stamp = datetime.strptime(log.entries()[0]["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= stamp <= after


def test_commit_writes_change_and_entries_together(log: AuditLog, engine: Engine) -> None:
    with log.transaction("bob", now=NOW) as tx:
        tx.session.connection().execute(_things.insert().values(id=1, name="a"))
        assert tx.record("entities.import", {"rows": 1}) == 0
        assert tx.record("entities.edit", {"id": 1}) == 1
        # not visible in the file before commit
        assert log.file_bytes() == b""
    assert _things_count(engine) == 1
    assert [e["seq"] for e in log.entries()] == [0, 1]
    assert [parse(x)["kind"] for x in _file_lines(log)] == ["entities.import", "entities.edit"]
    assert log.record("bob", "keys.trust", {}, now=NOW) == 2


def test_exception_rolls_back_and_writes_nothing(
    log: AuditLog, engine: Engine, ws: Workspace, tree_snapshot: Any
) -> None:
    log.record("a", "x.first", {}, now=NOW)
    before = tree_snapshot(ws.root)
    with pytest.raises(RuntimeError, match="boom"), log.transaction("a", now=NOW) as tx:
        tx.session.connection().execute(_things.insert().values(id=7, name="z"))
        tx.record("x.second", {})
        raise RuntimeError("boom")
    assert _things_count(engine) == 0
    assert log.size() == 1
    assert tree_snapshot(ws.root) == before
    # the seq is not burnt: the next entry is 1
    assert log.record("a", "x.third", {}, now=NOW) == 1


def test_bad_payload_rolls_back(log: AuditLog, engine: Engine, ws: Workspace) -> None:
    with pytest.raises(InputError), log.transaction("a") as tx:
        tx.session.connection().execute(_things.insert().values(id=1, name="a"))
        tx.record("x.y", {"ratio": 0.5})  # floats are refused in signed data
    assert _things_count(engine) == 0
    assert log.size() == 0
    assert not log.path.exists()
    with pytest.raises(InputError):
        log.record("a", "nodot", {})


def test_crash_between_commit_and_append_is_repaired(log: AuditLog, ws: Workspace) -> None:
    for i in range(3):
        log.record("a", "x.y", {"i": i}, now=NOW)
    full = log.file_bytes()
    # Simulate a crash after the DB commit of entries 1 and 2 but before their append:
    log.path.write_bytes(b"".join(line + b"\n" for line in full.splitlines()[:1]))
    AuditLog(ws, log.engine).sync_file()
    assert log.file_bytes() == full
    # and a torn last line (crash in the middle of write) is cut back and rewritten
    log.path.write_bytes(full[: len(full) - 7])
    log.sync_file()
    assert log.file_bytes() == full
    # the file missing entirely is rebuilt too
    log.path.unlink()
    log.record("a", "x.y", {"i": 3}, now=NOW)
    assert log.file_bytes().startswith(full)
    assert len(_file_lines(log)) == 4


def test_sync_refuses_a_file_that_does_not_match(log: AuditLog) -> None:
    log.record("a", "x.y", {"i": 0}, now=NOW)
    log.record("a", "x.y", {"i": 1}, now=NOW)
    good = log.file_bytes()
    # file longer than the DB
    log.path.write_bytes(good + canonical({"seq": 2}) + b"\n")
    with pytest.raises(ChainError) as info:
        log.record("a", "x.y", {}, now=NOW)
    assert info.value.code == "audit.file_ahead"
    assert log.size() == 2  # nothing committed
    # last line edited
    log.path.write_bytes(good.replace(b'"i":1', b'"i":9'))
    with pytest.raises(ChainError) as info:
        log.sync_file()
    assert info.value.code == "audit.file_diverged"
    assert info.value.params["seq"] == 1
    # torn line that is not a prefix of the expected entry
    log.path.write_bytes(good.splitlines(keepends=True)[0] + b'{"forged"')
    with pytest.raises(ChainError) as info:
        log.sync_file()
    assert info.value.code == "audit.file_torn"


def test_append_failure_after_commit_is_reported_and_recovered(
    log: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    log.record("a", "x.y", {"i": 0}, now=NOW)

    def disk_full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    import randcheck.services.audit as audit_mod

    monkeypatch.setattr(audit_mod.os, "write", disk_full)
    with pytest.raises(CannotRunError) as info:
        log.record("a", "x.y", {"i": 1}, now=NOW)
    assert info.value.code == "audit.cannot_append"
    assert log.size() == 2  # the DB committed first (documented order)
    assert len(_file_lines(log)) == 1
    monkeypatch.undo()
    log.sync_file()
    assert len(_file_lines(log)) == 2


def test_entries_in_seq_order(log: AuditLog, engine: Engine) -> None:
    for i in range(12):
        log.record(f"u{i}", "x.y", {"i": i}, now=NOW)
    assert [e["payload"]["i"] for e in log.entries()] == list(range(12))
    assert [s for s, _h, _b in log.db_rows()] == list(range(12))
    hashes = log.leaf_hashes()
    assert merkle.root_from_hashes(hashes) == merkle.root(_file_lines(log))


def test_table_columns(engine: Engine) -> None:
    cols = AuditEntry.__table__.columns  # type: ignore[attr-defined]
    assert set(cols.keys()) == {"seq", "leaf_hash", "body"}
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(AuditEntry.__table__)).scalar_one() == 0
        )  # type: ignore[attr-defined]


def test_verify_log_compares_recorded_state_with_provider(log: AuditLog, ws: Workspace) -> None:
    from sqlmodel import Session

    from randcheck.services.audit import verify_log

    log.record("a", "entities.import", {"state": {"entities": "aa", "items": "bb"}}, now=NOW)
    log.record("a", "entities.edit", {"state": {"entities": "cc"}}, now=NOW)
    seen: list[object] = []

    def provider(current: dict[str, str]) -> Any:
        def digests(session: Session) -> dict[str, str]:
            seen.append(session)
            return current

        return digests

    assert verify_log(ws, log, {}, provider({"entities": "cc", "items": "bb"})).ok
    assert isinstance(seen[0], Session)
    report = verify_log(ws, log, {}, provider({"entities": "zz", "items": "bb"}))
    assert [(p.code, p.params["seq"], p.params["table"]) for p in report.failures] == [
        ("log.v.state_mismatch", 1, "entities")
    ]
    report = verify_log(ws, log, {}, provider({"entities": "cc"}))
    assert [(p.params["seq"], p.params["table"]) for p in report.failures] == [(0, "items")]
    assert verify_log(ws, log, {}, None).ok
