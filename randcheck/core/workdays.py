"""Working days (工作日) for deadlines: China's statutory holidays and 调休 make-up days.

A deadline of N working days after a date D is the N-th working day strictly after D: the day
of formation is not counted (民法典 第二百零一条).  A day is a working day when it is Monday to
Friday and not a holiday, or a Saturday or Sunday named as a make-up working day (补班).

The calendar knows whole years only.  The shipped years come from the ``chinesecalendar``
package (every year its data covers, 2004–2026 in 1.11.0); an office may add or correct years
with its own file.  A year the calendar does not know is never guessed: a deadline whose count
needs a day of such a year comes back as ``Deadline(due=None, missing_year=year)``.

Office calendar file (``parse_office_calendar``)
-----------------------------------------------
CSV, UTF-8 (with or without BOM) or GB18030 (GBK), comma-separated (tab-separated if the
header row has a tab and no comma).  The first row is a header naming at least two columns
(case and surrounding spaces do not matter; other columns, e.g. a note, are ignored):

* ``日期`` or ``date``: ``YYYY-MM-DD``, ``YYYY/MM/DD`` or ``YYYY年M月D日`` (month and day may
  have one or two digits);
* ``类型`` or ``kind``: ``休``, ``休息``, ``假``, ``holiday`` or ``off`` for a day off on a
  weekday; ``班``, ``上班``, ``补班``, ``workday`` or ``work`` for a make-up working day on a
  Saturday or Sunday.

Example (国务院办公厅关于2026年部分节假日安排的通知, 国庆节 and 中秋节)::

    日期,类型,说明
    2026-09-20,班,国庆节调休
    2026-09-25,休,中秋节
    2026-10-01,休,国庆节
    ...
    2026-10-10,班,国庆节调休

Only days that differ from the plain weekday/weekend rule are listed; weekend days inside a
holiday period may be left out (listing them is an error, see below).  A year is in the file
when at least one row names it, and every year in the file is taken as complete: the file
declares that year's whole arrangement, replacing any shipped data for it.  Blank lines are
skipped.  Rows are numbered as a spreadsheet shows them: the header is row 1, the first data
row is row 2.

Every bad row is reported at once (``InputError("calendar.bad_rows", rows=[...])``): a date
that cannot be read (``calendar.bad_date``), an unknown kind (``calendar.bad_kind``), a holiday
on a Saturday or Sunday (``calendar.holiday_on_weekend``) or a make-up working day on a weekday
(``calendar.workday_on_weekday``) — these change nothing and suggest a typo — and the same
date twice (``calendar.duplicate_date``, on the later row).

This module is pure: it reads no files and imports no CLI, console or database library.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from randcheck.errors import InputError, RowError

__all__ = ["Calendar", "Deadline", "YearDays", "parse_office_calendar"]

_SATURDAY = 5  # date.weekday(): Monday 0 … Sunday 6
_MAX_ORDINAL = date.max.toordinal()


def _is_weekend(day: date) -> bool:
    return day.weekday() >= _SATURDAY


def _working_ordinals(arrangement: YearDays) -> list[int]:
    """The ordinals (``date.toordinal()``) of the year's working days, ascending."""
    first = date(arrangement.year, 1, 1).toordinal()
    last = date(arrangement.year, 12, 31).toordinal()
    holidays = {d.toordinal() for d in arrangement.holidays}
    workdays = {d.toordinal() for d in arrangement.workdays}
    # ordinal 1 (0001-01-01) is a Monday, so (ordinal - 1) % 7 is date.weekday()
    return [
        o
        for o in range(first, last + 1)
        if o in workdays or ((o - 1) % 7 < _SATURDAY and o not in holidays)
    ]


@dataclass(frozen=True)
class YearDays:
    """One year's arrangement as an office enters it.

    ``holidays`` are days off that would otherwise be working days (Monday–Friday);
    ``workdays`` are make-up working days that would otherwise be off (Saturday/Sunday).
    Every date must fall in ``year``; a weekend holiday or weekday make-up day is refused
    (``ValueError``), because it would change nothing.
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]

    def __post_init__(self) -> None:
        if not date.min.year <= self.year <= date.max.year:
            raise ValueError(f"year {self.year} is outside {date.min.year}..{date.max.year}")
        for kind, days in (("holiday", self.holidays), ("workday", self.workdays)):
            elsewhere = sorted(d for d in days if d.year != self.year)
            if elsewhere:
                raise ValueError(f"{kind} {elsewhere[0]} is not in year {self.year}")
        weekend_off = sorted(d for d in self.holidays if _is_weekend(d))
        if weekend_off:
            raise ValueError(f"holiday {weekend_off[0]} is a Saturday or Sunday")
        weekday_work = sorted(d for d in self.workdays if not _is_weekend(d))
        if weekday_work:
            raise ValueError(f"make-up workday {weekday_work[0]} is a weekday")


@dataclass(frozen=True)
class Deadline:
    """The due date of a working-day count, or the first year it needed and did not know."""

    due: date | None  # None when the count runs into a year the calendar does not know
    missing_year: int | None  # the first unknown year the count needed, else None


@dataclass(frozen=True)
class _Run:
    """Working days of a run of consecutive known years, ``first``..``last``."""

    first: int
    last: int
    ordinals: tuple[int, ...]


class Calendar:
    """Working days of the years it knows; a year it does not know is never guessed."""

    def __init__(self, years: Mapping[int, YearDays]) -> None:
        for year, days in years.items():
            if year != days.year:
                raise ValueError(f"year {year} is mapped to the arrangement of {days.year}")
        self._years: dict[int, YearDays] = dict(sorted(years.items()))
        self._runs: dict[int, _Run] = {}
        run_years: list[int] = []
        for year in self._years:
            if run_years and year != run_years[-1] + 1:
                self._add_run(run_years)
                run_years = []
            run_years.append(year)
        if run_years:
            self._add_run(run_years)
        self._cached = functools.lru_cache(maxsize=1 << 16)(self._deadline)

    def _add_run(self, run_years: list[int]) -> None:
        ordinals: list[int] = []
        for year in run_years:
            ordinals.extend(_working_ordinals(self._years[year]))
        run = _Run(run_years[0], run_years[-1], tuple(ordinals))
        for year in run_years:
            self._runs[year] = run

    @classmethod
    def shipped(cls) -> Calendar:
        """The calendar of the ``chinesecalendar`` package: every year its data covers."""
        return _shipped()

    def with_years(self, extra: Iterable[YearDays]) -> Calendar:
        """This calendar with ``extra`` years added; an extra year replaces a known one."""
        years = dict(self._years)
        for days in extra:
            years[days.year] = days
        return Calendar(years)

    @property
    def years(self) -> tuple[int, ...]:
        """The known years, ascending."""
        return tuple(self._years)

    def knows(self, year: int) -> bool:
        return year in self._years

    def is_workday(self, day: date) -> bool | None:
        """Whether ``day`` is a working day; None when its year is unknown."""
        arrangement = self._years.get(day.year)
        if arrangement is None:
            return None
        if _is_weekend(day):
            return day in arrangement.workdays
        return day not in arrangement.holidays

    def deadline(self, formed: date, days: int) -> Deadline:
        """The ``days``-th working day strictly after ``formed`` (the formation day not counted).

        ``Deadline(None, year)`` when the count needs a day of a year the calendar does not know.
        """
        if days < 1:
            raise ValueError(f"a deadline needs at least 1 working day, not {days}")
        return self._cached(formed, days)

    def _deadline(self, formed: date, days: int) -> Deadline:
        start = formed.toordinal()  # the formation day is not counted
        if start >= _MAX_ORDINAL:
            return Deadline(None, formed.year + 1)
        first_year = date.fromordinal(start + 1).year  # the year of the first counted day
        run = self._runs.get(first_year)
        if run is None:
            return Deadline(None, first_year)
        index = bisect_right(run.ordinals, start) + days - 1
        if index < len(run.ordinals):
            return Deadline(date.fromordinal(run.ordinals[index]), None)
        return Deadline(None, run.last + 1)

    def __repr__(self) -> str:
        years = self.years
        if not years:
            return "Calendar(no years)"
        return f"Calendar({len(years)} years, {years[0]}–{years[-1]})"


@functools.cache
def _shipped() -> Calendar:
    from chinese_calendar import holidays, workdays  # type: ignore[import-untyped]

    off: dict[date, str] = holidays
    on: dict[date, str] = workdays
    covered = [d.year for d in off] + [d.year for d in on]
    first, last = min(covered), max(covered)
    years = {
        year: YearDays(
            year,
            # the package lists whole holiday periods, weekends included; keep what changes
            frozenset(d for d in off if d.year == year and not _is_weekend(d)),
            frozenset(d for d in on if d.year == year and _is_weekend(d)),
        )
        for year in range(first, last + 1)
    }
    return Calendar(years)


# --- office calendar file ---------------------------------------------------------------------

_DATE_COLUMNS = ("日期", "date")
_KIND_COLUMNS = ("类型", "kind")
_HOLIDAY_WORDS = frozenset({"休", "休息", "假", "holiday", "off"})
_WORKDAY_WORDS = frozenset({"班", "上班", "补班", "workday", "work"})
_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
)


def _decode(data: bytes, name: str) -> str:
    """The text of ``data``: UTF-8 (BOM optional), else GB18030; else an InputError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError("calendar.bad_encoding", file=name, offset=exc.start) from None


def _parse_date(text: str) -> date | None:
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def _parse_kind(text: str) -> bool | None:
    """True for a holiday, False for a make-up working day, None when unknown."""
    word = text.lower()
    if word in _HOLIDAY_WORDS:
        return True
    if word in _WORKDAY_WORDS:
        return False
    return None


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    keys = [cell.strip().lstrip("\ufeff").strip().lower() for cell in header]
    for i, key in enumerate(keys):
        if key in names:
            return i
    return None


def parse_office_calendar(data: bytes, name: str) -> list[YearDays]:
    """The years declared by an office calendar file (format: see the module docstring).

    ``name`` is the file name shown in errors.  Returns one ``YearDays`` per year the file
    names, ascending; raises ``InputError`` listing every bad row, or for a file with no
    data rows, a missing column or an unreadable encoding.
    """
    text = _decode(data, name)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not records or not any(cell.strip() for cell in records[0]):
        raise InputError("calendar.no_rows", file=name)
    header = records[0]
    date_col = _column(header, _DATE_COLUMNS)
    kind_col = _column(header, _KIND_COLUMNS)
    missing = [
        "/".join(names)
        for names, col in ((_DATE_COLUMNS, date_col), (_KIND_COLUMNS, kind_col))
        if col is None
    ]
    if date_col is None or kind_col is None:
        raise InputError("calendar.missing_columns", file=name, columns=", ".join(missing))
    date_name, kind_name = header[date_col].strip(), header[kind_col].strip()

    errors: list[RowError] = []
    seen: set[date] = set()
    holidays: dict[int, set[date]] = {}
    workdays: dict[int, set[date]] = {}
    data_rows = 0

    def bad(row: int, column: str, value: str, code: str) -> None:
        errors.append(RowError(file=name, row=row, column=column, value=value, code=code))

    for row, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        data_rows += 1
        date_text = record[date_col].strip() if date_col < len(record) else ""
        kind_text = record[kind_col].strip() if kind_col < len(record) else ""
        day = _parse_date(date_text)
        is_holiday = _parse_kind(kind_text)
        if day is None:
            bad(row, date_name, date_text, "calendar.bad_date")
        if is_holiday is None:
            bad(row, kind_name, kind_text, "calendar.bad_kind")
        if day is None:
            continue
        if day in seen:
            bad(row, date_name, date_text, "calendar.duplicate_date")
            continue
        seen.add(day)
        if is_holiday is None:
            continue
        if is_holiday and _is_weekend(day):
            bad(row, date_name, date_text, "calendar.holiday_on_weekend")
        elif not is_holiday and not _is_weekend(day):
            bad(row, date_name, date_text, "calendar.workday_on_weekday")
        else:
            (holidays if is_holiday else workdays).setdefault(day.year, set()).add(day)

    if errors:
        raise InputError("calendar.bad_rows", rows=errors, file=name, count=len(errors))
    if data_rows == 0:
        raise InputError("calendar.no_rows", file=name)
    return [
        YearDays(
            year,
            frozenset(holidays.get(year, ())),
            frozenset(workdays.get(year, ())),
        )
        for year in sorted(holidays.keys() | workdays.keys())
    ]
