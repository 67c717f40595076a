"""Times and days as a page shows them to people (issue #10 §3)."""

from __future__ import annotations

from datetime import date

from randcheck.core.chinatime import beijing_time, reading_date, reading_time


def test_reading_time_is_beijing_time_without_seconds() -> None:
    assert reading_time("2026-12-02T01:00:59Z") == "2026年12月2日 09:00 北京时间"
    # past midnight in Beijing: the day moves on
    assert reading_time("2026-12-31T16:30:00Z") == "2027年1月1日 00:30 北京时间"


def test_reading_time_leaves_other_text_alone() -> None:
    assert reading_time("") == ""
    assert reading_time("2026-12-02 09:00") == "2026-12-02 09:00"


def test_reading_date() -> None:
    assert reading_date(date(2026, 1, 5)) == "2026年1月5日"
    assert reading_date("2026-11-30") == "2026年11月30日"
    assert reading_date("soon") == "soon"


def test_beijing_time_unchanged() -> None:
    assert beijing_time(0) == "1970-01-01 08:00:00"
