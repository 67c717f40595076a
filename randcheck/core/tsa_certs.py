"""Certificates of RFC 3161 tokens, and the error every refusal raises.

Pure.  Split out of ``randcheck.core.tsa`` (which re-exports the public names): the
``TimestampError`` class, reading certificates (trusted ones, PEM/DER files), validity at an
exact instant (docs/SPEC-v2-timestamps.md §3.1, step 13) and the trust rule (§4).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from randcheck.core import tsatime
from randcheck.errors import VerificationError

MAX_CHAIN = 4  # certificates from the token between the signer (included) and a trusted one
MAX_POOL = 32  # a token's certificates looked at when building a chain

# What asn1crypto (parsing lazily) and cryptography raise on bytes that are not what they claim
ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError,
                UnsupportedAlgorithm, x509.InvalidVersion, x509.DuplicateExtension)  # fmt: skip


class TimestampError(VerificationError):
    """A time-stamp token or response was refused; ``code`` names the failed step."""

    code: str
    params: dict[str, Any]


def fail(code: str, **params: Any) -> TimestampError:
    return TimestampError(code, **params)


def error_reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def printable(text: str, limit: int = 300) -> str:
    """A TSA's own text, safe to show: no control characters (terminal escapes), bounded."""
    return "".join(c if c.isprintable() else " " for c in text)[:limit].strip()


def der_of(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def valid_at(cert: x509.Certificate, exact: Fraction) -> bool:
    """The certificate's validity covers the instant `exact` (seconds since the epoch)."""
    before = tsatime.epoch_seconds(cert.not_valid_before_utc)
    return before <= exact <= tsatime.epoch_seconds(cert.not_valid_after_utc)


def load_trusted(trusted: Sequence[bytes]) -> list[x509.Certificate]:
    """The trusted certificates (DER) as ``cryptography`` objects; ``tsa.bad_certificates``."""
    out = []
    for i, der in enumerate(trusted):
        try:
            out.append(x509.load_der_x509_certificate(bytes(der)))
        except ASN1_ERRORS as exc:
            reason = error_reason(exc)
            raise fail("tsa.bad_certificates", source=f"trusted[{i}]", reason=reason) from exc
    return out


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except (x509.ExtensionNotFound, *ASN1_ERRORS):  # absent, or the extensions do not parse
        return False


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, *ASN1_ERRORS):
        return False
    return True


def chains_to(
    signer: x509.Certificate,
    pool: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    gen_time: Fraction,
) -> bool:
    """The trust rule: `signer` equals an anchor, or is issued by one through at most
    ``MAX_CHAIN`` certificates (signer included) taken from `pool`; every certificate between
    the signer and the anchor is a CA valid at `gen_time` (exact seconds since the epoch).
    The anchors are taken as they are.

    Breadth-first from the anchors, one level per step, so that a token stuffed with
    certificates costs at most ``MAX_CHAIN`` x ``MAX_POOL``^2 signature checks."""
    if der_of(signer) in {der_of(a) for a in anchors}:
        return True
    cas: dict[bytes, x509.Certificate] = {}
    for cert in pool[:MAX_POOL]:
        if valid_at(cert, gen_time) and _is_ca(cert):
            cas.setdefault(der_of(cert), cert)
    frontier = list(anchors)  # certificates trusted so far that may issue the next level
    for _level in range(MAX_CHAIN):
        if any(_issued_by(signer, issuer) for issuer in frontier):
            return True
        frontier = [c for c in cas.values() if any(_issued_by(c, i) for i in frontier)]
        for cert in frontier:
            cas.pop(der_of(cert))
        if not frontier:
            return False
    return False


def load_certificates(data: bytes) -> list[bytes]:
    """PEM (one or more certificates) or DER -> a list of DER certificates.  Anything else
    raises ``TimestampError('tsa.bad_certificates')``."""
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ASN1_ERRORS as exc:
        raise fail("tsa.bad_certificates", source="-", reason=error_reason(exc)) from exc
    return [der_of(c) for c in certs]
