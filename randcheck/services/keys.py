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

Why this private-key format.  ``cryptography``'s ``BestAvailableEncryption`` (PKCS8) fixes
PBKDF2 at 2,048 iterations: about 0.5 ms per guess.  Two formats let us choose the cost: the
OpenSSH key format (bcrypt-pbkdf rounds) and our own small JSON file with scrypt.  OpenSSH's
needs the ``bcrypt`` package, which ``cryptography`` 50 does not bundle (``Need bcrypt module``),
and its cipher (AES-256-CTR, checked by two equal random words) has no real authentication.
The JSON file needs nothing beyond ``cryptography``, every field is named in the file, scrypt
is memory-hard (64 MiB per guess, which hurts GPU guessing much more than bcrypt's 4 KiB) and
anyone can check it with ``hashlib.scrypt`` and any AES-GCM: so that is the format.

Key file, version 1 (UTF-8 JSON object, sorted keys; byte strings are standard base64)::

    {"format": "randcheck-private-key", "version": 1,
     "key_id": <hex key id of public_key>, "public_key": <32-byte raw Ed25519 public key>,
     "kdf": {"name": "scrypt", "log_n": 16, "r": 8, "p": 1, "salt": <16 random bytes>},
     "aead": {"name": "AES-256-GCM", "nonce": <12 random bytes>},
     "ciphertext": <AES-256-GCM of the 32-byte Ed25519 seed, with its 16-byte tag>}

    key = scrypt(passphrase, salt, N = 2**log_n, r, p, dkLen = 32)
    ciphertext = AES-256-GCM(key, nonce, seed, associated data = ASSOCIATED_PREFIX + public_key)

Measured on the 2-core build machine (``bench/bench_kdf.py``): about 0.16 s per guess.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from randcheck.core import note, signing
from randcheck.errors import (
    CannotRunError,
    ConflictError,
    InputError,
    NotFoundError,
    UsageError,
)
from randcheck.io.atomic import atomic_write, make_private_dir
from randcheck.services.audit import AuditLog, format_time
from randcheck.workspace import KEYS_MODE, Workspace

DEFAULT_NAME = "office"
ROLES = ("office", "witness")
TRUSTED = "trusted.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_HEX = re.compile(r"^[0-9a-f]{8,64}$")

# -- the private-key file (see the module doc and docs/keys.md) ----------------------------
KEY_FORMAT = "randcheck-private-key"
KEY_FORMAT_VERSION = 1
FORMAT_V1 = f"{KEY_FORMAT}/{KEY_FORMAT_VERSION}"  # as named in audit entries
FORMAT_PKCS8 = "pkcs8-pem"  # keys written before version 1 (PBKDF2, 2,048 iterations)
ASSOCIATED_PREFIX = b"randcheck-private-key/1"  # AEAD associated data = this + public key
# scrypt parameters written into new key files: N = 2**16, r = 8 -> 64 MiB and ~0.16 s per
# guess on the 2-core build machine (bench/bench_kdf.py); the target was >= 0.1 s.
SCRYPT_LOG_N = 16
SCRYPT_R = 8
SCRYPT_P = 1
# what a key file may ask for when it is read: never weaker than what we write, and never
# so much that a damaged or hostile file could take gigabytes or minutes
MIN_SCRYPT_LOG_N = SCRYPT_LOG_N
MAX_SCRYPT_LOG_N = 20
MIN_SCRYPT_R = SCRYPT_R
MAX_SCRYPT_R = 16
MAX_SCRYPT_P = 4
MAX_SCRYPT_MEMORY = 1 << 30  # 128 * r * N bytes
SALT_BYTES = 16
NONCE_BYTES = 12
SEED_BYTES = 32
TAG_BYTES = 16

# -- the rule for a new passphrase -----------------------------------------------------
MIN_PASSPHRASE_CHARS = 12


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
            "public_key": _b64(self.public),
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
        "public_key": _b64(public),
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
                "public_key": _b64(public),
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
    return _detect_format(_read_key_file(path, name), str(path))


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


def check_new_passphrase(passphrase: bytes) -> None:
    """The rule for a passphrase that protects a new key file: at least
    :data:`MIN_PASSPHRASE_CHARS` characters (a Chinese character counts as one), not all the
    same character.  Otherwise ``InputError('keys.weak_passphrase')`` (exit 1)."""
    text = passphrase.decode("utf-8", errors="replace")
    if len(text) < MIN_PASSPHRASE_CHARS or len(set(text)) < 2:
        raise InputError("keys.weak_passphrase", min=MIN_PASSPHRASE_CHARS)


def encode_private_key(key: Ed25519PrivateKey, passphrase: bytes) -> bytes:
    """The version 1 key file for ``key`` under ``passphrase`` (fresh salt and nonce)."""
    seed = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    public = signing.public_raw(key)
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    wrap = _scrypt(passphrase, salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
    ciphertext = AESGCM(wrap).encrypt(nonce, seed, ASSOCIATED_PREFIX + public)
    doc = {
        "format": KEY_FORMAT,
        "version": KEY_FORMAT_VERSION,
        "key_id": signing.key_id(public),
        "public_key": _b64(public),
        "kdf": {
            "name": "scrypt",
            "log_n": SCRYPT_LOG_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": _b64(salt),
        },
        "aead": {"name": "AES-256-GCM", "nonce": _b64(nonce)},
        "ciphertext": _b64(ciphertext),
    }
    return _dump(doc)


def decode_private_key(data: bytes, passphrase: bytes, source: str) -> Ed25519PrivateKey:
    """The key in a key file of either form (``source`` names it in errors).

    Wrong passphrase: ``CannotRunError('keys.bad_passphrase')``; a file that is neither form
    or breaks the version 1 rules: ``CannotRunError('keys.bad_file')``.
    """
    if _detect_format(data, source) == FORMAT_PKCS8:
        return signing.decrypt_private(data, passphrase)
    public, log_n, r, p, salt, nonce, ciphertext = _parse_v1(data, source)
    wrap = _scrypt(passphrase, salt, log_n, r, p)
    try:
        seed = AESGCM(wrap).decrypt(nonce, ciphertext, ASSOCIATED_PREFIX + public)
    except InvalidTag as exc:
        raise CannotRunError("keys.bad_passphrase") from exc
    key = Ed25519PrivateKey.from_private_bytes(seed)
    if signing.public_raw(key) != public:  # authenticated, so only a file built that way
        raise CannotRunError("keys.bad_file", path=source)
    return key


def _decrypt_own(
    ws: Workspace, name: str, meta: dict[str, Any], passphrase: bytes
) -> tuple[Ed25519PrivateKey, str]:
    path = _key_path(ws, name)
    data = _read_key_file(path, name)
    form = _detect_format(data, str(path))
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


def _detect_format(data: bytes, source: str) -> str:
    head = data.lstrip()
    if head.startswith(b"{"):
        return FORMAT_V1
    if head.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----"):
        return FORMAT_PKCS8
    raise CannotRunError("keys.bad_file", path=source)


def _parse_v1(data: bytes, source: str) -> tuple[bytes, int, int, int, bytes, bytes, bytes]:
    """(public key, log_n, r, p, salt, nonce, ciphertext) of a version 1 file, checked."""
    try:
        doc = json.loads(data.decode("utf-8"))
        kdf, aead = doc["kdf"], doc["aead"]
        ok = (
            doc["format"] == KEY_FORMAT
            and doc["version"] == KEY_FORMAT_VERSION
            and kdf["name"] == "scrypt"
            and aead["name"] == "AES-256-GCM"
        )
        log_n, r, p = kdf["log_n"], kdf["r"], kdf["p"]
        public = base64.b64decode(doc["public_key"], validate=True)
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(aead["nonce"], validate=True)
        ciphertext = base64.b64decode(doc["ciphertext"], validate=True)
        key_id = doc["key_id"]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise CannotRunError("keys.bad_file", path=source) from exc
    ints = all(type(v) is int for v in (log_n, r, p))
    if not (
        ok
        and ints
        and MIN_SCRYPT_LOG_N <= log_n <= MAX_SCRYPT_LOG_N
        and MIN_SCRYPT_R <= r <= MAX_SCRYPT_R
        and 1 <= p <= MAX_SCRYPT_P
        and 128 * r * (1 << log_n) <= MAX_SCRYPT_MEMORY
        and len(public) == 32
        and len(salt) >= SALT_BYTES
        and len(nonce) == NONCE_BYTES
        and len(ciphertext) == SEED_BYTES + TAG_BYTES
        and key_id == signing.key_id(public)
    ):
        raise CannotRunError("keys.bad_file", path=source)
    return public, log_n, r, p, salt, nonce, ciphertext


def _scrypt(passphrase: bytes, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=1 << log_n, r=r, p=p).derive(passphrase)


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
        "public_key": _b64(public),
        "added": stamp,
        "revoked": None,
    }
    doc["keys"] = sorted([*doc["keys"], entry], key=lambda e: str(e["key_id"]))
    path = _trusted_path(ws)
    with _restore_on_error([path]), audit.transaction(actor, now) as tx:
        tx.record(
            "keys.trust",
            {"name": name, "role": role, "key_id": kid, "public_key": _b64(public)},
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
    except (OSError, ValueError) as exc:
        raise CannotRunError("keys.bad_file", path=str(path)) from exc


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, path: Path) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise CannotRunError("keys.bad_file", path=str(path)) from exc
    if len(raw) != 32:
        raise CannotRunError("keys.bad_file", path=str(path))
    return raw
