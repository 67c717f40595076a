"""The publication clock: a result formed on its 检查完成日期 must be public within N working
days (20 by default, the day of formation not counted), on China's calendar of statutory
holidays and 调休 make-up days — the shipped years plus the years the office entered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from randcheck.core.workdays import Calendar, YearDays, parse_office_calendar
from randcheck.errors import NotFoundError, UsageError
from randcheck.services.audit import AuditLog
from randcheck.services.results.context import drawn_tasks, load
from randcheck.store.raw import raw_rows
from randcheck.store.result_models import CalendarDay, ResultRow
from randcheck.workspace import Workspace

DEFAULT_DAYS = 20

# statuses of one target × item (the words are catalog keys ``results.status.<status>``)
TO_ENTER = "to_enter"  # 待录入
TO_PUBLISH = "to_publish"  # 待公示
PUBLISHED = "published"  # 已公示
OVERDUE = "overdue"  # 逾期: not public and its deadline has passed
UNKNOWN = "unknown"  # 待定: the deadline falls in a year the calendar does not know
STATUSES = (TO_ENTER, TO_PUBLISH, PUBLISHED, OVERDUE, UNKNOWN)


def calendar(session: Session) -> Calendar:
    """The shipped calendar with the office's own years on top (they take precedence)."""
    years: dict[int, tuple[set[date], set[date]]] = {}
    for day, year, workday in session.exec(
        select(CalendarDay.day, CalendarDay.year, CalendarDay.workday)
    ).all():
        off, on = years.setdefault(int(year), (set(), set()))
        (on if workday else off).add(date.fromisoformat(day))
    extra = [YearDays(y, frozenset(off), frozenset(on)) for y, (off, on) in sorted(years.items())]
    return Calendar.shipped().with_years(extra)


def office_years(session: Session) -> list[int]:
    return sorted({int(y) for y in session.exec(select(CalendarDay.year)).all()})


def import_calendar(
    ws: Workspace, engine: Engine, path: Path, actor: str
) -> tuple[list[int], int, list[int]]:
    """Enter the office's arrangement of the years in ``path`` (each year replaced whole).

    Returns the years, the number of days entered, and the years it overrides in the shipped
    calendar (worth a warning: a State Council notice can set make-up days in the December
    before its year, and a file holding only those would replace that whole shipped year).
    """
    if not path.is_file():
        raise NotFoundError("io.file_missing", path=str(path))
    years = parse_office_calendar(path.read_bytes(), path.name)
    with AuditLog(ws, engine).transaction(actor) as tx:
        s = tx.session
        numbers = [y.year for y in years]
        s.execute(delete(CalendarDay).where(col(CalendarDay.year).in_(numbers)))
        days = 0
        for y in years:
            for d in sorted(y.holidays | y.workdays):
                s.add(CalendarDay(day=d.isoformat(), year=y.year, workday=d in y.workdays))
                days += 1
        s.flush()
        tx.record(
            "calendar.import",
            {
                "file": path.name,
                "years": {
                    str(y.year): {
                        "holidays": sorted(d.isoformat() for d in y.holidays),
                        "workdays": sorted(d.isoformat() for d in y.workdays),
                    }
                    for y in years
                },
            },
        )
    shipped = Calendar.shipped()
    return numbers, days, [y for y in numbers if shipped.knows(y)]


def describe(engine: Engine, year: int | None) -> dict[str, Any]:
    """The calendar's years and, for ``year``, its holidays and make-up working days."""
    with Session(engine) as s:
        cal = calendar(s)
        office = office_years(s)
    shipped = list(Calendar.shipped().years)
    info: dict[str, Any] = {"shipped": shipped, "office": office, "years": list(cal.years)}
    if year is not None:
        info["year"] = year
        info["known"] = cal.knows(year)
        days = []
        if cal.knows(year):
            d = date(year, 1, 1)
            while d.year == year:
                weekend = d.weekday() >= 5
                if cal.is_workday(d) == weekend:  # differs from a plain week
                    days.append({"day": d.isoformat(), "workday": weekend})
                d = date.fromordinal(d.toordinal() + 1)
        info["days"] = days
    return info


def period_days(ws: Workspace, item: str) -> int:
    """The working days to publish a result of ``item``: ``[results] days`` (default 20),
    or ``[results.item_days] <item> = N`` for items whose rules set a shorter period."""
    section: Any = ws.config().get("results", {})
    per_item: Any = section.get("item_days", {}) if isinstance(section, Mapping) else None
    if not isinstance(per_item, Mapping):  # `results = 5` or `item_days = 10`: not tables
        raise UsageError("results.bad_days", item=item, value=str(section))
    value: Any = per_item.get(item, section.get("days", DEFAULT_DAYS))
    if type(value) is not int or not 1 <= value <= 365:
        raise UsageError("results.bad_days", item=item, value=str(value))
    return value


@dataclass(frozen=True)
class Due:
    """One target × item on the clock."""

    task_id: str
    target: str
    name: str
    item: str
    status: str
    formed: str | None
    deadline: str | None
    missing_year: int | None
    published_on: str | None
    late: bool  # first published after its deadline
    correction_pending: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "task": self.task_id,
            "target": self.target,
            "name": self.name,
            "item": self.item,
            "status": self.status,
            "formed": self.formed,
            "deadline": self.deadline,
            "missing_year": self.missing_year,
            "published_on": self.published_on,
            "late": self.late,
            "correction_pending": self.correction_pending,
        }


#: a deadline counted once per (formation day, period): its date, as text, a missing year
Known = tuple[date | None, str | None, int | None]


def due(
    ws: Workspace,
    engine: Engine,
    task_id: str | None,
    on: date,
    *,
    among: Sequence[str] | None = None,
) -> list[Due]:
    """Every target × item of every drawn task (or of ``task_id``, or of the tasks ``among``:
    one read of the calendar for them all) with its status on ``on``."""
    out: list[Due] = []
    with Session(engine) as s:
        cal = calendar(s)
        if among is not None:
            tasks = list(among)
        else:
            tasks = drawn_tasks(s) if task_id is None else [task_id]
        days: dict[str, int] = {}
        deadlines: dict[tuple[str, int], Known] = {}
        for t in tasks:
            ctx = load(s, t)
            # only the results of the current official record: after a redraw, what was
            # entered for the superseded one says nothing about the new record's clock
            c = ResultRow.__table__.c  # type: ignore[attr-defined]
            query = sa_select(
                c.entity_code, c.item_code, c.completed_on, c.first_published_on, c.pending
            ).where(c.task_id == t, c.record_digest == ctx.record.digest)
            # driver rows, not ORM rows: 100,000 of them cost 0.4 s more through the ORM
            rows = {(r[0], r[1]): r[2:] for r in raw_rows(s.connection(), query)}
            for code in ctx.targets:
                for item in ctx.items:
                    if item not in days:
                        days[item] = period_days(ws, item)
                    out.append(
                        _status(
                            t,
                            code,
                            ctx.names.get(code, ""),
                            item,
                            rows.get((code, item)),
                            cal,
                            days[item],
                            on,
                            deadlines,
                        )
                    )
    return out


def _status(
    task: str,
    code: str,
    name: str,
    item: str,
    row: Any,  # a result's (completed_on, first_published_on, pending), or None
    cal: Calendar,
    days: int,
    on: date,
    deadlines: dict[tuple[str, int], Known],
) -> Due:
    if row is None:
        return Due(task, code, name, item, TO_ENTER, None, None, None, None, False, False)
    completed_on, first, pending_flag = row
    known = deadlines.get((completed_on, days))
    if known is None:  # one count per formation day and period, not one per result
        dl = cal.deadline(date.fromisoformat(completed_on), days)
        known = deadlines[(completed_on, days)] = (
            dl.due,
            dl.due.isoformat() if dl.due else None,
            dl.missing_year,
        )
    due_on, deadline, missing_year = known
    late = first is not None and deadline is not None and first > deadline
    if first is not None:
        status = PUBLISHED
    elif due_on is None:
        status = UNKNOWN
    elif on > due_on:
        status = OVERDUE
    else:
        status = TO_PUBLISH
    pending = first is not None and bool(pending_flag)
    return Due(
        task,
        code,
        name,
        item,
        status,
        completed_on,
        deadline,
        missing_year,
        first,
        late,
        pending,
    )


def missing_years(rows: Sequence[Due]) -> list[int]:
    return sorted({r.missing_year for r in rows if r.missing_year is not None})
