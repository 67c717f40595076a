"""Ed25519 keys: generation, key ids, sign and verify, and reading the PKCS8 key files written
before randcheck stored keys with scrypt (``randcheck.services.keys``, docs/keys.md)."""

from __future__ import annotations

import hashlib
from typing import NewType

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from randcheck.errors import CannotRunError, SignatureError

KeyId = NewType("KeyId", str)


def generate() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def spki_der(public: bytes) -> bytes:
    return Ed25519PublicKey.from_public_bytes(public).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(public: bytes) -> KeyId:
    """SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex (as sigstore and RFC 6962)."""
    return KeyId(hashlib.sha256(spki_der(public)).hexdigest())


def decrypt_private(pem: bytes, passphrase: bytes) -> Ed25519PrivateKey:
    """Load a key file of the earlier form (encrypted PKCS8 PEM); a wrong passphrase raises
    ``CannotRunError``."""
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except (ValueError, TypeError) as exc:
        raise CannotRunError("keys.bad_passphrase") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CannotRunError("keys.not_ed25519")
    return key


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def verify(public: bytes, data: bytes, signature: bytes) -> None:
    """Return None or raise ``SignatureError`` (fail closed)."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError) as exc:
        raise SignatureError("signature.invalid", key_id=key_id(public)[:16]) from exc


def private_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """A key from a 32-byte seed: for fixed test keys and vectors only."""
    return Ed25519PrivateKey.from_private_bytes(seed)
