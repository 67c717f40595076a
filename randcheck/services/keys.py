"""Signing identity: the office's own Ed25519 keys and the list of trusted keys.

Files under ``<workspace>/keys/`` (the folder is mode 0700):

* ``<name>.key``  the private key, encrypted with the passphrase, mode 0600: the JSON
  "randcheck-private-key" version 1 form (scrypt + AES-256-GCM, see below and
  ``docs/keys.md``); keys made before it are encrypted PKCS8 PEM and still load;
* ``<name>.json`` metadata: name, key id, raw public key (base64), created, revoked;
* ``<name>.pub``  the public key in the export form (see :func:`export_text`);
* ``trusted.json`` other offices' and witnesses' public keys, with role and revocation.

Key id = SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex (``randcheck.core.signing``).
Nothing is ever deleted: revoking marks the key.  Every event is an audit entry
(``keys.init``, ``keys.rewrap``, ``keys.trust``, ``keys.revoke``) written in the same step as
the files: if the database transaction fails the files are put back as they were.

Passphrases are bytes handed in by the caller (the CLI reads them from a hidden prompt or
``RANDCHECK_KEY_PASSPHRASE``); they never appear in a message, the log or an exception.
A passphrase for a new key file (``init_key``, ``rewrap_key``) must pass
:func:`check_new_passphrase`.

The private-key file format (scrypt + AES-256-GCM) and the rule for a new passphrase live in
:mod:`randcheck.io.keyfile` (and docs/keys.md).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from randcheck.core import note, signing
from randcheck.errors import (
    CannotRunError,
    ConflictError,
    InputError,
    NotFoundError,
    UsageError,
)
from randcheck.io.atomic import atomic_write, make_private_dir
from randcheck.io.keyfile import (
    FORMAT_V1,
    SCRYPT_LOG_N,
    SCRYPT_P,
    SCRYPT_R,
    b64,
    check_new_passphrase,
    decode_private_key,
    detect_format,
    encode_private_key,
)
from randcheck.services.audit import AuditLog, format_time
from randcheck.workspace import DEFAULT_KEY, KEYS_MODE, Workspace

DEFAULT_NAME = DEFAULT_KEY
ROLES = ("office", "witness")
TRUSTED = "trusted.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_HEX = re.compile(r"^[0-9a-f]{8,64}$")


@dataclass(frozen=True)
class KeyInfo:
    """One key as listed: own (role ``own``) or trusted (``office``/``witness``)."""

    name: str
    key_id: str
    role: str
    public: bytes
    since: str
    revoked: dict[str, str] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key_id": self.key_id,
            "role": self.role,
            "public_key": b64(self.public),
            "since": self.since,
            "revoked": self.revoked,
        }


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError("keys.bad_name", name=name)
    return name


# -- own keys --------------------------------------------------------------------------


def _key_path(ws: Workspace, name: str) -> Path:
    return ws.keys_dir / f"{check_name(name)}.key"


def _meta_path(ws: Workspace, name: str) -> Path:
    return ws.keys_dir / f"{check_name(name)}.json"


def _pub_path(ws: Workspace, name: str) -> Path:
    return ws.keys_dir / f"{check_name(name)}.pub"


def init_key(
    ws: Workspace,
    audit: AuditLog,
    actor: str,
    passphrase: bytes,
    name: str = DEFAULT_NAME,
    now: datetime | None = None,
) -> KeyInfo:
    """Create the Ed25519 key ``name``; refuses to overwrite an existing one."""
    key_file = _key_path(ws, name)
    if key_file.exists() or _meta_path(ws, name).exists():
        raise ConflictError("keys.exists", name=name, path=str(key_file))
    check_new_passphrase(passphrase)
    private = signing.generate()
    pem = encode_private_key(private, passphrase)
    public = signing.public_raw(private)
    kid = signing.key_id(public)
    stamp = format_time(now or datetime.now(UTC))
    meta = {
        "name": name,
        "key_id": kid,
        "public_key": b64(public),
        "created": stamp,
        "revoked": None,
    }
    make_private_dir(ws.keys_dir, KEYS_MODE)
    paths = [key_file, _meta_path(ws, name), _pub_path(ws, name)]
    with _restore_on_error(paths), audit.transaction(actor, now) as tx:
        tx.record(
            "keys.init",
            {
                "name": name,
                "key_id": kid,
                "public_key": b64(public),
                "algorithm": "Ed25519",
                "format": FORMAT_V1,
            },
        )
        atomic_write(key_file, pem, 0o600)
        atomic_write(_meta_path(ws, name), _dump(meta), 0o644)
        atomic_write(_pub_path(ws, name), export_for(ws, name, public).encode("utf-8"), 0o644)
    return KeyInfo(name, kid, "own", public, stamp, None)


def _own_meta(ws: Workspace) -> list[dict[str, Any]]:
    if not ws.keys_dir.is_dir():
        return []
    out = []
    for path in sorted(ws.keys_dir.glob("*.json")):
        if path.name == TRUSTED:
            continue
        meta = _load_json(path)
        if isinstance(meta, dict) and "key_id" in meta:
            out.append(meta)
    return out


def _own_by_name(ws: Workspace, name: str) -> dict[str, Any]:
    path = _meta_path(ws, name)
    if not path.exists():
        raise NotFoundError("keys.no_key", name=name)
    meta = _load_json(path)
    if not isinstance(meta, dict):
        raise CannotRunError("keys.bad_file", path=str(path))
    return meta


def own_keys(ws: Workspace) -> list[KeyInfo]:
    """The office's own keys (revoked ones too), sorted by name."""
    return [
        KeyInfo(
            m["name"],
            m["key_id"],
            "own",
            _unb64(m["public_key"], ws.keys_dir / f"{m['name']}.json"),
            m.get("created", ""),
            m.get("revoked"),
        )
        for m in _own_meta(ws)
    ]


def own_public_keys(ws: Workspace, include_revoked: bool = False) -> dict[str, bytes]:
    """{key id: raw public key} of the office's own keys (not revoked, unless asked)."""
    return {k.key_id: k.public for k in own_keys(ws) if include_revoked or k.revoked is None}


def public_key(ws: Workspace, name: str = DEFAULT_NAME) -> bytes:
    """The raw public key of own key ``name``."""
    meta = _own_by_name(ws, name)
    return _unb64(meta["public_key"], _meta_path(ws, name))


def load_private_key(ws: Workspace, name: str, passphrase: bytes) -> Ed25519PrivateKey:
    """Decrypt own key ``name``; wrong passphrase raises ``CannotRunError('keys.bad_passphrase')``.

    Both key file forms load (version 1 and the older encrypted PKCS8 PEM), told apart by
    their content.  A revoked key is refused (``keys.revoked_key``): it must not sign anything
    new.
    """
    meta = _own_by_name(ws, name)
    if meta.get("revoked"):
        raise CannotRunError("keys.revoked_key", name=name)
    return _decrypt_own(ws, name, meta, passphrase)[0]


def unlock_key(ws: Workspace, name: str, passphrase: bytes) -> None:
    """Check ``passphrase`` opens own key ``name`` (revoked or not); raise as
    :func:`load_private_key` does.  ``keys rewrap`` asks this before it asks for a new one."""
    _decrypt_own(ws, name, _own_by_name(ws, name), passphrase)


def key_file_format(ws: Workspace, name: str = DEFAULT_NAME) -> str:
    """:data:`FORMAT_V1` or :data:`FORMAT_PKCS8`: the form own key ``name`` is stored in."""
    _own_by_name(ws, name)
    path = _key_path(ws, name)
    return detect_format(_read_key_file(path, name), str(path))


def rewrap_key(
    ws: Workspace,
    audit: AuditLog,
    actor: str,
    old_passphrase: bytes,
    new_passphrase: bytes,
    name: str = DEFAULT_NAME,
    now: datetime | None = None,
) -> KeyInfo:
    """Re-encrypt own key ``name`` in the version 1 form under ``new_passphrase``.

    The key itself (so its public key and key id) does not change.  The new passphrase must
    pass :func:`check_new_passphrase`; a wrong old one raises ``keys.bad_passphrase``.  A
    revoked key may be rewrapped too (it still cannot sign).  The file is replaced atomically
    with mode 0600 in the same step as the ``keys.rewrap`` audit entry.
    """
    meta = _own_by_name(ws, name)
    check_new_passphrase(new_passphrase)
    private, old_format = _decrypt_own(ws, name, meta, old_passphrase)
    data = encode_private_key(private, new_passphrase)
    public = signing.public_raw(private)
    key_file = _key_path(ws, name)
    with _restore_on_error([key_file]), audit.transaction(actor, now) as tx:
        tx.record(
            "keys.rewrap",
            {
                "name": name,
                "key_id": meta["key_id"],
                "from_format": old_format,
                "format": FORMAT_V1,
                "kdf": {"name": "scrypt", "log_n": SCRYPT_LOG_N, "r": SCRYPT_R, "p": SCRYPT_P},
            },
        )
        atomic_write(key_file, data, 0o600)
    return KeyInfo(
        name, meta["key_id"], "own", public, meta.get("created", ""), meta.get("revoked")
    )


def _decrypt_own(
    ws: Workspace, name: str, meta: dict[str, Any], passphrase: bytes
) -> tuple[Ed25519PrivateKey, str]:
    path = _key_path(ws, name)
    data = _read_key_file(path, name)
    form = detect_format(data, str(path))
    key = decode_private_key(data, passphrase, str(path))
    if signing.key_id(signing.public_raw(key)) != meta["key_id"]:
        raise CannotRunError("keys.mismatch", name=name)
    return key, form


def _read_key_file(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError("keys.no_key", name=name) from exc
    except OSError as exc:
        raise CannotRunError(
            "io.cannot_read", path=str(path), reason=exc.strerror or str(exc)
        ) from exc


# -- export and trust ------------------------------------------------------------------


def export_for(ws: Workspace, name: str, public: bytes) -> str:
    """The documented public-key text form::

        # randcheck public key (Ed25519)
        # name: <name>
        # key-id: <sha256 of DER SPKI, hex>
        # note-key: <C2SP verifier key for this office's checkpoints>
        -----BEGIN PUBLIC KEY-----
        ...
        -----END PUBLIC KEY-----

    Only the PEM block is authoritative; ``key-id`` is checked on import when present.
    """
    kid = signing.key_id(public)
    region = ws.bureau()["region_code"] if ws.is_initialised() else ""
    origin = note.origin_for(region or "000000", kid)
    pem = (
        Ed25519PublicKey.from_public_bytes(public)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return (
        "# randcheck public key (Ed25519)\n"
        f"# name: {name}\n"
        f"# key-id: {kid}\n"
        f"# note-key: {note.vkey(origin, public)}\n"
        f"{pem}"
    )


def export_text(ws: Workspace, name: str = DEFAULT_NAME) -> str:
    return export_for(ws, name, public_key(ws, name))


def parse_public_text(text: str, source: str) -> tuple[bytes, str | None]:
    """(raw public key, stated name) from the export form, a bare PEM or a C2SP vkey line."""
    stated: dict[str, str] = {}
    body: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#"):
            key, _sep, value = s[1:].partition(":")
            stated[key.strip().lower()] = value.strip()
        elif s:
            body.append(s)
    if len(body) == 1 and "+" in body[0] and not body[0].startswith("-----"):
        try:
            vname, public = note.parse_vkey(body[0])
        except Exception as exc:
            raise InputError("keys.bad_public_file", path=source) from exc
        return public, stated.get("name") or vname.rsplit("/", 1)[-1]
    try:
        loaded = serialization.load_pem_public_key("\n".join(body).encode("ascii") + b"\n")
    except (ValueError, UnicodeEncodeError) as exc:
        raise InputError("keys.bad_public_file", path=source) from exc
    if not isinstance(loaded, Ed25519PublicKey):
        raise InputError("keys.not_ed25519_public", path=source)
    public = signing.public_raw(loaded)
    if "key-id" in stated and stated["key-id"].lower() != signing.key_id(public):
        raise InputError("keys.key_id_mismatch", path=source, stated=stated["key-id"])
    return public, stated.get("name")


def _trusted_path(ws: Workspace) -> Path:
    return ws.keys_dir / TRUSTED


def _trusted_doc(ws: Workspace) -> dict[str, Any]:
    path = _trusted_path(ws)
    if not path.exists():
        return {"version": 1, "keys": []}
    doc = _load_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
        raise CannotRunError("keys.bad_file", path=str(path))
    return doc


def trusted_entries(ws: Workspace) -> list[KeyInfo]:
    """Every trusted key (revoked ones too), sorted by key id."""
    path = _trusted_path(ws)
    return [
        KeyInfo(
            e["name"],
            e["key_id"],
            e["role"],
            _unb64(e["public_key"], path),
            e.get("added", ""),
            e.get("revoked"),
        )
        for e in _trusted_doc(ws)["keys"]
    ]


def trusted_keys(ws: Workspace) -> dict[str, bytes]:
    """{key id: raw public key} of trusted keys that are not revoked."""
    return {k.key_id: k.public for k in trusted_entries(ws) if k.revoked is None}


def trust_key(
    ws: Workspace,
    audit: AuditLog,
    actor: str,
    text: str,
    source: str,
    name: str,
    role: str = "office",
    now: datetime | None = None,
) -> KeyInfo:
    """Add another office's or a witness's public key to ``trusted.json``."""
    check_name(name)
    if role not in ROLES:
        raise UsageError("keys.bad_role", role=role, roles=", ".join(ROLES))
    public, _stated = parse_public_text(text, source)
    kid = signing.key_id(public)
    if kid in own_public_keys(ws, include_revoked=True):
        raise ConflictError("keys.is_own", key_id=kid)
    doc = _trusted_doc(ws)
    if any(e["key_id"] == kid for e in doc["keys"]):
        raise ConflictError("keys.already_trusted", key_id=kid)
    if any(e["name"] == name for e in doc["keys"]):
        raise ConflictError("keys.name_taken", name=name)
    stamp = format_time(now or datetime.now(UTC))
    entry = {
        "name": name,
        "key_id": kid,
        "role": role,
        "public_key": b64(public),
        "added": stamp,
        "revoked": None,
    }
    doc["keys"] = sorted([*doc["keys"], entry], key=lambda e: str(e["key_id"]))
    path = _trusted_path(ws)
    with _restore_on_error([path]), audit.transaction(actor, now) as tx:
        tx.record(
            "keys.trust",
            {"name": name, "role": role, "key_id": kid, "public_key": b64(public)},
        )
        atomic_write(path, _dump(doc), 0o644)
    return KeyInfo(name, kid, role, public, stamp, None)


def revoke_key(
    ws: Workspace,
    audit: AuditLog,
    actor: str,
    key_id_prefix: str,
    reason: str,
    now: datetime | None = None,
) -> KeyInfo:
    """Mark an own or trusted key revoked (by key id or a unique prefix of >= 8 hex digits)."""
    prefix = key_id_prefix.strip().lower()
    if not _HEX.match(prefix):
        raise UsageError("keys.bad_key_id", key_id=key_id_prefix)
    if not reason.strip():
        raise UsageError("keys.reason_required")
    matches = [k for k in [*own_keys(ws), *trusted_entries(ws)] if k.key_id.startswith(prefix)]
    if not matches:
        raise NotFoundError("keys.key_not_found", key_id=prefix)
    if len(matches) > 1:
        raise UsageError("keys.ambiguous", key_id=prefix, count=len(matches))
    (found,) = matches
    if found.revoked is not None:
        raise ConflictError("keys.already_revoked", key_id=found.key_id)
    stamp = format_time(now or datetime.now(UTC))
    mark = {"reason": reason, "time": stamp}
    if found.role == "own":
        path = _meta_path(ws, found.name)
        meta = _own_by_name(ws, found.name)
        meta["revoked"] = mark
        data = _dump(meta)
    else:
        path = _trusted_path(ws)
        doc = _trusted_doc(ws)
        for e in doc["keys"]:
            if e["key_id"] == found.key_id:
                e["revoked"] = mark
        data = _dump(doc)
    with _restore_on_error([path]), audit.transaction(actor, now) as tx:
        tx.record(
            "keys.revoke",
            {
                "name": found.name,
                "key_id": found.key_id,
                "role": found.role,
                "reason": reason,
            },
        )
        atomic_write(path, data, 0o644)
    return KeyInfo(found.name, found.key_id, found.role, found.public, found.since, mark)


def list_keys(ws: Workspace) -> list[KeyInfo]:
    """Own keys (by name), then trusted keys (by key id)."""
    return [*own_keys(ws), *trusted_entries(ws)]


# -- helpers ---------------------------------------------------------------------------


@contextlib.contextmanager
def _restore_on_error(paths: list[Path]) -> Iterator[None]:
    """Put ``paths`` back as they were if the block fails (files are staged with the DB tx)."""
    old = {p: (p.read_bytes() if p.exists() else None) for p in paths}
    modes = {p: (p.stat().st_mode & 0o777 if p.exists() else 0) for p in paths}
    try:
        yield
    except BaseException:
        for p, data in old.items():
            if data is None:
                p.unlink(missing_ok=True)
            else:
                atomic_write(p, data, modes[p])
        raise


def _dump(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise CannotRunError("keys.bad_file", path=str(path)) from exc


def _unb64(text: str, path: Path) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise CannotRunError("keys.bad_file", path=str(path)) from exc
    if len(raw) != 32:
        raise CannotRunError("keys.bad_file", path=str(path))
    return raw
