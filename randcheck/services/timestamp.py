"""Asking a time-stamping authority (RFC 3161 over HTTP) for a token over a 32-byte digest.

The only network code of time-stamping: one POST with ``urllib`` and a timeout.  Everything
it receives is checked with :mod:`randcheck.core.tsa` before it is returned, so a caller stores
only a token that verifies over its digest (whether the TSA is *trusted* is the verifier's
question: ``core.tsa.verify_token(..., trusted)``).
"""

from __future__ import annotations

import secrets
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from randcheck.core import tsa
from randcheck.core.tsa_certs import printable
from randcheck.errors import CannotRunError

MAX_REPLY = 1 << 20  # bytes; a TimeStampResp is a few kilobytes
SCHEMES = ("http", "https")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    text = str(exc).strip() or type(exc).__name__
    return printable(text.splitlines()[0] if text.splitlines() else text, 200)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as the HTTP status it is (``tsa.http_status``): urllib would
    re-send a POST as a GET without the query, or follow it to another scheme (ftp)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def check_url(url: str) -> str:
    """`url` when it is an http(s) URL with a host (and a valid port, if any); else
    ``CannotRunError('tsa.bad_url')``.  The `url` in every error is shown without control
    characters."""
    shown = printable(url, 200) or "-"
    if not isinstance(url, str) or any(c.isspace() or not c.isprintable() for c in url):
        raise CannotRunError("tsa.bad_url", url=shown)
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  (ValueError when the port is not a number in 0..65535)
    except ValueError as exc:  # "http://[::1": Invalid IPv6 URL
        raise CannotRunError("tsa.bad_url", url=shown) from exc
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise CannotRunError("tsa.bad_url", url=shown)
    return url


def _post(url: str, body: bytes, timeout: float) -> bytes:
    shown = printable(url, 200)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": tsa.MEDIA_QUERY,
            "Accept": tsa.MEDIA_REPLY,
            "User-Agent": "randcheck",
        },
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status = int(response.status)
            if status != 200:
                raise CannotRunError("tsa.http_status", url=shown, status=status)
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if media != tsa.MEDIA_REPLY:
                raise CannotRunError("tsa.content_type", url=shown, content_type=media or "-")
            data = bytes(response.read(MAX_REPLY + 1))
    except CannotRunError:
        raise
    except urllib.error.HTTPError as exc:
        raise CannotRunError("tsa.http_status", url=shown, status=exc.code) from exc
    except Exception as exc:  # socket, TLS, HTTP, urllib: every failure is tsa.network
        raise CannotRunError("tsa.network", url=shown, reason=_reason(exc)) from exc
    if len(data) > MAX_REPLY:
        raise CannotRunError("tsa.too_large", url=shown, limit=MAX_REPLY)
    return data


def request_token(url: str, digest: bytes, *, timeout: float = 20.0) -> bytes:
    """POST application/timestamp-query to `url`, check the response (HTTP status, content type
    application/timestamp-reply, granted status, imprint equals digest, nonce echoed, and the
    token's own signature and certificate), return the DER TimeStampToken.

    Every failure is a ``RandcheckError`` with a ``tsa.*`` code: ``CannotRunError``
    (``tsa.bad_url``, ``tsa.network`` — socket errors, timeouts, TLS, anything urllib raises —,
    ``tsa.http_status`` — redirects included —, ``tsa.content_type``, ``tsa.too_large``) when no
    answer could be had, and ``core.tsa.TimestampError`` (``tsa.bad_digest``, ``tsa.refused``,
    ``tsa.nonce_mismatch``, any refusal of :func:`randcheck.core.tsa.verify_token`) when the
    answer is not a good token.
    """
    check_url(url)
    nonce = secrets.randbits(64)
    query = tsa.make_request(digest, nonce)
    reply = _post(url, query, timeout)
    token_der = tsa.parse_response(reply)
    token = tsa.verify_token(token_der, digest)
    if token.nonce != nonce:
        raise tsa.TimestampError("tsa.nonce_mismatch", sent=str(nonce), received=str(token.nonce))
    return token_der
