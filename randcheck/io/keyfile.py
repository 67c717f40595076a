"""The private-key file: the office's Ed25519 key encrypted under a passphrase (docs/keys.md).

One module for the writer (``keys init``, ``keys rewrap``) and the reader (every command that
signs).  Pure: bytes in, bytes out.

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
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from randcheck.core import signing
from randcheck.errors import CannotRunError, InputError

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
        "public_key": b64(public),
        "kdf": {
            "name": "scrypt",
            "log_n": SCRYPT_LOG_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": b64(salt),
        },
        "aead": {"name": "AES-256-GCM", "nonce": b64(nonce)},
        "ciphertext": b64(ciphertext),
    }
    return _dump(doc)


def decode_private_key(data: bytes, passphrase: bytes, source: str) -> Ed25519PrivateKey:
    """The key in a key file of either form (``source`` names it in errors).

    Wrong passphrase: ``CannotRunError('keys.bad_passphrase')``; a file that is neither form
    or breaks the version 1 rules: ``CannotRunError('keys.bad_file')``.
    """
    if detect_format(data, source) == FORMAT_PKCS8:
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


def detect_format(data: bytes, source: str) -> str:
    head = data.lstrip()
    if head.startswith(b"{"):
        return FORMAT_V1
    if head.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----"):
        return FORMAT_PKCS8
    raise CannotRunError("keys.bad_file", path=source)


def _parse_v1(data: bytes, source: str) -> tuple[bytes, int, int, int, bytes, bytes, bytes]:
    """(public key, log_n, r, p, salt, nonce, ciphertext) of a version 1 file, checked."""
    try:
        doc = json.loads(data.decode("utf-8"))  # a key file nests three levels
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
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError) as exc:
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


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _dump(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
