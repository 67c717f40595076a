"""The ``randcheck`` command: global options and the command groups.

Each group lives in its own module under ``randcheck/cli/`` and exposes
``register(app: typer.Typer) -> None``.  ``COMMANDS`` names every top-level command with its
module and help key, so that ``randcheck --help`` and ``--version`` list them without
importing any (a group's module pulls in the database layer, crypto, openpyxl...): a module is
imported only when one of its commands is run or asked for its help.  A new group module must
be added to ``COMMANDS`` (tests/cli/test_root.py fails until it is).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from typer._click import Command, Context, HelpFormatter

from randcheck import __version__
from randcheck.catalog import LANGS, normalise_lang
from randcheck.cli import _clicktext
from randcheck.cli._clicktext import short_help as brief
from randcheck.cli._console import H, err, use_utf8_output
from randcheck.cli._context import AppContext, default_actor, get
from randcheck.cli._errors import RandcheckGroup
from randcheck.errors import UsageError
from randcheck.workspace import Workspace, init_workspace

# top-level command -> (module under randcheck/cli, catalog key of its help), in help order
COMMANDS: dict[str, tuple[str, str]] = {
    "entities": ("registry", "registry.entities.help"),
    "inspectors": ("registry", "registry.inspectors.help"),
    "items": ("registry", "registry.items.help"),
    "conflicts": ("registry", "registry.conflicts.help"),
    "keys": ("keys", "keys.help"),
    "cosign": ("keys", "cosign.command_help"),
    "log": ("log", "log.help"),
    "task": ("task", "task.help"),
    "draw": ("draw", "ceremony.help"),
    "results": ("results", "results.help"),
    "history": ("results", "history.help"),
    "calendar": ("results", "calendar.help"),
    "stats": ("stats", "stats.help"),
    "publish": ("publish", "publish.help"),
    "verify": ("verify", "verify.help"),
    "verifier-page": ("verifierpage", "verifierpage.help"),
    "site": ("site", "site.help"),
    "timestamp": ("timestamp", "timestamp.help"),
    "demo": ("demo", "demo.help"),
}


def load_module_commands(module_name: str) -> dict[str, Command]:
    """The click commands that ``randcheck.cli.<module_name>`` registers, by name."""
    module = importlib.import_module(f"randcheck.cli.{module_name}")
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    module.register(holder)
    return dict(typer.main.get_group(holder).commands)


class LazyRootGroup(RandcheckGroup):
    """The root group: lists ``COMMANDS`` from the table, imports a module on first use."""

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in COMMANDS if n not in self.commands)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            for name, cmd in load_module_commands(COMMANDS[cmd_name][0]).items():
                self.commands.setdefault(name, cmd)
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            _clicktext.localise(found)  # click's own words in the user's language
        return found

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        """Like click's, but the lazy commands' lines come from the table (no import)."""
        rows: list[tuple[str, Any]] = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                rows.append((name, self.commands[name]))
            else:
                rows.append((name, H(COMMANDS[name][1])))
        rows = [(n, c) for n, c in rows if isinstance(c, str) or not c.hidden]
        if not rows:
            return
        limit = formatter.width - 6 - max(len(n) for n, _ in rows)
        lines = [
            (n, c.get_short_help_str(limit) if isinstance(c, Command) else brief(c, limit))
            for n, c in rows
        ]
        with formatter.section(_clicktext.translate("Commands")):
            formatter.write_dl(lines)


_clicktext.install()

app = typer.Typer(
    cls=LazyRootGroup,
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


def main() -> None:
    """Console-script entry point."""
    use_utf8_output()
    app()
