"""Signed-document envelopes (SPEC §2): verbatim body bytes, detached Ed25519 signatures."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from randcheck.core import signing
from randcheck.core.canonical import canonical, is_canonical, parse
from randcheck.core.draw.spec import ALL_SPECS, DOCUMENT_SPECS, digest, signing_input, spec_allowed
from randcheck.errors import InputError, SignatureError, VerificationError

_HEAD = b'{"signed":'
_SEP = b',"signatures":['
_KEYID = re.compile(r"[0-9a-f]{64}")
_SIG = re.compile(r"[0-9a-f]{128}")


@dataclass(frozen=True)
class Envelope:
    """An opened envelope: the exact signed bytes, the parsed body and the signatures."""

    kind: str
    body: bytes
    doc: dict[str, Any]
    signatures: tuple[tuple[str, str], ...]  # (key id hex, signature hex)

    @property
    def digest(self) -> str:
        return digest(self.kind, self.body)


def seal(body: Mapping[str, Any]) -> bytes:
    """The canonical body bytes (RFC 8785) of a document; these are what gets signed."""
    kind = body.get("kind")
    if not spec_allowed(kind, body.get("spec")):
        raise InputError("proto.bad_body")
    return canonical(dict(body))


def sign(kind: str, body: bytes, key: Ed25519PrivateKey) -> tuple[str, str]:
    """One signature ``(key id, hex)`` over ``tag("signature") || lp(kind) || lp(body)``."""
    return signing.key_id(signing.public_raw(key)), signing.sign(
        key, signing_input(kind, body)
    ).hex()


def wrap(body: bytes, signatures: Sequence[tuple[str, str]]) -> bytes:
    """``{"signed":<body>,"signatures":<JCS array>}`` with the body bytes verbatim."""
    sigs = canonical([{"keyid": k, "sig": s} for k, s in signatures])
    return _HEAD + body + b"," + b'"signatures":' + sigs + b"}"


def signed(body: Mapping[str, Any], key: Ed25519PrivateKey) -> bytes:
    """Seal ``body``, sign it with the operator ``key`` and return the envelope bytes."""
    raw = seal(body)
    return wrap(raw, [sign(str(body["kind"]), raw, key)])


def cosign(envelope: bytes, key: Ed25519PrivateKey) -> bytes:
    """Append a witness co-signature over the same body bytes."""
    env = open_envelope(envelope)
    if any(k == signing.key_id(signing.public_raw(key)) for k, _ in env.signatures):
        raise InputError("proto.already_signed")
    return wrap(env.body, [*env.signatures, sign(env.kind, env.body, key)])


def open_envelope(data: bytes, kind: str | None = None) -> Envelope:
    """Split an envelope into its verbatim body and signatures; raises ``VerificationError``."""
    i = data.rfind(_SEP)
    if not data.startswith(_HEAD) or i < 0 or not data.endswith(b"]}"):
        raise VerificationError("proto.envelope_layout")
    body = data[len(_HEAD) : i]
    try:
        whole = json.loads(data.decode("utf-8"))
        sigs = parse(data[i + len(_SEP) - 1 : -1])
        doc = parse(body)
    except (InputError, UnicodeDecodeError, ValueError) as exc:
        raise VerificationError("proto.envelope_layout") from exc
    if not isinstance(whole, dict) or set(whole) != {"signed", "signatures"}:
        raise VerificationError("proto.envelope_layout")
    if not is_canonical(body) or not isinstance(doc, dict):
        raise VerificationError("proto.not_canonical")
    found = doc.get("kind")
    if doc.get("spec") not in ALL_SPECS or (
        isinstance(found, str) and found in DOCUMENT_SPECS and not spec_allowed(found, doc["spec"])
    ):
        raise VerificationError("proto.wrong_spec", spec=str(doc.get("spec")))
    if found not in DOCUMENT_SPECS or (kind is not None and doc["kind"] != kind):
        raise VerificationError("proto.wrong_kind", kind=str(doc.get("kind")), expected=kind)
    pairs = []
    if not isinstance(sigs, list):
        raise VerificationError("proto.envelope_layout")
    for s in sigs:
        if not isinstance(s, dict) or set(s) != {"keyid", "sig"}:
            raise VerificationError("proto.envelope_layout")
        if not all(isinstance(s[f], str) for f in ("keyid", "sig")):
            raise VerificationError("proto.envelope_layout")
        # lower-case hex of fixed length (SPEC §2): one byte string per signature, and the
        # body/signatures separator cannot occur inside a signature object
        if not (_KEYID.fullmatch(s["keyid"]) and _SIG.fullmatch(s["sig"])):
            raise VerificationError("proto.envelope_layout")
        pairs.append((s["keyid"], s["sig"]))
    if wrap(body, pairs) != data:
        raise VerificationError("proto.envelope_layout")
    return Envelope(doc["kind"], body, doc, tuple(pairs))


def verify(env: Envelope, keys: Mapping[str, bytes]) -> list[str]:
    """Check signatures against trusted ``keys`` (key id -> raw public key).

    Returns the key ids that verified. Raises ``SignatureError`` if a known key's signature
    fails, or if no trusted key signed. Unknown key ids are ignored (SPEC §2).
    """
    good: list[str] = []
    for keyid, sig in env.signatures:
        public = keys.get(keyid)
        if public is None:
            continue
        try:
            raw = bytes.fromhex(sig)
        except ValueError as exc:
            raise SignatureError("signature.invalid", key_id=keyid[:16]) from exc
        signing.verify(public, signing_input(env.kind, env.body), raw)
        good.append(keyid)
    if not good:
        raise SignatureError("proto.no_trusted_signature", kind=env.kind)
    return good
