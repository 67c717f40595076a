"""Exact times of RFC 3161 tokens: genTime read from its GeneralizedTime text, and accuracy.

Pure.  A time is kept as a :class:`fractions.Fraction` of seconds since 1970-01-01T00:00:00Z
(no rounding, whatever the number of fractional digits), and as a ``datetime`` truncated
toward the past to whole microseconds for display.  The rules are those of
docs/SPEC-v2-timestamps.md §3.1; every refusal is a ``ValueError`` whose text says why (the
caller, ``randcheck.core.tsa``, turns it into ``tsa.malformed``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from fractions import Fraction

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_FRACTION_DIGITS = 64  # longer fractions of a second are refused (real TSAs give <= 9)
ACCURACY_SUB_RANGE = range(1, 1000)  # RFC 3161 §2.4.2: millis and micros are INTEGER (1..999)

# RFC 3161 §2.4.2 / X.690 §11.7 (DER): YYYYMMDDhhmmss[.f...]Z, seconds present, a '.' only
# when a fraction follows, no trailing zero in the fraction, always 'Z' (UTC).
_GENERALIZED_TIME = re.compile(rb"(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d+))?Z")


def seconds_of(delta: timedelta) -> Fraction:
    """A timedelta as exact seconds."""
    return Fraction(delta.days * 86_400 + delta.seconds) + Fraction(delta.microseconds, 10**6)


def epoch_seconds(t: datetime) -> Fraction:
    """An aware datetime as exact seconds since 1970-01-01T00:00:00Z."""
    return seconds_of(t - EPOCH)


END = epoch_seconds(datetime.max.replace(tzinfo=UTC)) + Fraction(1, 10**6)  # 10000-01-01Z: times
# must be before it (a datetime cannot show them)


def parse_generalized_time(text: bytes) -> tuple[datetime, Fraction]:
    """The contents of a DER GeneralizedTime -> (datetime truncated to microseconds, UTC;
    exact seconds since the epoch).  Refuses (``ValueError``) a time without 'Z' (a local
    time or an offset such as +0100), without seconds, with a ',' or with trailing zeros in
    the fraction (DER), seconds 60, or a date that does not exist."""
    match = _GENERALIZED_TIME.fullmatch(text)
    if match is None:
        raise ValueError("genTime must be YYYYMMDDhhmmss[.fraction]Z (RFC 3161 §2.4.2)")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = (match.group(7) or b"").decode("ascii")
    if fraction.endswith("0"):
        raise ValueError("genTime fraction has trailing zeros (not DER, RFC 3161 §2.4.2)")
    if len(fraction) > MAX_FRACTION_DIGITS:
        raise ValueError(f"genTime fraction has more than {MAX_FRACTION_DIGITS} digits")
    micro = int((fraction + "000000")[:6])
    try:
        whole = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"genTime is not a real UTC time ({exc})") from None
    exact = epoch_seconds(whole)
    if fraction:
        exact += Fraction(int(fraction), 10 ** len(fraction))
    return whole.replace(microsecond=micro), exact


def accuracy_seconds(seconds: int | None, millis: int | None, micros: int | None) -> Fraction:
    """RFC 3161 Accuracy as exact seconds; an absent field counts as zero.  Refuses
    (``ValueError``) negative seconds and millis or micros outside 1..999."""
    if seconds is not None and seconds < 0:
        raise ValueError(f"accuracy seconds must be >= 0, not {seconds}")
    for name, value in (("millis", millis), ("micros", micros)):
        if value is not None and value not in ACCURACY_SUB_RANGE:
            raise ValueError(f"accuracy {name} must be 1..999, not {value}")
    return Fraction(seconds or 0) + Fraction(millis or 0, 1000) + Fraction(micros or 0, 10**6)


def as_timedelta(seconds: Fraction) -> timedelta:
    """Exact seconds (a whole number of microseconds) as a timedelta."""
    return timedelta(microseconds=int(seconds * 10**6))
