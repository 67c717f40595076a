"""``randcheck stats``: the year's statistics (docs/STATS.md), as tables or ``--json``.

Exit codes: 0 done; 2 bad --year/--as-of/--cap (or a bad ``[defaults] annual_cap``); 3 could
not run (no workspace, no database).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from randcheck.cli._console import H, out, print_json
from randcheck.cli._context import AppContext, get
from randcheck.cli._dates import day_option
from randcheck.cli._lazy import lazy
from randcheck.errors import UsageError

if TYPE_CHECKING:
    from randcheck.services import stats as stats_svc
else:
    stats_svc = lazy("randcheck.services.stats")


def register(app: typer.Typer) -> None:
    app.command("stats", help=H("stats.help"))(stats_cmd)


def stats_cmd(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help=H("stats.opt.year"))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
    cap: Annotated[int | None, typer.Option("--cap", help=H("stats.opt.cap"))] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=H("stats.opt.as_of"))] = None,
) -> None:
    app = get(ctx)
    if year is not None and not 1 <= year <= 9999:
        raise UsageError("stats.bad_year", value=str(year))
    if cap is not None and not 1 <= cap <= 366:
        raise UsageError("stats.bad_cap", value=str(cap))
    day = day_option(as_of, "stats.bad_as_of")
    ws = app.workspace.require()
    result = stats_svc.compute(ws, app.engine(), year, day, cap)
    data = result.to_json()
    if as_json:
        print_json(data)
        return
    _render(app, data)


def _table(app: AppContext, title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=escape(title), title_justify="left")
    for c in columns:
        table.add_column(app.t(f"stats.col.{c}"))
    for row in rows:
        table.add_row(*(escape(str(v)) if v is not None else app.t("stats.na") for v in row))
    out.print(table)
    if not rows:
        out.print(app.t("stats.none"))


def _render(app: AppContext, data: dict[str, Any]) -> None:
    out.print(escape(app.t("stats.title", year=data["year"], as_of=data["as_of"])))
    cov = data["coverage"]
    cols = ["key", "label", "drawn", "pool", "ratio"]
    for part in ("items", "departments", "strata"):
        rows = [[r[c] for c in cols] for r in cov[part]]
        _table(app, app.t(f"stats.section.{part}"), cols, rows)
    work = data["workload"]
    cols = ["badge_no", "name", "department", "targets", "tasks"]
    _table(
        app,
        app.t("stats.section.workload"),
        ["badge", "name", "department", "targets", "tasks"],
        [[r[c] for c in cols] for r in work["inspectors"]],
    )
    na = app.t("stats.na")
    summary = {k: na if work[k] is None else work[k] for k in ("mean", "max", "min", "spread",
                                                               "balance")}  # fmt: skip
    out.print(escape(app.t("stats.workload.summary", count=work["count"], **summary)))
    _table(
        app,
        app.t("stats.section.terms"),
        ["term", "count"],
        [[t["term"], t["count"]] for t in data["terms"]],
    )
    pub = data["publication"]
    cols = ["task", "entity_code", "entity_name", "item", "deadline", "days"]
    _table(
        app,
        app.t("stats.section.overdue"),
        ["task", "code", "entity_name", "item", "deadline", "days"],
        [[r[c] for c in cols] for r in pub["overdue_list"]],
    )
    counts = {k: pub[k] for k in ("on_time", "late", "overdue", "pending", "unknown")}
    out.print(escape(app.t("stats.publication.summary", rate=pub["rate"] or na, **counts)))
    if data["cap"] is None:
        title = app.t("stats.section.repeated_no_cap")
    else:
        title = app.t("stats.section.repeated", cap=data["cap"])
    cols = ["code", "name", "count", "random", "non_random"]
    _table(
        app,
        title,
        ["code", "entity_name", "count", "random", "non_random", "departments"],
        [[*(r[c] for c in cols), "、".join(r["departments"])] for r in data["repeated"]],
    )
