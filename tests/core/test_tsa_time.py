"""Exact token times (docs/SPEC-v2-timestamps.md §3.1): genTime read from its GeneralizedTime
text, accuracy in RFC 3161's ranges, ``gen_time_exact`` / ``latest_exact`` as Fractions."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from randcheck.catalog import MESSAGES
from randcheck.core import tsa, tsatime
from randcheck.core.checks import Check
from randcheck.core.tsa import TimestampError
from tests.tsa_fixture import TestTSA

DIGEST = hashlib.sha256(b"randcheck/draw/v2 entropy commitment").digest()
GEN_TIME = datetime(2026, 11, 30, 12, 0, 2, tzinfo=UTC)
T2 = Fraction(int((GEN_TIME - tsatime.EPOCH).total_seconds()))  # 12:00:02Z exactly
_TSA = TestTSA(name="Time TSA")


def _verify(**stamp: object) -> tsa.Token:
    der = _TSA.stamp(DIGEST, GEN_TIME, **stamp)  # type: ignore[arg-type]
    return tsa.verify_token(der, DIGEST, [_TSA.ca_cert_der])


def _refused(**stamp: object) -> TimestampError:
    der = _TSA.stamp(DIGEST, GEN_TIME, **stamp)  # type: ignore[arg-type]
    for call in (tsa.read_token, lambda d: tsa.verify_token(d, DIGEST, [_TSA.ca_cert_der])):
        with pytest.raises(TimestampError) as exc:
            call(der)
        assert exc.value.code == "tsa.malformed", exc.value.code
    check, token = tsa.check(der, DIGEST, [_TSA.ca_cert_der])
    assert check.status == "fail" and check.code == "tsa.malformed" and token is None
    return exc.value


# ---------------------------------------------------------------- genTime


def test_seven_fractional_digits_are_kept_exactly_not_rounded_up() -> None:
    token = _verify(gen_time_text=b"20261130120002.9999999Z")
    assert isinstance(token.gen_time_exact, Fraction)
    assert token.gen_time_exact == T2 + Fraction(9_999_999, 10**7)
    assert token.latest_exact == token.gen_time_exact < T2 + 1  # still before ...03Z
    # the datetime is truncated toward the past, never rounded into the next second
    assert token.gen_time == GEN_TIME.replace(microsecond=999_999)
    assert token.latest_time == token.gen_time


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        (b"20261130120002Z", Fraction(0)),
        (b"20261130120002.5Z", Fraction(1, 2)),
        (b"20261130120002.000001Z", Fraction(1, 10**6)),
        (b"20261130120002.0000001Z", Fraction(1, 10**7)),
        (b"20261130120002." + b"3" * 64 + b"Z", Fraction(int("3" * 64), 10**64)),
    ],
)
def test_gen_time_exact_for_der_forms(text: bytes, fraction: Fraction) -> None:
    token = _verify(gen_time_text=text)
    assert token.gen_time_exact == T2 + fraction
    assert token.gen_time == GEN_TIME + timedelta(microseconds=int(fraction * 10**6))


@pytest.mark.parametrize(
    "text",
    [
        b"20261130130002+0100",  # an offset, even one naming the same instant
        b"20261130120002",  # local time
        b"202611301200Z",  # no seconds
        b"2026113012Z",
        b"20261130120002,5Z",  # comma
        b"20261130120002.Z",  # a point without a fraction
        b"20261130120002.0Z",  # a zero fraction must be left out (DER)
        b"20261130120002.50Z",  # trailing zero (DER)
        b"20261130120060Z",  # leap second: not accepted
        b"20261130240000Z",  # midnight is 000000 of the next day
        b"20261131120002Z",  # no 31 November
        b"00001130120002Z",  # year 0
        b"20261130120002.5z",
        b" 20261130120002Z",
        b"20261130120002." + b"1" * 65 + b"Z",  # more than 64 fractional digits
        b"",
    ],
)
def test_gen_time_not_in_rfc3161_form_is_malformed(text: bytes) -> None:
    assert _refused(gen_time_text=text).params["part"] == "genTime"


def test_certificate_validity_is_compared_exactly() -> None:
    """A certificate ending at 12:00:02Z does not cover 12:00:02.0000001Z, although the
    truncated datetime (12:00:02.000000) equals its end."""
    authority = TestTSA(name="Edge TSA", not_before=GEN_TIME, not_after=GEN_TIME)
    der = authority.stamp(DIGEST, GEN_TIME, gen_time_text=b"20261130120002.0000001Z")
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(der, DIGEST, [authority.ca_cert_der])
    assert exc.value.code == "tsa.cert_not_valid"
    at_end = authority.stamp(DIGEST, GEN_TIME, gen_time_text=b"20261130120002Z")
    assert tsa.verify_token(at_end, DIGEST, [authority.ca_cert_der]).gen_time_exact == T2


# ---------------------------------------------------------------- accuracy


@pytest.mark.parametrize(
    ("fields", "seconds"),
    [
        ({}, Fraction(0)),
        ({"seconds": 0}, Fraction(0)),
        ({"seconds": 1, "millis": 250}, Fraction(5, 4)),
        ({"millis": 999, "micros": 1}, Fraction(999_001, 10**6)),
        ({"micros": 999}, Fraction(999, 10**6)),
        ({"seconds": 86_400 * 365 * 100}, Fraction(86_400 * 365 * 100)),
    ],
)
def test_accuracy_in_range_is_exact(fields: dict[str, int], seconds: Fraction) -> None:
    token = _verify(accuracy_fields=fields, gen_time_text=b"20261130120002.9999999Z")
    gen = T2 + Fraction(9_999_999, 10**7)
    assert token.latest_exact == gen + seconds
    assert token.accuracy == tsatime.as_timedelta(seconds)
    assert token.latest_time == token.gen_time + tsatime.as_timedelta(seconds)


@pytest.mark.parametrize(
    "fields",
    [
        {"seconds": -5},  # would move the anchor earlier
        {"seconds": -1, "millis": 500},
        {"millis": 0},
        {"millis": 1000},
        {"millis": -1},
        {"micros": 0},
        {"micros": 1000},
        {"seconds": 1, "micros": -999},
        {"seconds": 86_400 * 900_000_000},  # past year 9999: was an OverflowError
        {"seconds": 10**40},
    ],
)
def test_accuracy_outside_rfc3161_ranges_is_malformed(fields: dict[str, int]) -> None:
    assert _refused(accuracy_fields=fields).params["part"] == "accuracy"


def test_huge_accuracy_from_a_timedelta_is_malformed_not_an_overflow() -> None:
    """The reviewer's reproduction (/tmp/acc.py): accuracy of 900,000,000 days."""
    _refused(accuracy=timedelta(days=900_000_000))


# ---------------------------------------------------------------- fuzz

_DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=20)
_TEXT = st.one_of(
    st.builds(
        lambda a, b, c: f"{a}{b}{c}".encode(),
        _DIGITS,
        st.sampled_from(["", ".", ","]),
        st.text(alphabet="0123456789Z+-.", max_size=12),
    ),
    st.binary(max_size=30),
    st.just(b"99991231235959.9999999Z"),
    st.just(b"00010101000000Z"),
)
_INT = st.one_of(st.integers(-2000, 2000), st.integers(-(10**30), 10**30))
_ACCURACY = st.one_of(
    st.none(), st.dictionaries(st.sampled_from(["seconds", "millis", "micros"]), _INT)
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.none(), _TEXT), accuracy=_ACCURACY)
def test_fuzzed_gen_time_and_accuracy_raise_only_timestamp_errors(
    text: bytes | None, accuracy: dict[str, int] | None
) -> None:
    try:
        der = _TSA.stamp(DIGEST, GEN_TIME, gen_time_text=text, accuracy_fields=accuracy)
    except OverflowError:
        # the test TSA (asn1crypto) sometimes re-reads a GeneralizedTime while encoding it,
        # and 9999-12-31 23:59:59.9999999 rounds past year 9999 there: that token cannot be
        # made here (on some runs only: asn1crypto caches), which says nothing of randcheck
        reject()
    for call in (
        tsa.read_token,
        lambda d: tsa.verify_token(d, DIGEST),
        lambda d: tsa.verify_token(d, DIGEST, [_TSA.ca_cert_der]),
    ):
        try:
            token = call(der)
        except TimestampError as exc:
            assert exc.code in MESSAGES
            continue
        assert token.gen_time_exact <= token.latest_exact < tsatime.END
        assert tsatime.epoch_seconds(token.latest_time) <= token.latest_exact
        assert token.latest_exact - tsatime.epoch_seconds(token.latest_time) < Fraction(1, 10**6)
    check, _ = tsa.check(der, DIGEST, [_TSA.ca_cert_der])
    assert isinstance(check, Check)
