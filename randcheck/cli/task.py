"""``randcheck task``: create, list, show, check and announce inspection tasks.

Exit codes: 0 done; 1 bad definition or failed feasibility check; 2 usage;
3 could not run (no workspace, unknown task, no key, wrong passphrase).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from randcheck.catalog import render
from randcheck.cli._console import H, err, out, print_json
from randcheck.cli._context import get
from randcheck.cli._lazy import lazy
from randcheck.core.canonical import parse
from randcheck.errors import EXIT_NO, ConflictError
from randcheck.workspace import DEFAULT_KEY

if TYPE_CHECKING:
    import sqlmodel

    from randcheck.services import keys as keys_svc
    from randcheck.services import notice, tasklist
    from randcheck.services import tasks as svc
else:
    sqlmodel = lazy("sqlmodel")
    keys_svc = lazy("randcheck.services.keys")
    notice = lazy("randcheck.services.notice")
    svc = lazy("randcheck.services.tasks")
    tasklist = lazy("randcheck.services.tasklist")

task_app = typer.Typer(help=H("task.help"), no_args_is_help=True, rich_markup_mode=None)
JSON_OPT = Annotated[bool, typer.Option("--json", help=H("opt.json"))]


@task_app.command("create", help=H("task.create.help"))
def create_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=H("task.arg.file"))],
    replace: Annotated[bool, typer.Option("--replace", help=H("task.opt.replace"))] = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    defs = svc.create_tasks(ws, app.engine(), file, app.actor, replace=replace)
    err.print(escape(app.t("task.created", tasks=", ".join(d.id for d in defs))))


@task_app.command("list", help=H("task.list.help"))
def list_cmd(ctx: typer.Context, as_json: JSON_OPT = False) -> None:
    app = get(ctx)
    app.workspace.require()
    rows = tasklist.list_tasks(app.engine())  # not svc: listing needs none of its imports
    if as_json:
        print_json(
            [
                {"id": r.id, "title": r.title, "status": r.status, "created_at": r.created_at}
                for r in rows
            ]
        )
        return
    table = Table()
    for col in ("id", "title", "status", "created"):
        table.add_column(app.t(f"task.col.{col}"))
    for r in rows:
        table.add_row(r.id, escape(r.title), app.t(f"task.status.{r.status}"), r.created_at)
    out.print(table)


@task_app.command("show", help=H("task.show.help"))
def show_cmd(ctx: typer.Context, task: str, as_json: JSON_OPT = False) -> None:
    app = get(ctx)
    app.workspace.require()
    with sqlmodel.Session(app.engine()) as session:
        row, _ = svc.get_task(session, task)
    definition = parse(row.definition.encode("utf-8"))
    doc: dict[str, Any] = {
        "id": row.id,
        "status": row.status,
        "created_at": row.created_at,
        "definition": definition,
    }
    if as_json:
        print_json(doc)
        return
    table = Table(show_header=False)
    table.add_column()
    table.add_column()
    table.add_row(app.t("task.col.id"), row.id)
    table.add_row(app.t("task.col.title"), escape(row.title))
    table.add_row(app.t("task.col.status"), app.t(f"task.status.{row.status}"))
    table.add_row(app.t("task.col.created"), row.created_at)
    shown = _for_show(definition)
    for key in (
        "spec",
        "items",
        "departments",
        "mode",
        "filters",
        "exclusions",
        "strata",
        "teams",
        "entropy",
        "witnesses",
        "planned_draw_at",
        "ordering",
    ):
        if key in shown:
            table.add_row(key, escape(_short(shown[key])))
    out.print(table)


def _for_show(definition: dict[str, Any]) -> dict[str, Any]:
    """What ``task show`` lists: v1's ``spec`` named too; a v2 task's drand source without
    v1's ``round`` and ``delay`` (the commitment fixes the round, [ordering] its margin)."""
    shown = {**definition, "spec": definition.get("spec", "v1")}
    entropy = shown.get("entropy")
    if (
        shown["spec"] == "v2"
        and isinstance(entropy, dict)
        and isinstance(entropy.get("drand"), dict)
    ):
        drand = {k: v for k, v in entropy["drand"].items() if k not in ("round", "delay")}
        shown["entropy"] = {**entropy, "drand": drand}
    return shown


def _short(value: Any) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _findings_table(lang: str, report: svc.CheckReport) -> Table:
    table = Table()
    table.add_column(render("task.col.level", lang))
    # long Chinese findings have no spaces to wrap at: fold them instead of cutting them off
    table.add_column(render("task.col.finding", lang), overflow="fold")
    colours = {"ok": "green", "warn": "yellow", "fail": "bold red"}
    for f in report.checks:
        table.add_row(
            f"[{colours[f.status]}]{render(f'task.level.{f.status}', lang)}[/]",
            escape(render(f.code, lang, **f.params)),
        )
    if report.pool is not None and report.pool.exclusions:
        for reason, n in report.pool.exclusions.items():
            table.add_row(
                render("task.col.reason", lang), f"{render(f'exclusion.{reason}', lang)}: {n}"
            )
    return table


@task_app.command("check", help=H("task.check.help"))
def check_cmd(ctx: typer.Context, task: str, as_json: JSON_OPT = False) -> None:
    app = get(ctx)
    app.workspace.require()
    with sqlmodel.Session(app.engine()) as session:
        report = svc.check_task(session, task)
    if as_json:
        print_json(
            {
                "task": task,
                "status": report.status,
                "ok": report.ok,
                "findings": [
                    {
                        "name": f.name,
                        "level": f.status,
                        "code": f.code,
                        "params": dict(f.params),
                        "text": render(f.code, app.lang, **f.params),
                    }
                    for f in report.checks
                ],
                "pool": report.pool.sizes() if report.pool else {},
                "exclusions": report.pool.exclusions if report.pool else {},
                "sample_sizes": report.sample_sizes,
            }
        )
    else:
        out.print(_findings_table(app.lang, report))
        if not report.ok:
            key = "task.check_bad"
        elif report.status != "created":  # announced or drawn: never "can be announced"
            key = f"task.check_{report.status}"
        else:
            key = "task.check_ok"
        err.print(escape(app.t(key, task=task)))
    if not report.ok:
        raise typer.Exit(EXIT_NO)


@task_app.command("announce", help=H("task.announce.help"))
def announce_cmd(
    ctx: typer.Context,
    task: str,
    key: Annotated[str, typer.Option("--key", help=H("task.opt.key"))] = DEFAULT_KEY,
    as_json: JSON_OPT = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    engine = app.engine()
    with sqlmodel.Session(engine) as session:
        report = svc.check_task(session, task)
    if report.status != "created":  # before asking for a passphrase
        raise ConflictError("task.already_announced", task=task)
    if not report.ok:
        out.print(_findings_table(app.lang, report))
        err.print(escape(app.t("task.check_bad", task=task)))
        raise typer.Exit(EXIT_NO)
    from randcheck.cli.keys import unlock  # here: its key-file code loads cryptography

    private = unlock(ws, key, app.t("task.passphrase", name=key))
    result = svc.announce(ws, engine, task, private, app.actor, checked=report)
    if as_json:
        print_json(
            {
                "task": result.task_id,
                "announcement": result.digest,
                "announced_at": result.announced_at,
                "strata": result.strata,
                "sample_sizes": result.sample_sizes,
                "exclusions": result.exclusions,
                "drand_round": result.drand_round,
                "drand_time": result.drand_time,
                "drand_time_beijing": result.drand_time_beijing,
                "log_seq": result.log_seq,
                "notice": str(result.notice) if result.notice else None,
                "notice_error": result.notice_error,
            }
        )
        return
    table = Table()
    for col in ("stratum", "pool", "sample"):
        table.add_column(app.t(f"task.col.{col}"))
    for sid, n in result.strata.items():
        table.add_row(sid, str(n), str(result.sample_sizes.get(sid, 0)))
    out.print(table)
    if result.exclusions:
        ex = Table()
        ex.add_column(app.t("task.col.reason"))
        ex.add_column(app.t("task.col.count"))
        for reason, n in result.exclusions.items():
            ex.add_row(app.t(f"exclusion.{reason}"), str(n))
        out.print(ex)
    err.print(escape(app.t("task.announced", task=task, digest=result.digest)))
    if result.drand_round is not None:
        err.print(
            escape(
                app.t(
                    "task.drand_at",
                    round=result.drand_round,
                    time=result.drand_time,
                    beijing=result.drand_time_beijing,
                )
            )
        )
    if result.notice is not None:
        err.print(escape(app.t("task.notice_written", path=str(result.notice))))
    if result.notice_error is not None:
        err.print(escape(app.t("task.notice_failed", task=task, reason=result.notice_error)))


@task_app.command("notice", help=H("task.notice.help"))
def notice_cmd(ctx: typer.Context, task: str) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    path = notice.write_notice(ws, app.engine(), task)
    err.print(escape(app.t("task.notice_written", path=str(path))))


def register(app: typer.Typer) -> None:
    app.add_typer(task_app, name="task")
