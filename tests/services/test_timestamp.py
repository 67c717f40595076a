"""Asking a TSA over HTTP: the test TSA on 127.0.0.1, and every way the exchange can fail."""

from __future__ import annotations

import hashlib
import socket
from datetime import UTC, datetime

import pytest
from asn1crypto import tsp

from randcheck.catalog import MESSAGES, render
from randcheck.core import tsa
from randcheck.errors import CannotRunError, RandcheckError
from randcheck.services.timestamp import MAX_REPLY, request_token
from tests.tsa_fixture import TestTSA, TSAServer, serve, tsa_server  # noqa: F401

DIGEST = hashlib.sha256(b"commitment").digest()
GEN_TIME = datetime(2026, 11, 30, 12, 30, tzinfo=UTC)


def _refused(server: TSAServer, error: type[RandcheckError], code: str) -> RandcheckError:
    with pytest.raises(error) as exc:
        request_token(server.url, DIGEST, timeout=5)
    assert exc.value.code == code
    assert code in MESSAGES
    assert render(code, "zh", **exc.value.params) != code
    return exc.value


def test_round_trip_over_http(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.gen_time = GEN_TIME
    token_der = request_token(tsa_server.url, DIGEST)
    token = tsa.verify_token(token_der, DIGEST, [tsa_server.tsa.ca_cert_der])
    assert token.gen_time == GEN_TIME
    assert token.imprint == DIGEST
    # what was sent: a query with the media type, SHA-256 imprint, certReq and a nonce
    assert tsa_server.last_content_type == "application/timestamp-query"
    request = tsp.TimeStampReq.load(tsa_server.last_request)
    assert request["message_imprint"]["hashed_message"].native == DIGEST
    assert request["cert_req"].native is True
    assert request["nonce"].native == token.nonce is not None
    # the token is a ContentInfo, not the whole response, and it carries the certificate
    assert token.signer_cert == tsa_server.tsa.cert_der


@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
def test_round_trip_with_other_keys(key_type: str) -> None:
    with serve(TestTSA(key_type=key_type)) as server:  # type: ignore[arg-type]
        token_der = request_token(server.url, DIGEST)
        assert tsa.verify_token(token_der, DIGEST, [server.tsa.ca_cert_der]).imprint == DIGEST


def test_every_request_has_a_fresh_nonce(tsa_server: TSAServer) -> None:  # noqa: F811
    nonces = set()
    for _ in range(3):
        request_token(tsa_server.url, DIGEST)
        nonces.add(tsp.TimeStampReq.load(tsa_server.last_request)["nonce"].native)
    assert len(nonces) == 3


def test_http_error_status(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.http_status = 503
    err = _refused(tsa_server, CannotRunError, "tsa.http_status")
    assert err.params["status"] == 503


def test_wrong_content_type(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.content_type = "text/html; charset=utf-8"
    err = _refused(tsa_server, CannotRunError, "tsa.content_type")
    assert err.params["content_type"] == "text/html"


def test_content_type_parameters_are_allowed(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.content_type = "Application/Timestamp-Reply; charset=binary"
    assert request_token(tsa_server.url, DIGEST)


def test_refusal_carries_the_tsa_text(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.refuse = "quota exceeded"
    err = _refused(tsa_server, tsa.TimestampError, "tsa.refused")
    assert err.params["text"] == "quota exceeded"


def test_nonce_not_echoed(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.echo_nonce = False
    err = _refused(tsa_server, tsa.TimestampError, "tsa.nonce_mismatch")
    assert err.params["received"] == "None"


def test_token_over_another_digest(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.digest = hashlib.sha256(b"something else").digest()
    _refused(tsa_server, tsa.TimestampError, "tsa.imprint_mismatch")


def test_badly_signed_token(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.fault = "signature"
    _refused(tsa_server, tsa.TimestampError, "tsa.bad_signature")


def test_answer_that_is_not_der(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.body = b"<html>hello</html>"
    _refused(tsa_server, tsa.TimestampError, "tsa.malformed")


def test_answer_too_large(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.body = b"\x00" * (MAX_REPLY + 10)
    _refused(tsa_server, CannotRunError, "tsa.too_large")


def test_timeout(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.delay = 1.0
    with pytest.raises(CannotRunError) as exc:
        request_token(tsa_server.url, DIGEST, timeout=0.2)
    assert exc.value.code == "tsa.network"
    assert exc.value.params["reason"] == "timed out"


def test_connection_refused() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(CannotRunError) as exc:
        request_token(f"http://127.0.0.1:{port}/", DIGEST, timeout=2)
    assert exc.value.code == "tsa.network"
    assert exc.value.params["url"] == f"http://127.0.0.1:{port}/"


@pytest.mark.parametrize(
    "url", ["", "ftp://tsa.example/", "tsa.example/tsr", "http://", "file:///etc/passwd"]
)
def test_bad_url(url: str) -> None:
    with pytest.raises(CannotRunError) as exc:
        request_token(url, DIGEST)
    assert exc.value.code == "tsa.bad_url"


def test_bad_digest_is_refused_before_any_request(tsa_server: TSAServer) -> None:  # noqa: F811
    with pytest.raises(tsa.TimestampError) as exc:
        request_token(tsa_server.url, b"short")
    assert exc.value.code == "tsa.bad_digest"
    assert tsa_server.requests == 0
