"""China time: UTC+8, fixed (China has no daylight saving time), whatever the machine's zone.

"This year", "within N days", a result's formation day and every 北京时间 shown to a person are
counted with this offset, never with the machine's local time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

CHINA = timedelta(hours=8)


def beijing_time(unix_time: int) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in 北京时间."""
    return (datetime.fromtimestamp(unix_time, UTC) + CHINA).strftime("%Y-%m-%d %H:%M:%S")


def reading_time(utc: str) -> str:
    """A UTC timestamp (``YYYY-MM-DDTHH:MM:SSZ``) as people read it on a page:
    ``2026年12月2日 09:00 北京时间``; text that is not such a timestamp is returned as it is."""
    try:
        t = datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ") + CHINA
    except ValueError:
        return utc
    return f"{t.year}年{t.month}月{t.day}日 {t.hour:02d}:{t.minute:02d} 北京时间"


def reading_date(day: date | str) -> str:
    """A calendar day (a ``date`` or ``YYYY-MM-DD``) as people read it: ``2026年12月2日``;
    text that is not such a day is returned as it is."""
    if isinstance(day, str):
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            return day
    else:
        parsed = day
    return f"{parsed.year}年{parsed.month}月{parsed.day}日"


def china_today(now: datetime | None = None) -> date:
    """Today's date in China (``now``: a UTC time, default the clock's)."""
    return ((now or datetime.now(UTC)) + CHINA).date()


def china_year(utc: str) -> int:
    """The year, in China, of a UTC timestamp ``YYYY-MM-DDTHH:MM:SSZ``."""
    return (datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ") + CHINA).year
