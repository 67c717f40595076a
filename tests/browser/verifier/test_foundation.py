"""The verifier's foundation in the browser: the page loads, bytes, hashes, keys, the check type."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from randcheck.core import signing
from tests.browser.verifier.conftest import js_bytes

pytestmark = pytest.mark.browser


def test_sha256_and_key_id_match_python(js: Callable[[str], Any]) -> None:
    data = "抽查 randcheck".encode()
    assert js(f"V.Bytes.hex(V.Hash.sha256({js_bytes(data)}))") == hashlib.sha256(data).hexdigest()
    assert js(f"V.Hash.sha256Async({js_bytes(data)}).then(V.Bytes.hex)") == hashlib.sha256(
        data
    ).hexdigest()
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    raw = signing.public_raw(key)
    assert js(f"V.Hash.keyId({js_bytes(raw)})") == signing.key_id(raw)


def test_ed25519_verify_accepts_good_and_refuses_bad(js: Callable[[str], Any]) -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    raw, msg = signing.public_raw(key), b"message"
    sig = bytearray(key.sign(msg))
    assert js(f"V.Hash.ed25519Verify({js_bytes(raw)}, {js_bytes(msg)}, {js_bytes(bytes(sig))})")
    sig[5] ^= 1
    assert not js(f"V.Hash.ed25519Verify({js_bytes(raw)}, {js_bytes(msg)}, {js_bytes(bytes(sig))})")


def test_check_status_and_report_follow_python(js: Callable[[str], Any]) -> None:
    rep = js(
        "V.Checks.report([V.Checks.passed('a'), V.Checks.warning('b', 'x'),"
        " V.Checks.notVerified('c', 'y')])"
    )
    assert rep["status"] == "unverified" and rep["ok"] is False and rep["first_failure"] is None
    assert [c["status"] for c in rep["checks"]] == ["ok", "warn", "unverified"]
    rep = js("V.Checks.report([V.Checks.passed('a'), V.Checks.failed('b', 'x', {n: 1})])")
    assert rep["status"] == "fail" and rep["first_failure"] == "b"
    assert rep["checks"][1] == {"name": "b", "ok": False, "status": "fail", "code": "x",
                                "params": {"n": 1}}  # fmt: skip
