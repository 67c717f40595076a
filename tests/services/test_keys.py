"""Signing identity: encrypted key files, trust list, revocation, audit entries."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from randcheck.core import note, signing
from randcheck.errors import CannotRunError, ConflictError, InputError, NotFoundError, UsageError
from randcheck.services import keys
from randcheck.services.audit import AuditLog
from randcheck.workspace import Workspace, init_workspace

PW = b"correct horse battery staple"


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试局", "320500")[0]


@pytest.fixture
def audit(ws: Workspace, engine: Engine) -> AuditLog:
    return AuditLog(ws, engine)


def test_init_writes_encrypted_0600_key_and_logs(ws: Workspace, audit: AuditLog) -> None:
    info = keys.init_key(ws, audit, "alice", PW)
    key_file = ws.keys_dir / "office.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    pem = key_file.read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert b"BEGIN PRIVATE KEY" not in pem
    assert PW not in pem
    assert info.key_id == signing.key_id(info.public)
    loaded = keys.load_private_key(ws, "office", PW)
    assert signing.public_raw(loaded) == info.public
    (entry,) = audit.entries()
    assert entry["kind"] == "keys.init" and entry["actor"] == "alice"
    assert entry["payload"]["key_id"] == info.key_id
    assert PW.decode() not in audit.file_bytes().decode()
    assert keys.own_public_keys(ws) == {info.key_id: info.public}


def test_wrong_passphrase(ws: Workspace, audit: AuditLog) -> None:
    keys.init_key(ws, audit, "a", PW)
    with pytest.raises(CannotRunError) as info:
        keys.load_private_key(ws, "office", b"Zq9-not-it")
    assert info.value.code == "keys.bad_passphrase"
    assert "Zq9-not-it" not in str(info.value)
    assert "Zq9-not-it" not in repr(info.value.params)
    with pytest.raises(NotFoundError):
        keys.load_private_key(ws, "nobody", PW)


def test_init_refuses_overwrite_and_bad_input(
    ws: Workspace, audit: AuditLog, tree_snapshot: Any
) -> None:
    keys.init_key(ws, audit, "a", PW)
    before = tree_snapshot(ws.root)
    with pytest.raises(ConflictError):
        keys.init_key(ws, audit, "a", PW)
    with pytest.raises(UsageError):
        keys.init_key(ws, audit, "a", PW, name="../evil")
    with pytest.raises(CannotRunError):
        keys.init_key(ws, audit, "a", b"", name="second")
    assert tree_snapshot(ws.root) == before
    assert audit.size() == 1


def test_failed_audit_leaves_no_key_files(
    ws: Workspace, audit: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: Any, **_k: Any) -> None:
        raise OSError(28, "disk full")

    monkeypatch.setattr(keys, "atomic_write", boom)
    with pytest.raises(OSError):
        keys.init_key(ws, audit, "a", PW)
    assert list(ws.keys_dir.iterdir()) == []
    assert audit.size() == 0


def test_export_trust_and_list(ws: Workspace, audit: AuditLog, tmp_path: Path) -> None:
    own = keys.init_key(ws, audit, "a", PW)
    text = keys.export_text(ws)
    assert f"# key-id: {own.key_id}" in text
    assert "-----BEGIN PUBLIC KEY-----" in text
    vkey_line = next(x for x in text.splitlines() if x.startswith("# note-key: "))
    name, public = note.parse_vkey(vkey_line.split(": ", 1)[1])
    assert public == own.public and name == note.origin_for("320500", own.key_id)
    assert keys.parse_public_text(text, "x")[0] == own.public

    # another office's workspace
    other_ws = init_workspace(tmp_path / "other", "邻市局", "320600")[0]
    other_public = signing.public_raw(signing.private_from_seed(b"\x05" * 32))
    other_text = keys.export_for(other_ws, "office", other_public)
    t = keys.trust_key(ws, audit, "a", other_text, "other.pub", "suzhou", "office")
    w_public = signing.public_raw(signing.private_from_seed(b"\x06" * 32))
    w = keys.trust_key(
        ws, audit, "a", note.vkey("witness.example", w_public), "w.vkey", "wit", "witness"
    )
    assert keys.trusted_keys(ws) == {t.key_id: other_public, w.key_id: w_public}
    listed = keys.list_keys(ws)
    assert [(k.name, k.role) for k in listed] == [
        ("office", "own"),
        *sorted(
            [("suzhou", "office"), ("wit", "witness")],
            key=lambda x: {"suzhou": t.key_id, "wit": w.key_id}[x[0]],
        ),
    ]
    doc = json.loads((ws.keys_dir / "trusted.json").read_text())
    assert {e["name"] for e in doc["keys"]} == {"suzhou", "wit"}
    assert [e["kind"] for e in audit.entries()] == ["keys.init", "keys.trust", "keys.trust"]

    with pytest.raises(ConflictError):
        keys.trust_key(ws, audit, "a", other_text, "other.pub", "again", "office")
    with pytest.raises(ConflictError):
        keys.trust_key(ws, audit, "a", text, "own.pub", "me", "office")
    with pytest.raises(UsageError):
        keys.trust_key(ws, audit, "a", other_text, "o", "x", "boss")
    tampered = other_text.replace(t.key_id, "0" * 64)
    with pytest.raises(InputError):
        keys.trust_key(ws, audit, "a", tampered, "t.pub", "t", "office")
    with pytest.raises(InputError):
        keys.trust_key(ws, audit, "a", "hello", "junk.pub", "j", "office")
    assert audit.size() == 3


def test_revoke_marks_never_deletes(ws: Workspace, audit: AuditLog) -> None:
    own = keys.init_key(ws, audit, "a", PW)
    other_public = signing.public_raw(signing.private_from_seed(b"\x05" * 32))
    t = keys.trust_key(
        ws, audit, "a", keys.export_for(ws, "x", other_public), "x.pub", "x", "office"
    )
    keys.revoke_key(ws, audit, "a", t.key_id[:10], "rotated")
    assert keys.trusted_keys(ws) == {}
    assert len(keys.trusted_entries(ws)) == 1
    assert keys.trusted_entries(ws)[0].revoked == {
        "reason": "rotated",
        "time": audit.entries()[-1]["time"],
    }
    keys.revoke_key(ws, audit, "a", own.key_id, "compromised")
    assert keys.own_public_keys(ws) == {}
    assert keys.own_public_keys(ws, include_revoked=True) == {own.key_id: own.public}
    assert (ws.keys_dir / "office.key").exists()
    with pytest.raises(CannotRunError) as info:
        keys.load_private_key(ws, "office", PW)
    assert info.value.code == "keys.revoked_key"
    with pytest.raises(ConflictError):
        keys.revoke_key(ws, audit, "a", own.key_id, "again")
    with pytest.raises(NotFoundError):
        keys.revoke_key(ws, audit, "a", "deadbeef", "x")
    with pytest.raises(UsageError):
        keys.revoke_key(ws, audit, "a", "abc", "too short")
    kinds = [e["kind"] for e in audit.entries()]
    assert kinds == ["keys.init", "keys.trust", "keys.revoke", "keys.revoke"]
    assert audit.entries()[-1]["payload"]["reason"] == "compromised"
