"""Day options (``--as-of``, ``--on``): ``YYYY-MM-DD``, default today in China time."""

from __future__ import annotations

from datetime import date

from randcheck.core.chinatime import china_today
from randcheck.errors import UsageError


def day_option(value: str | None, error: str) -> date:
    """``value`` as a date, today (China time) when it is not given; a bad value is the usage
    error ``error`` (a catalog key taking ``value``)."""
    if value is None or value == "":
        return china_today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(error, value=value) from None
