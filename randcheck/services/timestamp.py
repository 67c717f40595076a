"""Asking a time-stamping authority (RFC 3161 over HTTP) for a token over a 32-byte digest.

The only network code of time-stamping: one POST with ``urllib`` and a timeout.  Everything
it receives is checked with :mod:`randcheck.core.tsa` before it is returned, so a caller stores
only a token that verifies over its digest (whether the TSA is *trusted* is the verifier's
question: ``core.tsa.verify_token(..., trusted)``).
"""

from __future__ import annotations

import http.client
import secrets
import socket
import urllib.error
import urllib.parse
import urllib.request

from randcheck.core import tsa
from randcheck.errors import CannotRunError

MAX_REPLY = 1 << 20  # bytes; a TimeStampResp is a few kilobytes


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def _post(url: str, body: bytes, timeout: float) -> bytes:
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
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = int(response.status)
            if status != 200:
                raise CannotRunError("tsa.http_status", url=url, status=status)
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if media != tsa.MEDIA_REPLY:
                raise CannotRunError("tsa.content_type", url=url, content_type=media or "-")
            data = bytes(response.read(MAX_REPLY + 1))
    except urllib.error.HTTPError as exc:
        raise CannotRunError("tsa.http_status", url=url, status=exc.code) from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        raise CannotRunError("tsa.network", url=url, reason=_reason(exc)) from exc
    if len(data) > MAX_REPLY:
        raise CannotRunError("tsa.too_large", url=url, limit=MAX_REPLY)
    return data


def request_token(url: str, digest: bytes, *, timeout: float = 20.0) -> bytes:
    """POST application/timestamp-query to `url`, check the response (HTTP status, content type
    application/timestamp-reply, granted status, imprint equals digest, nonce echoed, and the
    token's own signature and certificate), return the DER TimeStampToken.

    Raises ``CannotRunError`` (``tsa.bad_url``, ``tsa.network``, ``tsa.http_status``,
    ``tsa.content_type``, ``tsa.too_large``) when no answer could be had, and
    ``core.tsa.TimestampError`` (``tsa.refused``, ``tsa.nonce_mismatch``, any refusal of
    :func:`randcheck.core.tsa.verify_token`) when the answer is not a good token.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CannotRunError("tsa.bad_url", url=url)
    nonce = secrets.randbits(64)
    query = tsa.make_request(digest, nonce)
    reply = _post(url, query, timeout)
    token_der = tsa.parse_response(reply)
    token = tsa.verify_token(token_der, digest)
    if token.nonce != nonce:
        raise tsa.TimestampError("tsa.nonce_mismatch", sent=str(nonce), received=str(token.nonce))
    return token_der
