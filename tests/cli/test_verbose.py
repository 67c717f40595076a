"""``--verbose`` adds the traceback on stderr but never changes the exit code."""

from __future__ import annotations

import errno
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import typer
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from randcheck.cli._errors import RandcheckGroup
from randcheck.errors import CannotRunError, ConflictError, UsageError
from tests.conftest import Cli

PW = "verbose-test-passphrase"


def _both(cli: Cli, *args: str, env: dict[str, str] | None = None) -> tuple[Any, Any]:
    return cli(*args, env=env), cli("--verbose", *args, env=env)


def _same_code_and_traceback_only_when_verbose(plain: Any, verbose: Any, code: int) -> None:
    assert plain.exit_code == verbose.exit_code == code, (plain.output, verbose.output)
    assert "Traceback (most recent call last)" not in plain.output
    assert "Traceback (most recent call last)" in verbose.stderr
    assert "Traceback" not in verbose.stdout
    # the usual message still comes after the technical detail
    assert plain.stderr.strip().splitlines()[0] in verbose.stderr
    assert verbose.stderr.index("Traceback") < verbose.stderr.index("Error: ")


def test_wrong_passphrase_is_exit_3_with_and_without_verbose(ready_cli: Cli) -> None:
    assert ready_cli("keys", "init", env={"RANDCHECK_KEY_PASSPHRASE": PW}).exit_code == 0
    wrong = {"RANDCHECK_KEY_PASSPHRASE": "not-the-passphrase"}
    plain, verbose = _both(ready_cli, "log", "checkpoint", env=wrong)
    _same_code_and_traceback_only_when_verbose(plain, verbose, 3)
    assert "wrong passphrase" in verbose.stderr
    assert "not-the-passphrase" not in verbose.output


def test_bad_input_rows_are_exit_1_with_and_without_verbose(ready_cli: Cli, tmp_path: Path) -> None:
    csv = tmp_path / "e.csv"
    csv.write_text("code,name\nnot-a-code,甲\n", "utf-8")
    plain, verbose = _both(ready_cli, "entities", "import", str(csv))
    _same_code_and_traceback_only_when_verbose(plain, verbose, 1)
    assert "not-a-code" in verbose.stderr  # the table of bad rows is still printed


def test_missing_workspace_is_exit_3_with_and_without_verbose(cli: Cli) -> None:
    plain, verbose = _both(cli, "log", "show")
    _same_code_and_traceback_only_when_verbose(plain, verbose, 3)


def test_usage_error_is_exit_2_with_and_without_verbose(cli: Cli) -> None:
    plain, verbose = _both(cli, "init", "--region", "12")
    _same_code_and_traceback_only_when_verbose(plain, verbose, 2)


# the three kinds of error the root group maps, on a minimal app


def _app(exc: BaseException) -> typer.Typer:
    app = typer.Typer(cls=RandcheckGroup)

    @app.callback()
    def root(ctx: typer.Context, verbose: bool = typer.Option(False, "--verbose")) -> None:
        ctx.obj = SimpleNamespace(lang="en", verbose=verbose, close=lambda: None)

    @app.command()
    def fail() -> None:
        raise exc

    return app


KINDS = {
    "cannot_run": (CannotRunError("io.file_missing", path="a.csv"), 3, "file not found: a.csv"),
    "conflict": (ConflictError("task.already_announced", task="T1"), 1, "already announced"),
    "usage": (UsageError("init.bad_region", value="12"), 2, "6 digits"),
    "oserror": (
        PermissionError(errno.EACCES, "Permission denied", "/x/y"),
        3,
        "file operation failed on /x/y: Permission denied",
    ),
    "sqlalchemy": (
        OperationalError("UPDATE t", {}, Exception("attempt to write a readonly database")),
        3,
        "nothing was changed: attempt to write a readonly database",
    ),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_of_error_keeps_its_exit_code_under_verbose(kind: str) -> None:
    exc, code, text = KINDS[kind]
    runner = CliRunner()
    plain = runner.invoke(_app(exc), ["fail"])
    verbose = runner.invoke(_app(exc), ["--verbose", "fail"])
    assert plain.exit_code == verbose.exit_code == code
    assert text in plain.stderr and text in verbose.stderr
    assert "Traceback" not in plain.output
    assert "Traceback (most recent call last)" in verbose.stderr
    assert type(exc).__name__ in verbose.stderr
