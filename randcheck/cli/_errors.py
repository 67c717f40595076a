"""The one place that turns errors into catalog text and exit codes.

``--verbose`` adds the technical detail (the Python traceback, on stderr) before the usual
message; it never changes the exit code, so scripts can rely on 0/1/2/3 either way.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any, NoReturn

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from randcheck.catalog import render
from randcheck.cli._clicktext import LocalContext, localise_error
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
            reason = render(row.code, lang, **row.params)
            cells = (row.file, str(row.row), row.column, value, reason)
            table.add_row(*(Text(c) for c in cells))  # file text is never rich markup
        err.print(table)
        if len(exc.rows) > 200:
            err.print(render("rowerr.more", lang, count=len(exc.rows) - 200))


def _print_error(lang: str, key: str, **params: Any) -> None:
    err.print(
        f"[bold red]{render('error.prefix', lang)}[/]: " + escape(render(key, lang, **params)),
        markup=True,
    )


def print_traceback(exc: BaseException) -> None:
    """The full Python traceback of ``exc`` on stderr (``--verbose``)."""
    err.file.write("".join(traceback.format_exception(exc)))
    err.file.flush()


def _is_database_error(exc: BaseException) -> bool:
    """A SQLAlchemy error, without importing SQLAlchemy for commands that never loaded it."""
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(exc, sa_exc.SQLAlchemyError)


class RandcheckGroup(TyperGroup):
    """Root group: maps errors to catalog text and exit code, Ctrl-C to a clean abort.

    RandcheckError exits with its own ``exit_code``; SQLAlchemyError and OSError with 3.
    With ``--verbose`` the traceback is printed first; the exit code is the same.
    click's own errors (a missing argument, an unknown option) print in the user's language.
    """

    context_class = LocalContext

    def make_context(self, info_name: Any, args: Any, parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except ClickException as exc:
            localise_error(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        from randcheck.store.aside import held

        try:
            # derived data a command stores aside (the pool index a check built) is kept when
            # the command runs to its end, whatever its verdict (an exit code it chose), and
            # dropped when it stops on an error (a wrong passphrase, a database failure)
            verdict: typer.Exit | None = None
            with held():
                try:
                    result = super().invoke(ctx)
                except typer.Exit as exc:
                    verdict = exc
            if verdict is not None:
                raise verdict
            return result
        except ClickException as exc:
            localise_error(exc)
            raise
        except RandcheckError as exc:
            self._detail(ctx, exc)
            report(exc, self._lang(ctx))
            self._exit(exc.exit_code)
        except OSError as exc:
            self._detail(ctx, exc)
            _print_error(
                self._lang(ctx),
                "io.failed",
                path=getattr(exc, "filename", None) or "?",
                reason=exc.strerror or str(exc),
            )
            self._exit(EXIT_CANNOT_RUN)
        except Exception as exc:
            if not _is_database_error(exc):
                raise
            # e.g. a read-only or locked database mid-command
            self._detail(ctx, exc)
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            _print_error(self._lang(ctx), "db.failed", reason=reason)
            self._exit(EXIT_CANNOT_RUN)
        finally:
            close = getattr(ctx.obj, "close", None)
            if callable(close):
                close()

    @staticmethod
    def _lang(ctx: Any) -> str:
        return str(getattr(ctx.obj, "lang", "zh"))

    @staticmethod
    def _detail(ctx: Any, exc: BaseException) -> None:
        if getattr(ctx.obj, "verbose", False):
            print_traceback(exc)

    @staticmethod
    def _exit(code: int) -> NoReturn:
        raise typer.Exit(code) from None
