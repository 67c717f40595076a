"""Signing identity: encrypted key files, trust list, revocation, audit entries."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import Engine

from randcheck.core import note, signing
from randcheck.errors import CannotRunError, ConflictError, InputError, NotFoundError, UsageError
from randcheck.io import keyfile
from randcheck.services import keys
from randcheck.services.audit import AuditLog
from randcheck.workspace import Workspace, init_workspace

PW = b"correct horse battery staple"
NEW_PW = "新的口令：七个汉字加标点".encode()  # 12 characters, most of them Chinese


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
    data = key_file.read_bytes()
    assert json.loads(data)["format"] == "randcheck-private-key"
    assert b"PRIVATE KEY-----" not in data
    assert PW not in data
    assert keys.key_file_format(ws, "office") == keyfile.FORMAT_V1
    assert info.key_id == signing.key_id(info.public)
    loaded = keys.load_private_key(ws, "office", PW)
    assert signing.public_raw(loaded) == info.public
    (entry,) = audit.entries()
    assert entry["kind"] == "keys.init" and entry["actor"] == "alice"
    assert entry["payload"]["key_id"] == info.key_id
    assert entry["payload"]["format"] == "randcheck-private-key/1"
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
    with pytest.raises(InputError):
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


# -- the version 1 key file, old PKCS8 files, the passphrase rule, rewrap ----------------------


def _doc(ws: Workspace, name: str = "office") -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((ws.keys_dir / f"{name}.key").read_bytes())
    return doc


def _make_legacy(ws: Workspace, name: str, current: bytes, old_passphrase: bytes) -> None:
    """Turn own key ``name`` into the encrypted PKCS8 PEM file randcheck wrote before v1."""
    private = keys.load_private_key(ws, name, current)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(old_passphrase),
    )
    path = ws.keys_dir / f"{name}.key"
    path.write_bytes(pem)
    path.chmod(0o600)


def test_v1_file_fields_and_kdf_parameters(ws: Workspace, audit: AuditLog) -> None:
    info = keys.init_key(ws, audit, "a", PW)
    doc = _doc(ws)
    assert sorted(doc) == [
        "aead",
        "ciphertext",
        "format",
        "kdf",
        "key_id",
        "public_key",
        "version",
    ]
    assert doc["format"] == "randcheck-private-key" and doc["version"] == 1
    assert doc["key_id"] == info.key_id
    assert base64.b64decode(doc["public_key"]) == info.public
    kdf = doc["kdf"]
    assert sorted(kdf) == ["log_n", "name", "p", "r", "salt"]
    assert kdf["name"] == "scrypt"
    # the documented minimum (docs/keys.md): N = 2**16, r = 8, p = 1, a 16-byte salt
    assert kdf["log_n"] >= 16 and kdf["r"] >= 8 and kdf["p"] >= 1
    assert kdf["log_n"] >= keyfile.MIN_SCRYPT_LOG_N and kdf["r"] >= keyfile.MIN_SCRYPT_R
    salt = base64.b64decode(kdf["salt"])
    assert len(salt) == 16
    assert doc["aead"]["name"] == "AES-256-GCM"
    nonce = base64.b64decode(doc["aead"]["nonce"])
    assert len(nonce) == 12
    ciphertext = base64.b64decode(doc["ciphertext"])
    assert len(ciphertext) == 32 + 16

    # decrypt as the document says, with hashlib and a bare AES-GCM (not randcheck's code)
    wrap = hashlib.scrypt(
        PW, salt=salt, n=2 ** kdf["log_n"], r=kdf["r"], p=kdf["p"], maxmem=1 << 30, dklen=32
    )
    seed = AESGCM(wrap).decrypt(nonce, ciphertext, b"randcheck-private-key/1" + info.public)
    assert signing.public_raw(signing.private_from_seed(seed)) == info.public
    assert seed not in (ws.keys_dir / "office.key").read_bytes()

    # a second key: fresh salt and nonce
    keys.init_key(ws, audit, "a", PW, name="second")
    other = _doc(ws, "second")
    assert other["kdf"]["salt"] != kdf["salt"] and other["aead"]["nonce"] != doc["aead"]["nonce"]


def test_old_pkcs8_key_still_loads(ws: Workspace, audit: AuditLog) -> None:
    info = keys.init_key(ws, audit, "a", PW)
    _make_legacy(ws, "office", PW, b"pw")  # old files may have any passphrase
    assert (
        (ws.keys_dir / "office.key")
        .read_bytes()
        .startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    )
    assert keys.key_file_format(ws, "office") == keyfile.FORMAT_PKCS8
    loaded = keys.load_private_key(ws, "office", b"pw")
    assert signing.public_raw(loaded) == info.public
    with pytest.raises(CannotRunError) as exc:
        keys.load_private_key(ws, "office", PW)
    assert exc.value.code == "keys.bad_passphrase"


def test_rewrap_upgrades_an_old_key(ws: Workspace, audit: AuditLog) -> None:
    info = keys.init_key(ws, audit, "alice", PW)
    _make_legacy(ws, "office", PW, b"old-pw")
    meta_before = (ws.keys_dir / "office.json").read_bytes()
    pub_before = (ws.keys_dir / "office.pub").read_bytes()

    done = keys.rewrap_key(ws, audit, "bob", b"old-pw", NEW_PW)
    assert done.key_id == info.key_id and done.public == info.public
    key_file = ws.keys_dir / "office.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert keys.key_file_format(ws, "office") == keyfile.FORMAT_V1
    assert _doc(ws)["key_id"] == info.key_id
    assert signing.public_raw(keys.load_private_key(ws, "office", NEW_PW)) == info.public
    with pytest.raises(CannotRunError) as exc:
        keys.load_private_key(ws, "office", b"old-pw")
    assert exc.value.code == "keys.bad_passphrase"
    # metadata and public key untouched, no stray files
    assert (ws.keys_dir / "office.json").read_bytes() == meta_before
    assert (ws.keys_dir / "office.pub").read_bytes() == pub_before
    assert sorted(p.name for p in ws.keys_dir.iterdir()) == [
        "office.json",
        "office.key",
        "office.pub",
    ]

    entry = audit.entries()[-1]
    assert entry["kind"] == "keys.rewrap" and entry["actor"] == "bob"
    assert entry["payload"] == {
        "name": "office",
        "key_id": info.key_id,
        "from_format": "pkcs8-pem",
        "format": "randcheck-private-key/1",
        "kdf": {"name": "scrypt", "log_n": 16, "r": 8, "p": 1},
    }
    log_text = audit.file_bytes().decode()
    assert "old-pw" not in log_text and NEW_PW.decode() not in log_text

    # a v1 key can be rewrapped again (new passphrase, new salt)
    salt = _doc(ws)["kdf"]["salt"]
    keys.rewrap_key(ws, audit, "bob", NEW_PW, PW)
    assert _doc(ws)["kdf"]["salt"] != salt
    assert signing.public_raw(keys.load_private_key(ws, "office", PW)) == info.public
    assert audit.entries()[-1]["payload"]["from_format"] == "randcheck-private-key/1"


def test_rewrap_wrong_old_passphrase_changes_nothing(
    ws: Workspace, audit: AuditLog, tree_snapshot: Any
) -> None:
    keys.init_key(ws, audit, "a", PW)
    _make_legacy(ws, "office", PW, b"old-pw")
    before = tree_snapshot(ws.root)
    with pytest.raises(CannotRunError) as exc:
        keys.rewrap_key(ws, audit, "a", b"not-old-pw", NEW_PW)
    assert exc.value.code == "keys.bad_passphrase" and exc.value.exit_code == 3
    assert "not-old-pw" not in str(exc.value) and "not-old-pw" not in repr(exc.value.params)
    with pytest.raises(NotFoundError):
        keys.rewrap_key(ws, audit, "a", b"old-pw", NEW_PW, name="nobody")
    assert tree_snapshot(ws.root) == before
    assert audit.size() == 1


@pytest.mark.parametrize(
    "weak",
    [
        b"",
        b"short",
        b"elevenchars",  # 11
        b"a" * 40,  # long but one character repeated
        "一二三四五六七八九十甲".encode(),  # 11 Chinese characters (33 bytes)
    ],
)
def test_weak_passphrase_is_refused_and_nothing_written(
    ws: Workspace, audit: AuditLog, tree_snapshot: Any, weak: bytes
) -> None:
    before = tree_snapshot(ws.root)
    with pytest.raises(InputError) as exc:
        keys.init_key(ws, audit, "a", weak)
    assert exc.value.code == "keys.weak_passphrase" and exc.value.exit_code == 1
    assert exc.value.params == {"min": 12}
    assert tree_snapshot(ws.root) == before
    assert not ws.keys_dir.exists() or list(ws.keys_dir.iterdir()) == []
    assert audit.size() == 0

    keys.init_key(ws, audit, "a", PW)
    before = tree_snapshot(ws.root)
    with pytest.raises(InputError) as exc:
        keys.rewrap_key(ws, audit, "a", PW, weak)
    assert exc.value.code == "keys.weak_passphrase"
    assert tree_snapshot(ws.root) == before
    assert audit.size() == 1


@pytest.mark.parametrize(
    "ok",
    [
        b"twelve chars",
        "一二三四五六七八九十甲乙".encode(),  # 12 Chinese characters
        b"ab" * 6,
    ],
)
def test_passphrase_rule_accepts(ok: bytes) -> None:
    keyfile.check_new_passphrase(ok)


def test_failed_rewrap_puts_the_old_file_back(
    ws: Workspace, audit: AuditLog, monkeypatch: pytest.MonkeyPatch, tree_snapshot: Any
) -> None:
    keys.init_key(ws, audit, "a", PW)
    _make_legacy(ws, "office", PW, b"old-pw")
    before = tree_snapshot(ws.root)

    def boom(*_a: Any, **_k: Any) -> None:
        raise OSError(28, "disk full")

    monkeypatch.setattr(keys, "atomic_write", boom)
    with pytest.raises(OSError):
        keys.rewrap_key(ws, audit, "a", b"old-pw", NEW_PW)
    monkeypatch.undo()
    assert tree_snapshot(ws.root) == before
    assert stat.S_IMODE((ws.keys_dir / "office.key").stat().st_mode) == 0o600
    assert audit.size() == 1
    assert keys.key_file_format(ws, "office") == keyfile.FORMAT_PKCS8


def test_revoked_key_can_be_rewrapped_but_not_loaded(ws: Workspace, audit: AuditLog) -> None:
    own = keys.init_key(ws, audit, "a", PW)
    keys.revoke_key(ws, audit, "a", own.key_id, "retired")
    done = keys.rewrap_key(ws, audit, "a", PW, NEW_PW)
    assert done.revoked is not None and done.key_id == own.key_id
    with pytest.raises(CannotRunError) as exc:
        keys.load_private_key(ws, "office", NEW_PW)
    assert exc.value.code == "keys.revoked_key"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        (("kdf", "log_n"), 10, "keys.bad_file"),  # weaker than any file randcheck writes
        (("kdf", "log_n"), 40, "keys.bad_file"),  # would need terabytes: refused up front
        (("kdf", "log_n"), True, "keys.bad_file"),
        (("kdf", "r"), 4, "keys.bad_file"),
        (("kdf", "name"), "pbkdf2", "keys.bad_file"),
        (("aead", "nonce"), "AAAA", "keys.bad_file"),
        (("version",), 2, "keys.bad_file"),
        (("key_id",), "0" * 64, "keys.bad_file"),
        (("kdf", "salt"), base64.b64encode(b"\x00" * 16).decode(), "keys.bad_passphrase"),
        (("kdf", "log_n"), 17, "keys.bad_passphrase"),  # a different key: the tag fails
    ],
)
def test_tampered_v1_file_is_refused(
    ws: Workspace, audit: AuditLog, field: tuple[str, ...], value: Any, code: str
) -> None:
    keys.init_key(ws, audit, "a", PW)
    doc = _doc(ws)
    target = doc
    for part in field[:-1]:
        target = target[part]
    target[field[-1]] = value
    (ws.keys_dir / "office.key").write_text(json.dumps(doc))
    with pytest.raises(CannotRunError) as exc:
        keys.load_private_key(ws, "office", PW)
    assert exc.value.code == code


def test_swapped_public_key_fails_authentication(ws: Workspace, audit: AuditLog) -> None:
    keys.init_key(ws, audit, "a", PW)
    other = signing.public_raw(signing.private_from_seed(b"\x07" * 32))
    doc = _doc(ws)
    doc["public_key"] = base64.b64encode(other).decode()
    doc["key_id"] = signing.key_id(other)
    (ws.keys_dir / "office.key").write_text(json.dumps(doc))
    with pytest.raises(CannotRunError) as exc:
        keys.load_private_key(ws, "office", PW)
    assert exc.value.code == "keys.bad_passphrase"  # the associated data no longer matches
    (ws.keys_dir / "office.key").write_bytes(b"not a key file\n")
    with pytest.raises(CannotRunError) as exc:
        keys.load_private_key(ws, "office", PW)
    assert exc.value.code == "keys.bad_file"
