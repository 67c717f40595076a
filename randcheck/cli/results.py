"""``randcheck results`` (template, import, due, publish, export), ``randcheck history import``
and ``randcheck calendar`` (import, show): the 一公开 half of the cycle.

Exit codes: 0 done; 1 bad rows, refused, or (``results due``) something is overdue; 3 could
not run (no workspace, no record, no key).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from randcheck.catalog import LANGS, normalise_lang
from randcheck.cli._console import H, err, out, print_json
from randcheck.cli._context import get
from randcheck.cli._dates import day_option
from randcheck.cli._lazy import lazy
from randcheck.cli.keys import unlock
from randcheck.errors import UsageError
from randcheck.io.atomic import atomic_write
from randcheck.workspace import DEFAULT_KEY

if TYPE_CHECKING:
    from randcheck.services import keys as keys_svc
    from randcheck.services.results import clock, entry, export, historyimport, publication
else:
    keys_svc = lazy("randcheck.services.keys")
    clock = lazy("randcheck.services.results.clock")
    entry = lazy("randcheck.services.results.entry")
    export = lazy("randcheck.services.results.export")
    historyimport = lazy("randcheck.services.results.historyimport")
    publication = lazy("randcheck.services.results.publication")

results_app = typer.Typer(help=H("results.help"), no_args_is_help=True, rich_markup_mode=None)
history_app = typer.Typer(help=H("history.help"), no_args_is_help=True, rich_markup_mode=None)
calendar_app = typer.Typer(help=H("calendar.help"), no_args_is_help=True, rich_markup_mode=None)

JSON_OPT = Annotated[bool, typer.Option("--json", help=H("opt.json"))]


@results_app.command("template", help=H("results.template.help"))
def template_cmd(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help=H("results.arg.task"))],
    out_file: Annotated[Path | None, typer.Option("--out", help=H("results.opt.out"))] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help=H("results.opt.csv"))] = False,
    lang: Annotated[str | None, typer.Option("--lang", help=H("results.opt.template_lang"))] = None,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    use = normalise_lang(lang) if lang else app.lang
    if lang and lang.strip().lower()[:2] not in LANGS:
        raise UsageError("error.bad_lang", lang=lang)
    fmt = (
        "csv" if as_csv or (out_file is not None and out_file.suffix.lower() == ".csv") else "xlsx"
    )
    data = entry.template(app.engine(), ws, task, use, fmt)
    path = out_file or Path.cwd() / f"{task}-检查结果.{fmt}"
    atomic_write(path, data)
    err.print(escape(app.t("results.template.done", path=str(path))))


@results_app.command("import", help=H("results.import.help"))
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=H("results.arg.file"))],
    correct: Annotated[bool, typer.Option("--correct", help=H("results.opt.correct"))] = False,
    reason: Annotated[str | None, typer.Option("--reason", help=H("results.opt.reason"))] = None,
    as_json: JSON_OPT = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    summary = entry.import_results(
        ws, app.engine(), file, actor=app.actor, correct=correct, reason=reason
    )
    if as_json:
        print_json(summary.to_json())
        return
    err.print(
        escape(
            app.t(
                "results.import.done",
                file=summary.file,
                added=summary.added,
                changed=summary.changed,
                corrected=summary.corrected,
                unchanged=summary.unchanged,
                blank=summary.blank,
            )
        )
    )
    if summary.added or summary.changed or summary.corrected:
        for task in summary.tasks:
            err.print(escape(app.t("results.next.publish", task=task)))


@results_app.command("due", help=H("results.due.help"))
def due_cmd(
    ctx: typer.Context,
    task: Annotated[str | None, typer.Argument(help=H("results.arg.task_opt"))] = None,
    on: Annotated[str | None, typer.Option("--on", help=H("results.opt.on"))] = None,
    strict: Annotated[bool, typer.Option("--strict", help=H("results.opt.strict"))] = False,
    as_json: JSON_OPT = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    day = day_option(on, "results.bad_on")
    rows = clock.due(ws, app.engine(), task, day)
    overdue = sum(1 for r in rows if r.status == clock.OVERDUE)
    unknown = sum(1 for r in rows if r.status == clock.UNKNOWN)
    missing = clock.missing_years(rows)
    if as_json:
        print_json(
            {
                "on": day.isoformat(),
                "rows": [r.to_json() for r in rows],
                "overdue": overdue,
                "unknown": unknown,
                "missing_years": missing,
            }
        )
    else:
        table = Table()
        for c in ("task", "code", "name", "item", "formed", "deadline", "published", "status"):
            table.add_column(app.t(f"results.col.{c}"))
        for r in rows:
            status = app.t(f"results.status.{r.status}")
            if r.late:
                status += app.t("results.status.late_suffix")
            if r.correction_pending:
                status += app.t("results.status.correction_suffix")
            table.add_row(
                escape(r.task_id),
                r.target,
                escape(r.name),
                escape(r.item),
                r.formed or "",
                r.deadline or (app.t("results.status.unknown") if r.missing_year else ""),
                r.published_on or "",
                status,
            )
        out.print(table)
        counts = {s: sum(1 for r in rows if r.status == s) for s in clock.STATUSES}
        err.print(escape(app.t("results.due.summary", on=day.isoformat(), **counts)))
    for year in missing:
        err.print(escape(app.t("calendar.unknown_year", year=year)))
    if overdue or (strict and unknown):
        raise typer.Exit(1)


@results_app.command("publish", help=H("results.publish.help"))
def publish_cmd(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help=H("results.arg.task"))],
    key_name: Annotated[str, typer.Option("--key", help=H("publish.opt.key"))] = DEFAULT_KEY,
    as_json: JSON_OPT = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    engine = app.engine()
    key = unlock(ws, key_name, app.t("keys.prompt.unlock", name=key_name))
    done = publication.publish(ws, engine, task, key, actor=app.actor)
    if as_json:
        print_json(done.to_json())
        return
    err.print(
        escape(
            app.t(
                "results.publish.done",
                task=task,
                seq=done.seq,
                count=done.count,
                corrections=done.corrections,
                digest=done.digest,
            )
        )
    )
    if done.late:
        err.print(escape(app.t("results.publish.late", count=done.late)))
    err.print(escape(app.t("results.next.bundle", task=task)))


@results_app.command("export", help=H("results.export.help"))
def export_cmd(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help=H("results.arg.task"))],
    fmt: Annotated[str, typer.Option("--format", help=H("results.opt.format"))] = "gsxt",
    out_file: Annotated[Path | None, typer.Option("--out", help=H("results.opt.out"))] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help=H("results.opt.csv"))] = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    if fmt != "gsxt":
        raise UsageError("results.bad_format", value=fmt, formats="gsxt")
    kind = (
        "csv" if as_csv or (out_file is not None and out_file.suffix.lower() == ".csv") else "xlsx"
    )
    data, count = export.gsxt(ws, app.engine(), task, kind)
    path = out_file or Path.cwd() / f"{task}-gsxt.{kind}"
    atomic_write(path, data)
    err.print(escape(app.t("results.export.done", path=str(path), count=count)))


@history_app.command("import", help=H("history.import.help"))
def history_import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=H("results.arg.file"))],
    as_json: JSON_OPT = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    done = historyimport.import_history(ws, app.engine(), file, actor=app.actor)
    if as_json:
        print_json(done.to_json())
        return
    err.print(
        escape(
            app.t("history.import.done", file=done.file, added=done.added, unchanged=done.unchanged)
        )
    )


@calendar_app.command("import", help=H("calendar.import.help"))
def calendar_import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=H("results.arg.file"))],
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    years, days, shipped = clock.import_calendar(ws, app.engine(), file, actor=app.actor)
    err.print(escape(app.t("calendar.import.done", years="、".join(map(str, years)), days=days)))
    for year in shipped:
        err.print(escape(app.t("calendar.import.replaced_shipped", year=year)))


@calendar_app.command("show", help=H("calendar.show.help"))
def calendar_show_cmd(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Argument(help=H("calendar.arg.year"))] = None,
    as_json: JSON_OPT = False,
) -> None:
    app = get(ctx)
    app.workspace.require()
    info = clock.describe(app.engine(), year)
    if as_json:
        print_json(info)
        return
    err.print(
        escape(
            app.t(
                "calendar.show.known",
                first=info["shipped"][0],
                last=info["shipped"][-1],
                office="、".join(map(str, info["office"])) or "-",
            )
        )
    )
    if year is not None:
        if not info["known"]:
            err.print(escape(app.t("calendar.unknown_year", year=year)))
            raise typer.Exit(1)
        table = Table()
        table.add_column(app.t("calendar.col.day"))
        table.add_column(app.t("calendar.col.kind"))
        for d in info["days"]:
            table.add_row(
                d["day"],
                app.t("calendar.kind.workday" if d["workday"] else "calendar.kind.holiday"),
            )
        out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(results_app, name="results")
    app.add_typer(history_app, name="history")
    app.add_typer(calendar_app, name="calendar")
