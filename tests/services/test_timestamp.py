"""Asking a TSA over HTTP: the test TSA on 127.0.0.1, and every way the exchange can fail."""

from __future__ import annotations

import hashlib
import http.client
import socket
import ssl
import urllib.error
from datetime import UTC, datetime

import pytest
from asn1crypto import tsp

from randcheck.catalog import MESSAGES, render
from randcheck.core import tsa
from randcheck.errors import CannotRunError, RandcheckError
from randcheck.services import timestamp
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
    "url",
    [
        "",
        "ftp://tsa.example/",
        "tsa.example/tsr",
        "http://",
        "file:///etc/passwd",
        "http://[::1",  # urlsplit: ValueError "Invalid IPv6 URL" (was a traceback)
        "https://[::1/tsr",
        "http://[not-an-address]/tsr",
        "http://tsa.example:99999/tsr",  # port out of range
        "http://tsa.example:http/tsr",
        "http://:80/tsr",  # no host
        "http://tsa .example/tsr",  # a space
        "http://tsa.example/t\x1b[31msr",
        "http://tsa.example/tsr\n",
        "javascript:alert(1)",
        "data:application/timestamp-reply;base64,AAAA",
    ],
)
def test_bad_url(url: str, tsa_server: TSAServer) -> None:  # noqa: F811
    with pytest.raises(CannotRunError) as exc:
        request_token(url, DIGEST)
    assert exc.value.code == "tsa.bad_url"
    shown = render("tsa.bad_url", "en", **exc.value.params)
    assert "\x1b" not in shown and "\n" not in shown
    assert tsa_server.requests == 0


@pytest.mark.parametrize(
    "url",
    ["HTTP://127.0.0.1:{port}/tsr", "http://127.0.0.1:{port}/tsr?x=1", "http://127.0.0.1:{port}"],
)
def test_good_url_forms(url: str, tsa_server: TSAServer) -> None:  # noqa: F811
    port = tsa_server.url.split(":")[2].split("/")[0]
    assert tsa.read_token(request_token(url.format(port=port), DIGEST)).imprint == DIGEST


@pytest.mark.parametrize(
    "error",
    [
        ValueError("unknown url type"),
        UnicodeError("label empty or too long"),
        ssl.SSLError(1, "certificate verify failed"),
        http.client.InvalidURL("nonnumeric port"),
        http.client.RemoteDisconnected("Remote end closed connection"),
        ConnectionResetError(104, "Connection reset by peer"),
        socket.gaierror(-2, "Name or service not known"),
        TimeoutError(),
        urllib.error.URLError(OSError(113, "No route to host")),
        RuntimeError("anything else"),
    ],
)
def test_every_failure_of_the_exchange_is_tsa_network(
    error: Exception, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(timestamp._OPENER, "open", fail)
    with pytest.raises(CannotRunError) as exc:
        request_token("https://tsa.example/tsr", DIGEST, timeout=1)
    assert exc.value.code == "tsa.network"
    assert render("tsa.network", "zh", **exc.value.params) != "tsa.network"


def test_connection_closed_without_an_answer(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.hang_up = True
    _refused(tsa_server, CannotRunError, "tsa.network")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_is_not_followed(status: int, tsa_server: TSAServer) -> None:  # noqa: F811
    """urllib would re-send the POST as a GET without the query, or follow it to ftp://."""
    tsa_server.http_status = status
    tsa_server.headers = {"Location": "ftp://127.0.0.1:1/tsr"}
    err = _refused(tsa_server, CannotRunError, "tsa.http_status")
    assert err.params["status"] == status
    assert tsa_server.requests == 1


def test_answer_one_byte_too_large(tsa_server: TSAServer) -> None:  # noqa: F811
    tsa_server.body = b"\x30" * (MAX_REPLY + 1)
    _refused(tsa_server, CannotRunError, "tsa.too_large")


def test_bad_digest_is_refused_before_any_request(tsa_server: TSAServer) -> None:  # noqa: F811
    with pytest.raises(tsa.TimestampError) as exc:
        request_token(tsa_server.url, b"short")
    assert exc.value.code == "tsa.bad_digest"
    assert tsa_server.requests == 0
