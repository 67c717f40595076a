"""Interoperability with OpenSSL's RFC 3161 implementation (``openssl ts``, ``openssl cms``).

OpenSSL verifies the test TSA's tokens, and ``randcheck.core.tsa`` verifies tokens that
``openssl ts -reply`` made from our requests.  The ``openssl`` command is part of the project's
machines (Debian package ``openssl``); these tests fail, not skip, without it.  Not covered:
Ed25519, which OpenSSL 3.0 can neither sign nor verify in CMS or TS (it has no digest for
pure EdDSA there); RSA-PSS and subjectKeyIdentifier signers are checked with ``openssl cms``,
because ``openssl ts`` reads tokens with PKCS#7 code that knows neither.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from randcheck.core import tsa
from tests.tsa_fixture import TestTSA

DIGEST = hashlib.sha256(b"randcheck/draw/v2 entropy commitment").digest()
GEN_TIME = datetime(2026, 11, 30, 12, 0, 0, 250000, tzinfo=UTC)


@pytest.fixture(scope="module")
def openssl() -> str:
    path = shutil.which("openssl")
    assert path, "the openssl command is missing (Debian package openssl): install it"
    return path


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C"}
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False, env=env)


def _pem(path: Path, *certs: bytes) -> Path:
    from cryptography import x509

    path.write_bytes(
        b"".join(
            x509.load_der_x509_certificate(c).public_bytes(serialization.Encoding.PEM)
            for c in certs
        )
    )
    return path


def _files(authority: TestTSA, tmp: Path) -> dict[str, Path]:
    """The TSA's CA, chain, signer certificate and key as PEM files for OpenSSL."""
    der = serialization.Encoding.DER
    chain = [c.public_bytes(der) for c in authority.chain]
    key = tmp / "tsa.key"
    key.write_bytes(
        authority.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return {
        "ca": _pem(tmp / "ca.pem", authority.ca_cert_der),
        "chain": _pem(tmp / "chain.pem", *chain) if chain else _pem(tmp / "chain.pem"),
        "cert": _pem(tmp / "tsa.pem", authority.cert_der),
        "key": key,
    }


def _openssl_verify(openssl: str, token: Path, files: dict[str, Path], *mode: str) -> None:
    args = [openssl, "ts", "-verify", *mode, "-in", str(token), "-CAfile", str(files["ca"])]
    if files["chain"].read_bytes():
        args += ["-untrusted", str(files["chain"])]
    done = _run(args)
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stdout + done.stderr


# ---------------------------------------------------------------- OpenSSL checks our tokens


@pytest.mark.parametrize(
    ("key_type", "intermediates", "ess"),
    [("ec", 0, "v2"), ("rsa", 0, "v2"), ("ec", 1, "v1"), ("rsa", 2, "v1")],
)
def test_openssl_ts_verifies_our_token(
    openssl: str, tmp_path: Path, key_type: str, intermediates: int, ess: str
) -> None:
    authority = TestTSA(key_type=key_type, intermediates=intermediates)  # type: ignore[arg-type]
    files = _files(authority, tmp_path)
    token = tmp_path / "token.der"
    token.write_bytes(authority.stamp(DIGEST, GEN_TIME, ess=ess))  # type: ignore[arg-type]
    _openssl_verify(openssl, token, files, "-token_in", "-digest", DIGEST.hex())
    # and a whole response to our own request: OpenSSL also checks the nonce and imprint
    request = tmp_path / "request.der"
    request.write_bytes(tsa.make_request(DIGEST, nonce=987654321))
    response = tmp_path / "response.der"
    response.write_bytes(authority.respond(request.read_bytes(), GEN_TIME))
    _openssl_verify(openssl, response, files, "-queryfile", str(request))


def test_openssl_ts_refuses_our_bad_token(openssl: str, tmp_path: Path) -> None:
    """The same OpenSSL check says no to what randcheck refuses (a control for the test above)."""
    authority = TestTSA()
    files = _files(authority, tmp_path)
    for fault, other_digest in (("signature", False), ("message_digest", False), (None, True)):
        token = tmp_path / "token.der"
        token.write_bytes(authority.stamp(DIGEST, GEN_TIME, fault=fault))
        digest = hashlib.sha256(b"other").hexdigest() if other_digest else DIGEST.hex()
        args = [openssl, "ts", "-verify", "-token_in", "-in", str(token), "-digest", digest]
        done = _run([*args, "-CAfile", str(files["ca"])])
        assert "Verification: FAILED" in done.stdout + done.stderr, (fault, done.stdout)
    stranger = _pem(tmp_path / "stranger.pem", TestTSA().ca_cert_der)
    token.write_bytes(authority.stamp(DIGEST, GEN_TIME))
    args = [openssl, "ts", "-verify", "-token_in", "-in", str(token), "-digest", DIGEST.hex()]
    done = _run([*args, "-CAfile", str(stranger)])
    assert "Verification: FAILED" in done.stdout + done.stderr, done.stdout


@pytest.mark.parametrize(("key_type", "sid"), [("ec", "ski"), ("rsa-pss", "issuer_serial")])
def test_openssl_cms_verifies_what_openssl_ts_cannot_read(
    openssl: str, tmp_path: Path, key_type: str, sid: str
) -> None:
    """``openssl ts`` reads tokens with its PKCS#7 code, which can hold neither a
    subjectKeyIdentifier sid nor an RSA-PSS signature; its CMS code can, and checks the
    signature, the signing-certificate attribute and the chain for time-stamping."""
    authority = TestTSA(key_type=key_type, intermediates=1)  # type: ignore[arg-type]
    files = _files(authority, tmp_path)
    token = tmp_path / "token.der"
    token.write_bytes(authority.stamp(DIGEST, GEN_TIME, sid=sid, ess="v1"))  # type: ignore[arg-type]
    econtent = tmp_path / "tstinfo.der"
    args = [openssl, "cms", "-verify", "-inform", "DER", "-in", str(token), "-binary"]
    args += ["-CAfile", str(files["ca"]), "-certfile", str(files["chain"])]
    done = _run([*args, "-purpose", "timestampsign", "-out", str(econtent)])
    assert done.returncode == 0, done.stderr
    assert hashlib.sha256(econtent.read_bytes()).digest() != DIGEST  # it is the TSTInfo...
    assert DIGEST in econtent.read_bytes()  # ...which holds the imprint
    token.write_bytes(authority.stamp(DIGEST, GEN_TIME, sid=sid, fault="signature"))  # type: ignore[arg-type]
    done = _run([*args, "-purpose", "timestampsign", "-out", str(econtent)])
    assert done.returncode != 0 and "Verification failure" in done.stderr, done.stderr


# ---------------------------------------------------------------- we check OpenSSL's tokens


def _openssl_tsa_config(tmp: Path, files: dict[str, Path], ess_alg: str, digests: str) -> Path:
    serial = tmp / "serial"
    serial.write_text("3039\n")
    config = tmp / "tsa.cnf"
    config.write_text(
        "\n".join(
            [
                "[ tsa ]",
                "default_tsa = tsa1",
                "[ tsa1 ]",
                f"serial = {serial}",
                "crypto_device = builtin",
                f"signer_cert = {files['cert']}",
                f"certs = {files['chain']}",
                f"signer_key = {files['key']}",
                "signer_digest = sha256",
                "default_policy = 1.2.3.4.1",
                "other_policies = 1.2.3.4.5",
                f"digests = {digests}",
                "accuracy = secs:1, millisecs:500, microsecs:100",
                "clock_precision_digits = 3",
                "ordering = yes",
                "tsa_name = yes",
                "ess_cert_id_chain = yes",
                f"ess_cert_id_alg = {ess_alg}",
                "",
            ]
        )
    )
    return config


@pytest.mark.parametrize(
    ("key_type", "intermediates", "ess_alg"),
    [("ec", 0, "sha256"), ("ec", 1, "sha1"), ("rsa", 0, "sha1"), ("rsa", 1, "sha256")],
)
def test_we_verify_a_token_from_openssl_ts_reply(
    openssl: str, tmp_path: Path, key_type: str, intermediates: int, ess_alg: str
) -> None:
    authority = TestTSA(key_type=key_type, intermediates=intermediates)  # type: ignore[arg-type]
    files = _files(authority, tmp_path)
    config = _openssl_tsa_config(tmp_path, files, ess_alg, "sha256, sha384")
    request = tmp_path / "request.der"
    request.write_bytes(tsa.make_request(DIGEST, nonce=2026))
    response = tmp_path / "response.der"
    before = datetime.now(UTC).replace(microsecond=0)
    args = [openssl, "ts", "-reply", "-config", str(config), "-queryfile", str(request)]
    done = _run([*args, "-out", str(response)])
    after = datetime.now(UTC) + timedelta(seconds=1)
    assert done.returncode == 0, done.stderr
    token_der = tsa.parse_response(response.read_bytes())
    token = tsa.verify_token(token_der, DIGEST, [authority.ca_cert_der])
    assert before <= token.gen_time <= after  # OpenSSL stamps with its clock, to 1/1000 s
    assert token.gen_time.microsecond % 1000 == 0
    assert token.nonce == 2026
    assert token.serial == 0x3039 + 1  # OpenSSL uses the next number of its serial file
    assert token.policy == "1.2.3.4.1"
    assert token.accuracy == timedelta(seconds=1, milliseconds=500, microseconds=100)
    assert token.tsa_name == "Test TSA, randcheck tests"
    assert token.signer_cert == authority.cert_der
    assert tsa.is_trusted(token, [authority.ca_cert_der])
    with pytest.raises(tsa.TimestampError) as exc:
        tsa.verify_token(token_der, DIGEST, [TestTSA().ca_cert_der])
    assert exc.value.code == "tsa.untrusted"


def test_we_read_an_openssl_refusal_with_its_text(openssl: str, tmp_path: Path) -> None:
    authority = TestTSA()
    files = _files(authority, tmp_path)
    config = _openssl_tsa_config(tmp_path, files, "sha256", "sha384")  # SHA-256 not offered
    request = tmp_path / "request.der"
    request.write_bytes(tsa.make_request(DIGEST))
    response = tmp_path / "response.der"
    args = [openssl, "ts", "-reply", "-config", str(config), "-queryfile", str(request)]
    done = _run([*args, "-out", str(response)])
    assert done.returncode == 0, done.stderr
    with pytest.raises(tsa.TimestampError) as exc:
        tsa.parse_response(response.read_bytes())
    assert exc.value.code == "tsa.refused"
    assert exc.value.params["status"] == "rejection"
    assert exc.value.params["fail_info"] == "bad_alg"
    assert "not supported" in str(exc.value.params["text"])
