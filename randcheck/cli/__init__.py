"""The ``randcheck`` command: global options and the command groups.

Each group lives in its own module under ``randcheck/cli/`` and exposes
``register(app: typer.Typer) -> None``; modules listed in ``GROUPS`` are registered in order.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Annotated

import typer

from randcheck import __version__
from randcheck.catalog import LANGS, normalise_lang
from randcheck.cli._console import H, err
from randcheck.cli._context import AppContext, default_actor, get
from randcheck.cli._errors import RandcheckGroup
from randcheck.errors import UsageError
from randcheck.workspace import Workspace, init_workspace

GROUPS = ("registry", "keys", "log", "task", "draw", "results", "publish", "verify", "demo")

app = typer.Typer(
    cls=RandcheckGroup,
    help=H("app.help"),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"randcheck {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", envvar="RANDCHECK_HOME", help=H("opt.workspace")),
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", envvar="RANDCHECK_DATABASE_URL", help=H("opt.db"))
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", envvar="RANDCHECK_LANG", help=H("opt.lang"))
    ] = "zh",
    actor: Annotated[str | None, typer.Option("--actor", help=H("opt.actor"))] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=H("opt.verbose"))] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=H("opt.version")),
    ] = False,
) -> None:
    lang_norm = normalise_lang(lang)
    if lang.strip().lower().split("_")[0].split("-")[0] not in LANGS:
        ctx.obj = AppContext(Workspace(Path.cwd()), None, "zh", "", False)
        raise UsageError("error.bad_lang", lang=lang)
    root_dir = (workspace or Path.cwd()).expanduser().resolve()
    ctx.obj = AppContext(
        workspace=Workspace(root_dir),
        db_url_option=db,
        lang=lang_norm,
        actor=actor or os.environ.get("RANDCHECK_ACTOR") or default_actor(),
        verbose=verbose,
    )


@app.command("init", help=H("init.help"))
def init_cmd(
    ctx: typer.Context,
    bureau: Annotated[
        str, typer.Option("--bureau", help=H("init.opt.bureau"))
    ] = "示例市市场监督管理局",
    region: Annotated[str, typer.Option("--region", help=H("init.opt.region"))] = "320500",
) -> None:
    app_ctx = get(ctx)
    ws, created = init_workspace(app_ctx.workspace.root, bureau, region)
    app_ctx.workspace = ws
    app_ctx.engine()  # creates and migrates the database
    key = "workspace.initialised" if created else "workspace.already"
    err.print(app_ctx.t(key, path=str(ws.root)))


for _name in GROUPS:
    try:
        _module = importlib.import_module(f"randcheck.cli.{_name}")
    except ModuleNotFoundError as _exc:  # a group not built yet
        if _exc.name != f"randcheck.cli.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
