"""Inputs that must have exactly one byte form: times with ASCII digits, lower-case hex."""

from __future__ import annotations

import pytest

from randcheck.core import signing
from randcheck.core.draw import envelope
from randcheck.core.draw.spec import SPEC_ID, check_time
from randcheck.errors import InputError, VerificationError


def test_times_need_ascii_digits() -> None:
    check_time("2023-09-15T11:01:03Z", "t")
    # full-width digits are \d in Python regexes, but compare as strings after every ASCII time
    with pytest.raises((InputError, VerificationError)):
        check_time("２０２０-01-01T00:00:00Z", "t")


def _env() -> bytes:
    body = {"spec": SPEC_ID, "kind": "record", "x": 1}
    return envelope.signed(body, signing.private_from_seed(bytes(32)))


def test_signature_hex_is_lower_case_and_fixed_length() -> None:
    env = _env()
    envelope.open_envelope(env, "record")
    head, sigs = env.rsplit(b',"signatures":[', 1)
    upper = head + b',"signatures":[' + sigs.replace(b'"sig":"', b'"sig":"').upper()
    upper = upper.replace(b'"KEYID"', b'"keyid"').replace(b'"SIG"', b'"sig"')
    assert upper != env
    with pytest.raises(VerificationError):
        envelope.open_envelope(upper, "record")
    short = env.replace(sigs[-6:], sigs[-4:])
    with pytest.raises(VerificationError):
        envelope.open_envelope(short, "record")
