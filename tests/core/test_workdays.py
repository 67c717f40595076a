"""The working-day calendar: shipped data, deadlines (民法典 第201条), office calendar files."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date, timedelta

import chinese_calendar  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from randcheck.catalog import MESSAGES, render
from randcheck.core.workdays import Calendar, Deadline, YearDays, parse_office_calendar
from randcheck.errors import InputError, RowError

SHIPPED = Calendar.shipped()

# An office's (illustrative) arrangement for 2027, a year chinesecalendar 1.11.0 does not know:
# 元旦 on Friday 2027-01-01, and Saturday 2027-01-09 a make-up working day.
OFFICE_2027 = YearDays(2027, frozenset({date(2027, 1, 1)}), frozenset({date(2027, 1, 9)}))


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- the shipped calendar -----------------------------------------------------------------------


def test_shipped_years_are_the_packages_years() -> None:
    assert SHIPPED.years == tuple(range(2004, 2027))
    covered = {day.year for day in chinese_calendar.holidays} | {
        day.year for day in chinese_calendar.workdays
    }
    assert SHIPPED.years == tuple(range(min(covered), max(covered) + 1))
    assert SHIPPED.knows(2004) and SHIPPED.knows(2026)
    assert not SHIPPED.knows(2003) and not SHIPPED.knows(2027)
    assert Calendar.shipped() is SHIPPED  # built once


def test_shipped_agrees_with_the_package_on_every_day() -> None:
    day, last = date(2004, 1, 1), date(2026, 12, 31)
    disagree = []
    while day <= last:
        if SHIPPED.is_workday(day) != chinese_calendar.is_workday(day):
            disagree.append(day)
        day += timedelta(days=1)
    assert disagree == []


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-09-20", True),  # Sunday, 国庆 make-up working day
        ("2026-09-25", False),  # Friday, 中秋
        ("2026-09-28", True),  # Monday
        ("2026-10-01", False),  # Thursday, 国庆
        ("2026-10-03", False),  # Saturday inside 国庆
        ("2026-10-07", False),  # Wednesday, last day of 国庆
        ("2026-10-08", True),  # Thursday after 国庆: an ordinary working day in 2026
        ("2026-10-10", True),  # Saturday, 国庆 make-up working day
        ("2026-10-11", False),  # Sunday
        ("2026-01-04", True),  # Sunday, 元旦 make-up working day
        ("2015-09-03", False),  # Thursday, the 70th anniversary of the victory (a one-off)
    ],
)
def test_known_days(day: str, working: bool) -> None:
    assert SHIPPED.is_workday(d(day)) is working


def test_unknown_years_are_never_guessed() -> None:
    assert SHIPPED.is_workday(d("2027-01-04")) is None  # a Monday, still unknown
    assert SHIPPED.is_workday(d("2003-12-31")) is None


# --- deadlines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formed", "days", "due"),
    [
        ("2026-09-28", 20, "2026-10-30"),  # across 国庆, with the 10-10 make-up Saturday
        ("2026-11-30", 20, "2026-12-28"),  # no holiday: four weeks
        ("2026-09-28", 7, "2026-10-13"),
        ("2026-09-28", 3, "2026-10-08"),  # 9-29, 9-30, then 10-08 after the holiday
        ("2026-09-30", 3, "2026-10-10"),  # the third is the make-up Saturday
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-10-02", 7, "2026-10-15"),  # formed on a holiday: 10-08, 10-09, 10-10, 10-12..15
        ("2026-10-09", 1, "2026-10-10"),  # formed Friday, due the make-up Saturday
        ("2026-09-24", 1, "2026-09-28"),  # 中秋 Friday–Sunday skipped
        ("2026-12-30", 1, "2026-12-31"),
        ("2003-12-31", 1, "2004-01-02"),  # the formation day (unknown year) is not counted
    ],
)
def test_deadline(formed: str, days: int, due: str) -> None:
    assert SHIPPED.deadline(d(formed), days) == Deadline(d(due), None)


def test_deadline_into_an_unknown_year() -> None:
    assert SHIPPED.deadline(d("2026-12-20"), 20) == Deadline(None, 2027)
    assert SHIPPED.deadline(d("2026-12-31"), 1) == Deadline(None, 2027)
    assert SHIPPED.deadline(d("2027-03-01"), 5) == Deadline(None, 2027)
    assert SHIPPED.deadline(d("2003-12-30"), 1) == Deadline(None, 2003)
    assert SHIPPED.deadline(d("1999-06-01"), 10) == Deadline(None, 1999)


def test_office_year_makes_the_deadline_known() -> None:
    calendar = SHIPPED.with_years([OFFICE_2027])
    assert calendar.years == (*range(2004, 2027), 2027)
    # 2026-12-20 is a Sunday.  Working days: 12-21..25 (1–5), 12-28..31 (6–9); 2027-01-01 off;
    # 01-04..08 (10–14), Saturday 01-09 (15), 01-11..15 (16–20).
    assert calendar.deadline(d("2026-12-20"), 20) == Deadline(d("2027-01-15"), None)
    assert calendar.is_workday(d("2027-01-09")) is True
    assert calendar.is_workday(d("2027-01-01")) is False
    # and the next unknown year is named
    assert calendar.deadline(d("2027-12-20"), 20) == Deadline(None, 2028)
    # the shipped calendar itself is unchanged
    assert SHIPPED.deadline(d("2026-12-20"), 20) == Deadline(None, 2027)


def test_a_gap_between_known_years() -> None:
    calendar = SHIPPED.with_years([YearDays(2028, frozenset(), frozenset())])
    assert calendar.knows(2028) and not calendar.knows(2027)
    assert calendar.deadline(d("2026-12-20"), 20) == Deadline(None, 2027)
    assert calendar.deadline(d("2027-12-31"), 1) == Deadline(d("2028-01-03"), None)  # Monday
    assert calendar.deadline(d("2027-06-01"), 1) == Deadline(None, 2027)


def test_with_years_overrides_a_shipped_year() -> None:
    # an office that (wrongly or not) declares 2026 with no holidays at all
    plain = SHIPPED.with_years([YearDays(2026, frozenset(), frozenset())])
    assert plain.years == SHIPPED.years
    assert plain.is_workday(d("2026-10-01")) is True
    assert plain.is_workday(d("2026-10-10")) is False
    # 9-29 .. 10-02 (1–4), 10-05..09 (5–9), 10-12..16 (10–14), 10-19..23 (15–19), 10-26 (20)
    assert plain.deadline(d("2026-09-28"), 20) == Deadline(d("2026-10-26"), None)
    assert plain.deadline(d("2025-12-31"), 1) == Deadline(d("2026-01-01"), None)
    # the other years are still the shipped ones
    assert plain.deadline(d("2025-09-30"), 1) == SHIPPED.deadline(d("2025-09-30"), 1)
    assert SHIPPED.deadline(d("2026-09-28"), 20) == Deadline(d("2026-10-30"), None)
    # a later entry for the same year wins
    again = SHIPPED.with_years([YearDays(2026, frozenset(), frozenset()), OFFICE_2027])
    twice = again.with_years([YearDays(2026, frozenset({d("2026-10-08")}), frozenset())])
    assert again.is_workday(d("2026-10-08")) is True
    assert twice.is_workday(d("2026-10-08")) is False
    assert twice.knows(2027)


@pytest.mark.parametrize("days", [0, -1, -20])
def test_days_must_be_positive(days: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        SHIPPED.deadline(d("2026-09-28"), days)


def test_an_empty_calendar_knows_nothing() -> None:
    empty = Calendar({})
    assert empty.years == ()
    assert empty.is_workday(d("2026-10-08")) is None
    assert empty.deadline(d("2026-10-08"), 1) == Deadline(None, 2026)


def test_year_days_are_checked() -> None:
    with pytest.raises(ValueError, match="Saturday or Sunday"):
        YearDays(2026, frozenset({d("2026-10-03")}), frozenset())
    with pytest.raises(ValueError, match="weekday"):
        YearDays(2026, frozenset(), frozenset({d("2026-10-08")}))
    with pytest.raises(ValueError, match="not in year"):
        YearDays(2027, frozenset({d("2026-10-08")}), frozenset())
    with pytest.raises(ValueError, match="mapped"):
        Calendar({2026: OFFICE_2027})


def test_deadline_is_fast() -> None:
    calendar = SHIPPED.with_years([])  # a fresh calendar: an empty cache
    first = date(2004, 1, 1).toordinal()
    calls = [(date.fromordinal(first + i % 8000), 1 + i % 30) for i in range(100_000)]
    start = time.perf_counter()
    for formed, days in calls:
        calendar.deadline(formed, days)
    assert time.perf_counter() - start < 1.0


def _naive(calendar: Calendar, formed: date, days: int) -> Deadline:
    day, counted = formed, 0
    while counted < days:
        day += timedelta(days=1)
        working = calendar.is_workday(day)
        if working is None:
            return Deadline(None, day.year)
        counted += working
    return Deadline(day, None)


@given(
    formed=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)),
    days=st.integers(min_value=1, max_value=30),
)
def test_deadline_counts_working_days(formed: date, days: int) -> None:
    result = SHIPPED.deadline(formed, days)
    assert result == _naive(SHIPPED, formed, days)
    if result.due is None:
        assert result.missing_year == 2027
        return
    due = result.due
    assert result.missing_year is None
    assert due > formed
    assert SHIPPED.is_workday(due) is True
    between = [formed + timedelta(days=i) for i in range(1, (due - formed).days + 1)]
    assert sum(SHIPPED.is_workday(day) is True for day in between) == days


@given(
    formed=st.dates(min_value=date(2003, 11, 1), max_value=date(2028, 12, 31)),
    days=st.integers(min_value=1, max_value=300),
)
def test_deadline_matches_a_day_by_day_count_with_office_years(formed: date, days: int) -> None:
    calendar = SHIPPED.with_years([OFFICE_2027])
    assert calendar.deadline(formed, days) == _naive(calendar, formed, days)


def test_the_module_is_pure() -> None:
    code = (
        "import sys, randcheck.core.workdays as w\n"
        "w.Calendar.shipped()\n"
        "bad = [m for m in ('typer', 'rich', 'sqlmodel', 'sqlalchemy') if m in sys.modules]\n"
        "assert bad == [], bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- office calendar files ----------------------------------------------------------------------

GOOD = """日期,类型,说明
2027-01-01,休,元旦
2027/01/09,班,调休

2027年2月5日,假,春节
2027-2-8,休息,
2027-02-20,补班,
2028-01-03,holiday,
2028-01-08,Work,
2028-01-09,上班,
"""


def _cells(exc: InputError) -> list[tuple[int, str, str, str]]:
    return [(r.row, r.column, r.value, r.code) for r in exc.rows]


def test_parse_a_good_file() -> None:
    years = parse_office_calendar(("\ufeff" + GOOD).encode("utf-8"), "2027.csv")
    assert years == [
        YearDays(
            2027,
            frozenset({d("2027-01-01"), d("2027-02-05"), d("2027-02-08")}),
            frozenset({d("2027-01-09"), d("2027-02-20")}),
        ),
        YearDays(
            2028,
            frozenset({d("2028-01-03")}),
            frozenset({d("2028-01-08"), d("2028-01-09")}),
        ),
    ]
    assert parse_office_calendar(GOOD.encode("utf-8"), "2027.csv") == years  # no BOM


def test_parse_gb18030() -> None:
    text = "类型,日期\r\n休,2027年1月1日\r\n班,2027年1月9日\r\n"
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert parse_office_calendar(data, "gbk.csv") == [OFFICE_2027]


def test_parse_english_headers_and_tabs() -> None:
    data = b" Date \t KIND \n2027-01-01\toff\n2027-01-09\tworkday\n"
    assert parse_office_calendar(data, "tabs.tsv") == [OFFICE_2027]


def test_parsed_years_feed_the_calendar() -> None:
    data = "日期,类型\n2027-01-01,休\n2027-01-09,班\n".encode()
    calendar = SHIPPED.with_years(parse_office_calendar(data, "2027.csv"))
    assert calendar.deadline(d("2026-12-20"), 20) == Deadline(d("2027-01-15"), None)


def test_parse_lists_every_bad_row() -> None:
    text = (
        "日期,类型,说明\n"  # row 1
        "2027-01-01,休,元旦\n"  # row 2: fine (Friday)
        "2027-02-30,休,\n"  # row 3: no such day
        "2027/01/09,班\n"  # row 4: fine (Saturday)
        "2027-01-02,休\n"  # row 5: a Saturday as a holiday
        "2027-01-04,班\n"  # row 6: a Monday as a make-up day
        "2027年1月1日,休\n"  # row 7: the date of row 2 again
        "2027-02-11,放假\n"  # row 8: unknown kind
        "\n"  # row 9: blank, skipped
        "not a date,?\n"  # row 10: both cells bad
        "2027-02-12,\n"  # row 11: empty kind
        "2027-02-15\n"  # row 12: no kind cell at all
        "27-02-16,休\n"  # row 13: two-digit year
    )
    with pytest.raises(InputError) as caught:
        parse_office_calendar(text.encode("utf-8"), "office.csv")
    exc = caught.value
    assert exc.code == "calendar.bad_rows"
    assert _cells(exc) == [
        (3, "日期", "2027-02-30", "calendar.bad_date"),
        (5, "日期", "2027-01-02", "calendar.holiday_on_weekend"),
        (6, "日期", "2027-01-04", "calendar.workday_on_weekday"),
        (7, "日期", "2027年1月1日", "calendar.duplicate_date"),
        (8, "类型", "放假", "calendar.bad_kind"),
        (10, "日期", "not a date", "calendar.bad_date"),
        (10, "类型", "?", "calendar.bad_kind"),
        (11, "类型", "", "calendar.bad_kind"),
        (12, "类型", "", "calendar.bad_kind"),
        (13, "日期", "27-02-16", "calendar.bad_date"),
    ]
    assert exc.params == {"file": "office.csv", "count": 10}
    assert all(r.file == "office.csv" and r.params == {} for r in exc.rows)
    assert exc.rows[0] == RowError("office.csv", 3, "日期", "2027-02-30", "calendar.bad_date", {})
    assert exc.exit_code == 1


@pytest.mark.parametrize(
    "data",
    [b"", "\ufeff".encode(), "日期,类型\n".encode(), "日期,类型\n\n , \n".encode()],
)
def test_parse_no_rows(data: bytes) -> None:
    with pytest.raises(InputError) as caught:
        parse_office_calendar(data, "empty.csv")
    assert caught.value.code == "calendar.no_rows"
    assert caught.value.params == {"file": "empty.csv"}


@pytest.mark.parametrize(
    ("header", "missing"),
    [("日期,说明", "类型/kind"), ("day,kind", "日期/date"), ("a,b", "日期/date, 类型/kind")],
)
def test_parse_missing_columns(header: str, missing: str) -> None:
    data = f"{header}\n2027-01-01,休\n".encode()
    with pytest.raises(InputError) as caught:
        parse_office_calendar(data, "cols.csv")
    assert caught.value.code == "calendar.missing_columns"
    assert caught.value.params == {"file": "cols.csv", "columns": missing}


def test_parse_bad_encoding() -> None:
    data = "日期,类型\n".encode() + b"2027-01-01,\xff\xff\n"
    with pytest.raises(InputError) as caught:
        parse_office_calendar(data, "bin.csv")
    assert caught.value.code == "calendar.bad_encoding"
    assert caught.value.params["file"] == "bin.csv"


# --- messages -----------------------------------------------------------------------------------


def test_every_code_has_a_message() -> None:
    codes = [
        "calendar.bad_date",
        "calendar.bad_kind",
        "calendar.holiday_on_weekend",
        "calendar.workday_on_weekday",
        "calendar.duplicate_date",
        "calendar.bad_rows",
        "calendar.no_rows",
        "calendar.missing_columns",
        "calendar.bad_encoding",
        "calendar.unknown_year",
        "calendar.help",
        "calendar.import.help",
        "calendar.show.help",
    ]
    assert [c for c in codes if c not in MESSAGES] == []
    zh = render("calendar.unknown_year", "zh", year=2027)
    assert "2027" in zh and "待定" in zh and "国务院办公厅关于2027年部分节假日安排的通知" in zh
    assert "randcheck calendar import" in zh
    en = render("calendar.unknown_year", "en", year=2027)
    assert "2027" in en and "unknown" in en and "randcheck calendar import FILE" in en
    assert render("calendar.bad_rows", "en", file="a.csv", count=3) == (
        "holiday arrangement file a.csv has 3 bad values; nothing was changed"
    )
