"""A test time-stamping authority: a CA and a TSA certificate made with ``cryptography``,
RFC 3161 tokens and responses built with ``asn1crypto`` and signed here, and an HTTP server
on 127.0.0.1.  Nothing is downloaded.  Importable by any test::

    from tests.tsa_fixture import TestTSA, serve   # needs nothing from randcheck itself

    tsa = TestTSA(key_type="rsa")
    token = tsa.stamp(digest, datetime(2026, 11, 30, 12, tzinfo=UTC))
    verify_token(token, digest, [tsa.ca_cert_der])
    with serve(tsa) as server:          # or the ``tsa_server`` pytest fixture (EC TSA)
        request_token(server.url, digest)

Bad tokens for refusal tests: ``stamp(..., fault=...)`` (see ``FAULTS``) and the constructor's
``eku``, ``not_before``/``not_after`` and ``intermediates``; an untrusted CA is simply another
``TestTSA``'s ``ca_cert_der``.  The server's misbehaviours are attributes of ``TSAServer``.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import itertools
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pytest
from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KeyType = Literal["ec", "rsa", "rsa-pss", "ed25519"]
Eku = Literal["critical", "noncritical", "none", "extra", "other"]
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey

NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime(2040, 1, 1, tzinfo=UTC)
POLICY = "1.3.6.1.4.1.99999.3161.1"  # a private-arc OID for the test TSA's policy

FAULTS = (
    "signature",  # one bit of the signature flipped
    "message_digest",  # the message-digest attribute is not the hash of the TSTInfo
    "content_type_attr",  # the content-type attribute says id-data
    "no_content_type_attr",  # no content-type attribute
    "econtent_type",  # eContentType is id-data instead of id-ct-TSTInfo
    "not_signed_data",  # the ContentInfo is not SignedData (a bare id-data)
    "no_signed_attrs",  # the signature is over the TSTInfo itself, without signed attributes
    "version",  # TSTInfo version 2
    "imprint_algorithm",  # messageImprint says SHA-384 (over the same 32 bytes)
    "ess",  # the ESSCertIDv2 hash names another certificate
    "ess_v1",  # an ESSCertID (SHA-1) that names another certificate
    "two_signers",  # the SignerInfo twice
    "no_signer_infos",  # no SignerInfo at all
    "garbage_after",  # a byte after the DER
)

_serials = itertools.count(1000)


class TimeStampResp(core.Sequence):  # type: ignore[misc]
    """RFC 3161 TimeStampResp with the token optional (asn1crypto's makes it mandatory, so a
    refusal could not be built).  Defined here too so that this module needs nothing from
    randcheck: an independent verifier's tests may use it."""

    _fields = [  # noqa: RUF012  (asn1crypto's class-level spec)
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


def _key(key_type: KeyType, seed: bytes | None, label: str) -> PrivateKey:
    """A new key; with a `seed`, the same key every time (for byte-stable vectors)."""
    secret = hashlib.sha256(seed + label.encode()).digest() if seed is not None else None
    if key_type == "ec":
        if secret is None:
            return ec.generate_private_key(ec.SECP256R1())
        order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256 n
        return ec.derive_private_key(int.from_bytes(secret) % (order - 1) + 1, ec.SECP256R1())
    if key_type == "ed25519":
        if secret is None:
            return ed25519.Ed25519PrivateKey.generate()
        return ed25519.Ed25519PrivateKey.from_private_bytes(secret)
    if secret is not None:
        raise ValueError("a seed needs key_type 'ec' or 'ed25519' (RSA keys are not derived)")
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _serial(seed: bytes | None, label: str) -> int:
    if seed is None:
        return next(_serials)
    return int.from_bytes(hashlib.sha256(seed + b"serial " + label.encode()).digest()[:8]) >> 1


def _sign_cert(builder: x509.CertificateBuilder, issuer_key: PrivateKey) -> x509.Certificate:
    if isinstance(issuer_key, ed25519.Ed25519PrivateKey):
        return builder.sign(issuer_key, None)
    if isinstance(issuer_key, ec.EllipticCurvePrivateKey):  # RFC 6979: byte-stable with a seed
        return builder.sign(issuer_key, hashes.SHA256(), ecdsa_deterministic=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _name(cn: str, org: str = "randcheck tests") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        ]
    )


def _ca_cert(key: PrivateKey, subject: x509.Name, issuer_key: PrivateKey, issuer: x509.Name,
             serial: int) -> x509.Certificate:  # fmt: skip
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    return _sign_cert(builder, issuer_key)


class TestTSA:
    """A root CA, `intermediates` intermediate CAs and a TSA signer certificate, with its key.

    `key_type` is the key of every certificate; `eku` the signer's extendedKeyUsage
    (``critical`` as RFC 3161 wants; ``noncritical``, ``none``, ``extra`` (also codeSigning),
    ``other`` (codeSigning only) to break it); `not_before`/`not_after` its validity.
    With a `seed` (``ec`` or ``ed25519`` only) the keys, certificates and tokens are the same
    bytes on every run (deterministic ECDSA, RFC 6979), for vectors checked with ``--check``.
    """

    __test__ = False  # not a test class, despite its name

    def __init__(
        self,
        *,
        key_type: KeyType = "ec",
        name: str = "Test TSA",
        eku: Eku = "critical",
        not_before: datetime = NOT_BEFORE,
        not_after: datetime = NOT_AFTER,
        intermediates: int = 0,
        seed: bytes | None = None,
    ) -> None:
        self.key_type = key_type
        self.name = name
        self.ca_key = _key(key_type, seed, "root")
        ca_name = _name(f"{name} Root CA")
        ca = _ca_cert(self.ca_key, ca_name, self.ca_key, ca_name, _serial(seed, "root"))
        self.ca_cert = ca
        issuer_key, issuer_name = self.ca_key, ca_name
        self.chain: list[x509.Certificate] = []  # intermediate CAs, the signer's issuer first
        for level in range(intermediates):
            label = f"intermediate {level + 1}"
            inter_key = _key(key_type, seed, label)
            inter_name = _name(f"{name} Intermediate CA {level + 1}")
            inter = _ca_cert(inter_key, inter_name, issuer_key, issuer_name, _serial(seed, label))
            self.chain.insert(0, inter)
            issuer_key, issuer_name = inter_key, inter_name
        self.key = _key(key_type, seed, "signer")
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(issuer_name)
            .public_key(self.key.public_key())
            .serial_number(_serial(seed, "signer"))
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False
            )
        )
        purposes = {
            "critical": [ExtendedKeyUsageOID.TIME_STAMPING],
            "noncritical": [ExtendedKeyUsageOID.TIME_STAMPING],
            "extra": [ExtendedKeyUsageOID.TIME_STAMPING, ExtendedKeyUsageOID.CODE_SIGNING],
            "other": [ExtendedKeyUsageOID.CODE_SIGNING],
            "none": [],
        }[eku]
        if purposes:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage(purposes), critical=eku != "noncritical"
            )
        self.cert = _sign_cert(builder, issuer_key)
        self.ca_cert_der = ca.public_bytes(serialization.Encoding.DER)
        self.cert_der = self.cert.public_bytes(serialization.Encoding.DER)
        self.cert_pem = self.cert.public_bytes(serialization.Encoding.PEM)
        self.ca_cert_pem = ca.public_bytes(serialization.Encoding.PEM)
        self._serial = itertools.count(1)

    # ------------------------------------------------------------------ tokens

    def stamp(
        self,
        digest: bytes,
        gen_time: datetime,
        *,
        nonce: int | None = None,
        include_certs: bool = True,
        policy: str = POLICY,
        accuracy: timedelta | None = None,
        accuracy_fields: dict[str, int] | None = None,
        gen_time_text: bytes | None = None,
        digest_algorithm: str | None = None,
        sid: Literal["issuer_serial", "ski"] = "issuer_serial",
        ess: Literal["v2", "v1", "none"] = "v2",
        fault: str | None = None,
    ) -> bytes:
        """A DER TimeStampToken (ContentInfo) over `digest` at `gen_time`; `fault` breaks it.

        `accuracy_fields` (raw seconds/millis/micros, any integers) replaces `accuracy`;
        `gen_time_text` (raw GeneralizedTime contents, e.g. b"20230915105902.9999999Z")
        replaces `gen_time` in the TSTInfo."""
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}")
        if digest_algorithm is None:
            digest_algorithm = "sha512" if self.key_type == "ed25519" else "sha256"
        tst_fields: dict[str, Any] = {
            "version": "v2" if fault == "version" else "v1",
            "policy": policy,
            "message_imprint": {
                "hash_algorithm": {
                    "algorithm": "sha384" if fault == "imprint_algorithm" else "sha256"
                },
                "hashed_message": digest,
            },
            "serial_number": next(self._serial),
            "gen_time": gen_time.astimezone(UTC),
        }
        if accuracy is not None:
            whole, micros = divmod(accuracy // timedelta(microseconds=1), 1_000_000)
            millis, micros = divmod(micros, 1000)
            acc = {"seconds": whole, "millis": millis or None, "micros": micros or None}
            tst_fields["accuracy"] = {k: v for k, v in acc.items() if v}
        if accuracy_fields is not None:
            tst_fields["accuracy"] = tsp.Accuracy(
                accuracy_fields or None, contents=None if accuracy_fields else b""
            )
        if gen_time_text is not None:
            tst_fields["gen_time"] = core.GeneralizedTime(contents=gen_time_text)
        if nonce is not None:
            tst_fields["nonce"] = nonce
        tst = tsp.TSTInfo(tst_fields)
        econtent = tst.dump()
        econtent_type = "data" if fault == "econtent_type" else "tst_info"
        encap = cms.EncapsulatedContentInfo(
            {"content_type": econtent_type, "content": cms.ParsableOctetString(econtent)}
        )
        md = hashlib.new(digest_algorithm, econtent).digest()
        if fault == "message_digest":
            md = hashlib.new(digest_algorithm, econtent + b"x").digest()
        cert_der = self.cert_der
        other = self.ca_cert_der
        attrs: list[dict[str, Any]] = []
        if fault != "no_content_type_attr":
            ctype = "data" if fault == "content_type_attr" else "tst_info"
            attrs.append({"type": "content_type", "values": [ctype]})
        attrs.append({"type": "message_digest", "values": [md]})
        if ess == "v2" and fault != "ess_v1":
            hashed = other if fault == "ess" else cert_der
            attrs.append(
                {
                    "type": "signing_certificate_v2",
                    "values": [{"certs": [{"cert_hash": hashlib.sha256(hashed).digest()}]}],
                }
            )
        if ess == "v1" or fault == "ess_v1":
            hashed = other if fault == "ess_v1" else cert_der
            parsed = asn1_x509.Certificate.load(cert_der)
            attrs.append(
                {
                    "type": "signing_certificate",
                    "values": [
                        {
                            "certs": [
                                {
                                    "cert_hash": hashlib.sha1(hashed).digest(),
                                    "issuer_serial": {
                                        "issuer": [
                                            asn1_x509.GeneralName(
                                                name="directory_name", value=parsed.issuer
                                            )
                                        ],
                                        "serial_number": parsed.serial_number,
                                    },
                                }
                            ]
                        }
                    ],
                }
            )
        signed_attrs = cms.CMSAttributes(attrs)
        to_sign = econtent if fault == "no_signed_attrs" else signed_attrs.dump()
        signature, sig_alg = self._sign(to_sign, digest_algorithm)
        if fault == "signature":
            signature = signature[:-1] + bytes([signature[-1] ^ 1])
        parsed_cert = asn1_x509.Certificate.load(cert_der)
        if sid == "ski":
            sid_value = cms.SignerIdentifier(
                name="subject_key_identifier", value=parsed_cert.key_identifier
            )
        else:
            sid_value = cms.SignerIdentifier(
                name="issuer_and_serial_number",
                value={"issuer": parsed_cert.issuer, "serial_number": parsed_cert.serial_number},
            )
        signer_info: dict[str, Any] = {
            "version": "v3" if sid == "ski" else "v1",
            "sid": sid_value,
            "digest_algorithm": {"algorithm": digest_algorithm},
            "signature_algorithm": sig_alg,
            "signature": signature,
        }
        if fault != "no_signed_attrs":
            signer_info["signed_attrs"] = signed_attrs
        infos = [signer_info] * (2 if fault == "two_signers" else 1)
        if fault == "no_signer_infos":
            infos = []
        signed: dict[str, Any] = {
            "version": "v3",
            "digest_algorithms": [{"algorithm": digest_algorithm}],
            "encap_content_info": encap,
            "signer_infos": infos,
        }
        if include_certs:
            chain = [self.cert, *self.chain]
            signed["certificates"] = [
                asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                for c in chain
            ]
        content_type = "data" if fault == "not_signed_data" else "signed_data"
        if content_type == "data":
            info = cms.ContentInfo({"content_type": "data", "content": econtent})
        else:
            info = cms.ContentInfo({"content_type": "signed_data", "content": signed})
        der = bytes(info.dump())
        return der + b"\x00" if fault == "garbage_after" else der

    def _sign(self, data: bytes, digest_algorithm: str) -> tuple[bytes, dict[str, Any]]:
        algo = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512,
                "sha1": hashes.SHA1}[digest_algorithm]()  # fmt: skip
        key = self.key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(data), {"algorithm": "ed25519"}
        if isinstance(key, ec.EllipticCurvePrivateKey):
            signature = key.sign(data, ec.ECDSA(algo, deterministic_signing=True))
            return signature, {"algorithm": f"{digest_algorithm}_ecdsa"}
        if self.key_type == "rsa-pss":
            salt = algo.digest_size
            pss = padding.PSS(mgf=padding.MGF1(algo), salt_length=salt)
            params = {
                "hash_algorithm": {"algorithm": digest_algorithm},
                "mask_gen_algorithm": {
                    "algorithm": "mgf1",
                    "parameters": {"algorithm": digest_algorithm},
                },
                "salt_length": salt,
            }
            return key.sign(data, pss, algo), {"algorithm": "rsassa_pss", "parameters": params}
        return key.sign(data, padding.PKCS1v15(), algo), {"algorithm": f"{digest_algorithm}_rsa"}

    def respond(
        self,
        request_der: bytes,
        gen_time: datetime | None = None,
        *,
        fault: str | None = None,
        refuse: str | None = None,
        echo_nonce: bool = True,
        digest: bytes | None = None,
    ) -> bytes:
        """A DER TimeStampResp answering a DER TimeStampReq (status granted unless `refuse`
        gives a rejection text, or the request is not SHA-256: rejection, badAlg).  `fault`
        is passed to :meth:`stamp`; `digest` stamps another digest than the one asked for."""
        req = tsp.TimeStampReq.load(request_der)
        imprint = req["message_imprint"]
        if refuse is not None:
            return _refusal(refuse, "bad_request")
        if imprint["hash_algorithm"]["algorithm"].native != "sha256":
            return _refusal("unsupported hash algorithm", "bad_alg")
        nonce = req["nonce"].native if echo_nonce else None
        token = self.stamp(
            digest if digest is not None else bytes(imprint["hashed_message"].native),
            gen_time or datetime.now(UTC),
            nonce=nonce,
            include_certs=bool(req["cert_req"].native),
            fault=fault,
        )
        resp = TimeStampResp(
            {"status": {"status": "granted"}, "time_stamp_token": cms.ContentInfo.load(token)}
        )
        return bytes(resp.dump())


def _refusal(text: str, fail_info: str) -> bytes:
    resp = TimeStampResp(
        {"status": {"status": "rejection", "status_string": [text], "fail_info": {fail_info}}}
    )
    return bytes(resp.dump())


# ---------------------------------------------------------------------- HTTP server


@dataclass
class TSAServer:
    """A running test TSA at ``url``; set the attributes to make it misbehave."""

    tsa: TestTSA
    url: str = ""
    gen_time: datetime | None = None  # None: the clock
    content_type: str = "application/timestamp-reply"
    http_status: int = 200
    fault: str | None = None  # passed to TestTSA.stamp
    refuse: str | None = None  # answer with status rejection and this text
    echo_nonce: bool = True
    digest: bytes | None = None  # stamp this digest instead of the one asked for
    body: bytes | None = None  # answer these bytes instead
    delay: float = 0.0  # seconds to wait before answering
    headers: dict[str, str] = field(default_factory=dict)  # extra answer headers (Location)
    hang_up: bool = False  # close the connection without answering
    requests: int = 0
    last_request: bytes = b""
    last_content_type: str = ""


def _handler(server: TSAServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = self.rfile.read(length)
            server.requests += 1
            server.last_request = request
            server.last_content_type = self.headers.get("Content-Type") or ""
            if server.delay:
                time.sleep(server.delay)
            if server.hang_up:
                self.close_connection = True
                return
            if server.body is not None:
                body = server.body
            else:
                body = server.tsa.respond(
                    request,
                    server.gen_time,
                    fault=server.fault,
                    refuse=server.refuse,
                    echo_nonce=server.echo_nonce,
                    digest=server.digest,
                )
            self.send_response(server.http_status)
            self.send_header("Content-Type", server.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in server.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep pytest's output clean

    return Handler


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that timed out and left (test_timeout) is not an error
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(tsa: TestTSA) -> Iterator[TSAServer]:
    """Serve `tsa` over HTTP on 127.0.0.1 (an ephemeral port) in a thread."""
    state = TSAServer(tsa)
    httpd = _QuietServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/tsr"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def tsa_server() -> Iterator[TSAServer]:
    """An EC test TSA served on 127.0.0.1; ``.url``, ``.tsa`` (its ``ca_cert_der`` to trust)."""
    with serve(TestTSA()) as server:
        yield server
