"""The one place that turns errors into catalog text and exit codes."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError
from typer.core import TyperGroup

from randcheck.catalog import render
from randcheck.cli._console import err
from randcheck.errors import EXIT_CANNOT_RUN, InputError, RandcheckError


def report(exc: RandcheckError, lang: str) -> None:
    """Print ``exc`` to stderr: a one-line message, then a table of bad rows if any."""
    prefix = render("error.prefix", lang)
    err.print(f"[bold red]{prefix}[/]: {escape(render(exc.code, lang, **exc.params))}", markup=True)
    if isinstance(exc, InputError) and exc.rows:
        table = Table(show_lines=False)
        for col in ("file", "row", "column", "value", "reason"):
            table.add_column(render(f"rowerr.{col}", lang))
        for row in exc.rows[:200]:
            value = row.value if len(row.value) <= 60 else row.value[:57] + "..."
            table.add_row(
                row.file, str(row.row), row.column, value, render(row.code, lang, **row.params)
            )
        err.print(table)
        if len(exc.rows) > 200:
            err.print(render("rowerr.more", lang, count=len(exc.rows) - 200))


class RandcheckGroup(TyperGroup):
    """Root group: maps RandcheckError to text and exit code, Ctrl-C to a clean abort."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except RandcheckError as exc:
            app = ctx.obj
            lang = getattr(app, "lang", "zh")
            if getattr(app, "verbose", False):
                raise
            report(exc, lang)
            raise typer.Exit(exc.exit_code) from None
        except SQLAlchemyError as exc:  # e.g. a read-only or locked database mid-command
            app = ctx.obj
            if getattr(app, "verbose", False):
                raise
            lang = getattr(app, "lang", "zh")
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            err.print(
                f"[bold red]{render('error.prefix', lang)}[/]: "
                + escape(render("db.failed", lang, reason=reason)),
                markup=True,
            )
            raise typer.Exit(EXIT_CANNOT_RUN) from None
        except OSError as exc:
            app = ctx.obj
            if getattr(app, "verbose", False):
                raise
            lang = getattr(app, "lang", "zh")
            err.print(
                f"[bold red]{render('error.prefix', lang)}[/]: "
                + escape(
                    render(
                        "io.failed",
                        lang,
                        path=getattr(exc, "filename", None) or "?",
                        reason=exc.strerror or str(exc),
                    )
                ),
                markup=True,
            )
            raise typer.Exit(EXIT_CANNOT_RUN) from None
        finally:
            close = getattr(ctx.obj, "close", None)
            if callable(close):
                close()
