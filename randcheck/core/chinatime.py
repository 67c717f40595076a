"""China time: UTC+8, fixed (China has no daylight saving time), whatever the machine's zone.

"This year", "within N days", a result's formation day and every 北京时间 shown to a person are
counted with this offset, never with the machine's local time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

CHINA = timedelta(hours=8)


def beijing_time(unix_time: int) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in 北京时间."""
    return (datetime.fromtimestamp(unix_time, UTC) + CHINA).strftime("%Y-%m-%d %H:%M:%S")
