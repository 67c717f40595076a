"""RFC 3161 time-stamp tokens: the request, and the offline check of a token.

Pure: bytes in, a :class:`Token` or a :class:`TimestampError` out; no network (that is
``randcheck.services.timestamp``) and no clock.  ASN.1 is read and written with ``asn1crypto``
(``cryptography`` parses certificates but not CMS SignedData or TSTInfo); signatures and
certificates are checked with ``cryptography``.  Every refusal is a ``TimestampError`` whose
``code`` (a ``tsa.*`` catalog key) names the step that failed; the steps, in the order they
run, are the normative list of docs/SPEC-v2-timestamps.md §3.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

from asn1crypto import cms, core, parser, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

from randcheck.core import tsatime
from randcheck.core.checks import Check
from randcheck.core.tsa_certs import ASN1_ERRORS as _ASN1_ERRORS
from randcheck.core.tsa_certs import MAX_CHAIN as MAX_CHAIN
from randcheck.core.tsa_certs import MAX_POOL as MAX_POOL
from randcheck.core.tsa_certs import TimestampError as TimestampError
from randcheck.core.tsa_certs import chains_to as _chains_to
from randcheck.core.tsa_certs import der_of as _der
from randcheck.core.tsa_certs import error_reason as _reason
from randcheck.core.tsa_certs import fail as _fail
from randcheck.core.tsa_certs import load_certificates as load_certificates
from randcheck.core.tsa_certs import load_trusted as load_trusted
from randcheck.core.tsa_certs import printable as _printable
from randcheck.core.tsa_certs import valid_at as _valid_at

# Protocol constants (docs/SPEC-v2-timestamps.md); never catalog text.
OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"  # id-ct-TSTInfo
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"  # id-signedData
OID_SHA256 = "2.16.840.1.101.3.4.2.1"
OID_TIME_STAMPING = "1.3.6.1.5.5.7.3.8"  # id-kp-timeStamping
MEDIA_QUERY = "application/timestamp-query"
MEDIA_REPLY = "application/timestamp-reply"
DIGEST_LEN = 32
CHECK_NAME = "timestamp"  # the Check this module reports (randcheck/core/checks.py)

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@dataclass(frozen=True)
class Token:
    """What a time-stamp token says (read from its TSTInfo and its signer's certificate).

    Times (docs/SPEC-v2-timestamps.md §3.1): ``gen_time_exact`` and ``latest_exact`` are exact
    seconds since 1970-01-01T00:00:00Z; decide "before"/"after" with them.  ``gen_time`` and
    ``latest_time`` are the same instants truncated toward the past to whole microseconds, for
    display only."""

    gen_time: datetime  # UTC, tz-aware; genTime truncated to microseconds (display)
    imprint: bytes  # messageImprint.hashedMessage (32 bytes, SHA-256)
    serial: int
    policy: str  # dotted OID
    tsa_name: str  # the signer certificate's subject (CN, O) as text
    signer_cert: bytes  # DER of the signing certificate (b"" if the token carries none)
    signer_fingerprint: str  # SHA-256 hex of signer_cert ("" if the token carries none)
    nonce: int | None
    gen_time_exact: Fraction  # genTime exactly, seconds since the epoch
    accuracy: timedelta | None = None  # TSTInfo accuracy (exact); the time is genTime ± accuracy
    certificates: tuple[bytes, ...] = field(default=(), repr=False)  # every certificate, DER

    @property
    def latest_exact(self) -> Fraction:
        """The latest instant the token allows, exactly: genTime + accuracy, in seconds since
        1970-01-01T00:00:00Z ("existed no later than").  Before ``tsatime.END`` (year 10000)."""
        return self.gen_time_exact + tsatime.seconds_of(self.accuracy_delta)

    @property
    def accuracy_delta(self) -> timedelta:
        return self.accuracy or timedelta(0)

    @property
    def latest_time(self) -> datetime:
        """``latest_exact`` truncated to microseconds, UTC (display)."""
        return self.gen_time + self.accuracy_delta


class TimeStampResp(core.Sequence):  # type: ignore[misc]
    """RFC 3161 TimeStampResp.  asn1crypto's ``tsp.TimeStampResp`` makes the token mandatory,
    so a refusal (status only, as RFC 3161 §2.4.2 sends it) could be neither read nor built."""

    _fields = [  # noqa: RUF012  (asn1crypto's class-level spec)
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


# --------------------------------------------------------------------------- request / response


def make_request(digest: bytes, nonce: int | None = None) -> bytes:
    """DER TimeStampReq: version 1, SHA-256 messageImprint over `digest` (the 32 bytes ARE the
    hashedMessage), certReq TRUE.  Raises ``TimestampError`` (``tsa.bad_digest``,
    ``tsa.bad_nonce``)."""
    _check_digest(digest)
    fields: dict[str, Any] = {
        "version": "v1",
        "message_imprint": {
            "hash_algorithm": {"algorithm": "sha256"},
            "hashed_message": digest,
        },
        "cert_req": True,
    }
    if nonce is not None:
        if nonce < 0:
            raise _fail("tsa.bad_nonce", nonce=nonce)
        fields["nonce"] = nonce
    return bytes(tsp.TimeStampReq(fields).dump())


def _check_digest(digest: bytes) -> None:
    if not isinstance(digest, bytes) or len(digest) != DIGEST_LEN:
        raise _fail("tsa.bad_digest", length=len(digest) if isinstance(digest, bytes) else 0)


def parse_response(der: bytes) -> bytes:
    """TimeStampResp -> the DER TimeStampToken (ContentInfo).  Refuses a status other than
    granted/grantedWithMods with the TSA's status text (``tsa.refused``)."""
    try:
        resp = TimeStampResp.load(der, strict=True)
        status_info = resp["status"]
        status = str(status_info["status"].native)
        texts = status_info["status_string"].native or []
        fail_info = status_info["fail_info"].native or set()
        token = resp["time_stamp_token"]
        token_der = None if isinstance(token, core.Void) else bytes(token.dump())
    except _ASN1_ERRORS as exc:
        raise _fail("tsa.malformed", part="TimeStampResp", reason=_reason(exc)) from exc
    if status not in ("granted", "granted_with_mods"):
        raise _fail(
            "tsa.refused",
            status=status,
            text=_printable("; ".join(str(t) for t in texts)) or "-",
            fail_info=", ".join(sorted(str(f) for f in fail_info)) or "-",
        )
    if token_der is None:
        raise _fail("tsa.malformed", part="TimeStampResp", reason="granted without a token")
    return token_der


def _token_der(der: bytes) -> bytes:
    """A ContentInfo as it is, or the token inside a TimeStampResp (told apart by the first
    element: an OID starts a ContentInfo, a SEQUENCE (PKIStatusInfo) a TimeStampResp)."""
    if not isinstance(der, bytes | bytearray) or not der:
        raise _fail("tsa.malformed", part="TimeStampToken", reason="empty input")
    try:
        outer = parser.parse(bytes(der), strict=True)  # (class, method, tag, header, contents, _)
        if outer[2] != 16:
            raise ValueError("not a SEQUENCE")
        first_tag = parser.parse(outer[4])[2]
    except _ASN1_ERRORS as exc:
        raise _fail("tsa.malformed", part="TimeStampToken", reason=_reason(exc)) from exc
    if first_tag == 16:  # PKIStatusInfo: a whole TimeStampResp
        return parse_response(bytes(der))
    return bytes(der)


# --------------------------------------------------------------------------- reading a token


@dataclass(frozen=True)
class _Parsed:
    signed_data: cms.SignedData
    signer_info: cms.SignerInfo
    tst_info: tsp.TSTInfo
    econtent: bytes
    certs: tuple[x509.Certificate, ...]
    signer: x509.Certificate | None


def _parse(der: bytes) -> _Parsed:
    der = _token_der(der)
    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].dotted != OID_SIGNED_DATA:
            raise _fail("tsa.not_signed_data", content_type=info["content_type"].dotted)
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].dotted != OID_TST_INFO:
            raise _fail("tsa.wrong_econtent_type", content_type=encap["content_type"].dotted)
        content = encap["content"]
        if isinstance(content, core.Void):
            raise _fail("tsa.malformed", part="eContent", reason="no TSTInfo")
        econtent = bytes(content)
        tst = tsp.TSTInfo.load(econtent, strict=True)
        for name, *_spec in tsp.TSTInfo._fields:  # parse every field now, so a bad one fails
            if name != "gen_time":  # here; genTime is read from its text (tsatime), not rounded
                tst[name].native  # noqa: B018
        signer_infos = list(signed["signer_infos"])
        if len(signer_infos) != 1:
            raise _fail("tsa.signer_count", count=len(signer_infos))
        certs = _token_certs(signed)
        signer_info = signer_infos[0]
        signer = _find_signer(signer_info, certs)
    except TimestampError:
        raise
    except _ASN1_ERRORS as exc:
        raise _fail("tsa.malformed", part="TimeStampToken", reason=_reason(exc)) from exc
    return _Parsed(signed, signer_info, tst, econtent, certs, signer)


def _token_certs(signed: cms.SignedData) -> tuple[x509.Certificate, ...]:
    certs = signed["certificates"]
    if isinstance(certs, core.Void):
        return ()
    return tuple(
        x509.load_der_x509_certificate(bytes(choice.chosen.dump()))
        for choice in certs
        if choice.name == "certificate"  # other CertificateChoices are ignored
    )


def _find_signer(
    signer_info: cms.SignerInfo, certs: Sequence[x509.Certificate]
) -> x509.Certificate | None:
    """The certificate that the SignerInfo's sid names (issuerAndSerialNumber or
    subjectKeyIdentifier), or None."""
    sid = signer_info["sid"]
    for cert in certs:
        parsed = asn1_x509.Certificate.load(_der(cert))
        if sid.name == "issuer_and_serial_number":
            if (
                parsed.issuer == sid.chosen["issuer"]
                and parsed.serial_number == sid.chosen["serial_number"].native
            ):
                return cert
        elif parsed.key_identifier is not None and parsed.key_identifier == sid.chosen.native:
            return cert
    return None


def _tsa_name(cert: x509.Certificate | None) -> str:
    if cert is None:
        return ""
    parts = [
        str(a.value)
        for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME)
        for a in cert.subject.get_attributes_for_oid(oid)
    ]
    return _printable(", ".join(parts) if parts else cert.subject.rfc4514_string())


def _times(tst: tsp.TSTInfo) -> tuple[datetime, Fraction, timedelta | None]:
    """genTime (truncated, exact) and accuracy, read exactly (docs/SPEC-v2-timestamps.md §3.1);
    ``tsa.malformed`` when they break RFC 3161 or genTime + accuracy passes year 9999."""
    try:
        gen_time, exact = tsatime.parse_generalized_time(bytes(tst["gen_time"].contents))
    except ValueError as exc:
        raise _fail("tsa.malformed", part="genTime", reason=_reason(exc)) from exc
    acc = tst["accuracy"]
    if isinstance(acc, core.Void):
        return gen_time, exact, None
    fields = [None if isinstance(acc[k], core.Void) else int(acc[k].native)
              for k in ("seconds", "millis", "micros")]  # fmt: skip
    try:
        seconds = tsatime.accuracy_seconds(*fields)
    except ValueError as exc:
        raise _fail("tsa.malformed", part="accuracy", reason=_reason(exc)) from exc
    if exact + seconds >= tsatime.END:
        raise _fail("tsa.malformed", part="accuracy", reason="genTime + accuracy is after 9999")
    return gen_time, exact, tsatime.as_timedelta(seconds)


def _token(parsed: _Parsed, signer: x509.Certificate | None) -> Token:
    tst = parsed.tst_info
    gen_time, gen_time_exact, accuracy = _times(tst)
    signer_der = _der(signer) if signer is not None else b""
    return Token(
        gen_time=gen_time,
        gen_time_exact=gen_time_exact,
        imprint=bytes(tst["message_imprint"]["hashed_message"].native),
        serial=int(tst["serial_number"].native),
        policy=str(tst["policy"].dotted),
        tsa_name=_tsa_name(signer),
        signer_cert=signer_der,
        signer_fingerprint=hashlib.sha256(signer_der).hexdigest() if signer_der else "",
        nonce=None if isinstance(tst["nonce"], core.Void) else int(tst["nonce"].native),
        accuracy=accuracy,
        certificates=tuple(_der(c) for c in parsed.certs),
    )


def read_token(der: bytes) -> Token:
    """Parse a TimeStampToken (ContentInfo) *or* a whole TimeStampResp, without checking
    signatures.  Raises ``TimestampError`` when it is not a time-stamp token."""
    parsed = _parse(der)
    try:
        return _token(parsed, parsed.signer)
    except TimestampError:
        raise
    except _ASN1_ERRORS as exc:
        raise _fail("tsa.malformed", part="TSTInfo", reason=_reason(exc)) from exc


# --------------------------------------------------------------------------- verification


def _hash_name(algorithm: Any, what: str) -> str:
    name = str(algorithm["algorithm"].native)
    if name not in _HASHES:
        raise _fail("tsa.digest_algorithm", what=what, algorithm=name)
    return name


def _digest(name: str, data: bytes) -> bytes:
    h = hashes.Hash(_HASHES[name]())
    h.update(data)
    return h.finalize()


def _single_attr(attrs: cms.CMSAttributes, oid: str) -> Any:
    """The one value of the signed attribute `oid`; None when absent; malformed when repeated."""
    found = [a for a in attrs if a["type"].dotted == oid]
    if not found:
        return None
    if len(found) != 1 or len(found[0]["values"]) != 1:
        raise _fail("tsa.malformed", part="signedAttrs", reason=f"{oid} must have one value")
    return found[0]["values"][0]


def _check_signed_attrs(parsed: _Parsed) -> tuple[bytes, str]:
    """Content-type and message-digest attributes; returns (DER SET OF attrs, digest name)."""
    si = parsed.signer_info
    digest_name = _hash_name(si["digest_algorithm"], "SignerInfo.digestAlgorithm")
    attrs = si["signed_attrs"]
    if isinstance(attrs, core.Void) or len(attrs) == 0:
        raise _fail("tsa.no_signed_attrs")
    ctype = _single_attr(attrs, "1.2.840.113549.1.9.3")
    if ctype is None or ctype.dotted != OID_TST_INFO:
        raise _fail("tsa.attr_content_type")
    mdigest = _single_attr(attrs, "1.2.840.113549.1.9.4")
    if mdigest is None or bytes(mdigest.native) != _digest(digest_name, parsed.econtent):
        raise _fail("tsa.attr_message_digest", algorithm=digest_name)
    # The signature covers the DER of the attributes as a SET OF (tag 0x31), not the [0] tag.
    return b"\x31" + bytes(attrs.dump())[1:], digest_name


def _verify_signature(cert: x509.Certificate, si: cms.SignerInfo, data: bytes, dname: str) -> None:
    sig_alg = si["signature_algorithm"]
    name = str(sig_alg["algorithm"].native)
    signature = bytes(si["signature"].native)
    try:
        key = cert.public_key()
        kind = sig_alg.signature_algo
        if kind == "ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
            return
        hash_name = dname if name in ("rsassa_pkcs1v15", "ecdsa") else str(sig_alg.hash_algo)
        if hash_name not in _HASHES:
            raise _fail("tsa.signature_algorithm", algorithm=f"{name}/{hash_name}")
        algo = _HASHES[hash_name]()
        if kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algo)
        elif kind == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            params = sig_alg["parameters"]
            mgf = params["mask_gen_algorithm"]
            mgf_hash = str(mgf["parameters"]["algorithm"].native)
            if mgf["algorithm"].native != "mgf1" or mgf_hash != hash_name:
                raise _fail("tsa.signature_algorithm", algorithm=f"{name}/mgf {mgf_hash}")
            pss = padding.PSS(padding.MGF1(algo), int(params["salt_length"].native))
            key.verify(signature, data, pss, algo)
        elif kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(algo))
        else:
            raise _fail("tsa.signature_algorithm", algorithm=name)
    except InvalidSignature as exc:
        raise _fail("tsa.bad_signature", tsa=_tsa_name(cert)) from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise _fail("tsa.signature_algorithm", algorithm=name) from exc


def _check_ess(si: cms.SignerInfo, signer: x509.Certificate) -> None:
    """The signing-certificate attribute (ESSCertID, SHA-1; or ESSCertIDv2), when present,
    must name the signer certificate: its first ESSCertID's hash and, if given, issuer/serial."""
    attrs = si["signed_attrs"]
    der = _der(signer)
    for oid, version in (("1.2.840.113549.1.9.16.2.47", 2), ("1.2.840.113549.1.9.16.2.12", 1)):
        value = _single_attr(attrs, oid)
        if value is None:
            continue
        certs = value["certs"]
        if len(certs) == 0:
            raise _fail("tsa.ess_mismatch", version=version)
        first = certs[0]
        if version == 2:
            algorithm = str(first["hash_algorithm"]["algorithm"].native)
            if algorithm not in _HASHES:
                raise _fail("tsa.digest_algorithm", what="ESSCertIDv2", algorithm=algorithm)
            expected = _digest(algorithm, der)
        else:
            expected = hashlib.sha1(der, usedforsecurity=False).digest()
        if bytes(first["cert_hash"].native) != expected:
            raise _fail("tsa.ess_mismatch", version=version)
        issuer_serial = first["issuer_serial"]
        if not isinstance(issuer_serial, core.Void):
            parsed = asn1_x509.Certificate.load(der)
            names = [g.chosen for g in issuer_serial["issuer"] if g.name == "directory_name"]
            if (
                parsed.issuer not in names
                or issuer_serial["serial_number"].native != parsed.serial_number
            ):
                raise _fail("tsa.ess_mismatch", version=version)


def _check_certificate(cert: x509.Certificate, token: Token) -> None:
    """RFC 3161 §2.3: extendedKeyUsage present, critical, and id-kp-timeStamping only; and the
    certificate's validity covers genTime."""
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound as exc:
        raise _fail("tsa.eku_missing", tsa=_tsa_name(cert)) from exc
    purposes = list(eku.value)
    if x509.ObjectIdentifier(OID_TIME_STAMPING) not in purposes:
        raise _fail("tsa.eku_missing", tsa=_tsa_name(cert))
    if not eku.critical:
        raise _fail("tsa.eku_not_critical", tsa=_tsa_name(cert))
    if len(purposes) != 1:
        raise _fail("tsa.eku_not_only", tsa=_tsa_name(cert))
    _check_validity(cert, token)


def _check_validity(cert: x509.Certificate, token: Token) -> None:
    if not _valid_at(cert, token.gen_time_exact):
        raise _fail(
            "tsa.cert_not_valid",
            subject=_printable(cert.subject.rfc4514_string()),
            gen_time=_iso(token.gen_time),
            not_before=_iso(cert.not_valid_before_utc),
            not_after=_iso(cert.not_valid_after_utc),
        )


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def verify_token(der: bytes, digest: bytes, trusted: Sequence[bytes] = ()) -> Token:
    """Full offline check of a TimeStampToken (or a TimeStampResp holding one) over `digest`.

    Returns the :class:`Token`; raises ``TimestampError`` naming the failed step, in this order:
    ``tsa.malformed`` / ``tsa.not_signed_data`` / ``tsa.wrong_econtent_type`` (structure),
    ``tsa.signer_count``, ``tsa.version``, ``tsa.digest_algorithm``, ``tsa.no_signed_attrs``,
    ``tsa.attr_content_type``, ``tsa.attr_message_digest``, ``tsa.signer_cert_missing``,
    ``tsa.signature_algorithm`` / ``tsa.bad_signature``, ``tsa.ess_mismatch``,
    ``tsa.eku_missing`` / ``tsa.eku_not_critical`` / ``tsa.eku_not_only``, ``tsa.cert_not_valid``,
    ``tsa.imprint_algorithm``, ``tsa.imprint_mismatch``, then ``tsa.untrusted``.

    `trusted`: DER certificates.  Empty: the token is checked but its TSA is not trusted (the
    caller reports 'unverified').  Non-empty: the signer certificate must equal one of them or be
    issued by one of them through at most ``MAX_CHAIN`` certificates of the token.  A token that
    carries no certificate is checked against a signer found among `trusted`.
    """
    _check_digest(digest)
    parsed = _parse(der)
    tst = parsed.tst_info
    try:
        if tst["version"].native != "v1":
            raise _fail("tsa.version", version=str(tst["version"].native))
        signed_attrs, digest_name = _check_signed_attrs(parsed)
        signer = parsed.signer
        anchors = load_trusted(trusted)
        if signer is None:
            signer = _find_signer(parsed.signer_info, anchors)
        if signer is None:
            raise _fail("tsa.signer_cert_missing")
        _verify_signature(signer, parsed.signer_info, signed_attrs, digest_name)
        _check_ess(parsed.signer_info, signer)
        token = _token(parsed, signer)
        _check_certificate(signer, token)
        imprint = tst["message_imprint"]
        imprint_alg = imprint["hash_algorithm"]["algorithm"].dotted
        if imprint_alg != OID_SHA256:
            raise _fail("tsa.imprint_algorithm", algorithm=str(imprint_alg))
        if token.imprint != digest:
            raise _fail("tsa.imprint_mismatch", expected=digest.hex(), actual=token.imprint.hex())
        trusted_ok = not anchors or _chains_to(signer, parsed.certs, anchors, token.gen_time_exact)
    except TimestampError:
        raise
    except _ASN1_ERRORS as exc:
        raise _fail("tsa.malformed", part="TimeStampToken", reason=_reason(exc)) from exc
    if not trusted_ok:
        raise _fail("tsa.untrusted", tsa=token.tsa_name, fingerprint=token.signer_fingerprint)
    return token


# --------------------------------------------------------------------------- trust


def is_trusted(token: Token, trusted: Sequence[bytes]) -> bool:
    """The trust rule of :func:`verify_token`, without raising: False for an empty `trusted`,
    a token without a signer certificate, or unreadable certificates."""
    if not trusted or not token.signer_cert:
        return False
    try:
        anchors = load_trusted(trusted)
        signer = x509.load_der_x509_certificate(token.signer_cert)
        pool = [x509.load_der_x509_certificate(d) for d in token.certificates]
        return _chains_to(signer, pool, anchors, token.gen_time_exact)
    except (TimestampError, *_ASN1_ERRORS):
        return False


def check(der: bytes, digest: bytes, trusted: Sequence[bytes] = ()) -> tuple[Check, Token | None]:
    """The token as one named :class:`Check` (``CHECK_NAME``) plus the token when it verified:
    ``tsa.anchored`` when its TSA is trusted, unverified ``tsa.unverified_tsa`` when `trusted`
    is empty, failed with the error's code otherwise."""
    try:
        token = verify_token(der, digest, trusted)
    except TimestampError as exc:
        return Check.from_error(CHECK_NAME, exc), None
    params = {"tsa": token.tsa_name, "time": _iso(token.gen_time),
              "fingerprint": token.signer_fingerprint}  # fmt: skip
    if not trusted:
        return Check.not_verified(CHECK_NAME, "tsa.unverified_tsa", **params), token
    return Check.passed(CHECK_NAME, "tsa.anchored", **params), token
