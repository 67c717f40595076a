"""The root command: init, global options, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli


def test_init_lays_out_workspace_idempotently(cli: Cli, ws_root: Path) -> None:
    first = cli("init", "--bureau", "苏州市市场监督管理局", "--region", "320500")
    assert first.exit_code == 0, first.output
    for name in ("db", "audit_logs", "keys", "publish"):
        assert (ws_root / name).is_dir()
    assert (ws_root / "keys").stat().st_mode & 0o777 == 0o700
    config = (ws_root / "randcheck.toml").read_text("utf-8")
    assert "苏州市市场监督管理局" in config
    second = cli("init", "--bureau", "other", "--region", "110000")
    assert second.exit_code == 0
    assert "already" in second.stderr
    assert (ws_root / "randcheck.toml").read_text("utf-8") == config


def test_init_rejects_bad_region(cli: Cli, ws_root: Path) -> None:
    result = cli("init", "--region", "12")
    assert result.exit_code == 2
    assert "6 digits" in result.stderr
    assert not (ws_root / "randcheck.toml").exists()


def test_bad_lang_is_usage_error(cli: Cli) -> None:
    result = cli("--lang", "fr", "init")
    assert result.exit_code == 2


def test_chinese_is_default(cli: Cli) -> None:
    result = cli("init", lang="zh")
    assert result.exit_code == 0
    assert "工作区" in result.stderr


def test_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "randcheck", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("randcheck ")


def test_core_does_not_import_cli_libraries() -> None:
    code = (
        "import sys, importlib, pkgutil, randcheck.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'randcheck.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in ('typer', 'rich') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_database_driver_that_is_not_installed_is_a_clear_exit_3(ready_cli: Cli) -> None:
    r = ready_cli(
        "entities", "count", env={"RANDCHECK_DATABASE_URL": "mysql+nosuchdriver://u@h/db"}
    )
    assert r.exit_code == 3
    assert "cannot open database" in r.stderr and "Traceback" not in r.output


def test_a_read_only_database_is_exit_3_and_nothing_changes(
    ready_cli: Cli, ws_root: Path, tmp_path: Path
) -> None:
    if not ready_cli.db_url.startswith("sqlite:"):
        # PostgreSQL: every transaction read-only (the URL already carries options=...)
        ro = ready_cli.db_url + "%20-cdefault_transaction_read_only%3Don"
    else:
        path = ready_cli.db_url.split(":///", 1)[1]
        ro = f"sqlite:///file:{path}?mode=ro&uri=true"
    csv = tmp_path / "e.csv"
    csv.write_text("code,name\n91320500MA1XXXXXXC,甲\n", "utf-8")
    before = sorted(p.name for p in (ws_root / "audit_logs").iterdir())
    r = ready_cli("entities", "import", str(csv), env={"RANDCHECK_DATABASE_URL": ro})
    assert r.exit_code == 3, r.output
    assert "nothing was changed" in r.stderr and "Traceback" not in r.output
    assert sorted(p.name for p in (ws_root / "audit_logs").iterdir()) == before
    assert json.loads(ready_cli("entities", "count", "--json").stdout)["count"] == 0


def test_writing_into_a_directory_names_it(ready_cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.mkdir()
    r = ready_cli("entities", "export", str(target))
    assert r.exit_code == 3
    assert f"cannot write {target}" in r.stderr and ".tmp" not in r.stderr


def test_importing_a_folder_says_it_is_not_a_file(ready_cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "e.csv"
    folder.mkdir()
    r = ready_cli("entities", "import", str(folder))
    assert r.exit_code == 3 and "is not a file" in r.stderr


# --- start-up: a command imports what it needs when it needs it ---------------------------

HEAVY = (
    "sqlalchemy", "sqlmodel", "alembic", "py_ecc", "eth_utils", "cryptography", "openpyxl",
    "jinja2", "pydantic", "psycopg",
)

MODULES_AFTER = r"""
import json, runpy, sys
full = bool(json.loads(sys.argv[2]))
sys.argv = ["randcheck", *json.loads(sys.argv[1])]
try:
    runpy.run_module("randcheck", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
from importlib.util import _LazyModule  # a module randcheck.cli._lazy has not loaded yet
loaded = {n for n, m in sys.modules.items() if not isinstance(m, _LazyModule)}
print(json.dumps({"code": code, "modules": sorted(loaded if full else {m.split(".")[0] for m in loaded})}))
"""


def _modules_after(*args: str, env: dict[str, str] | None = None, full: bool = False) -> set[str]:
    """The top-level packages (every module with ``full``) imported by ``randcheck ARGS`` run
    in a fresh interpreter."""
    full_env = {**os.environ, **(env or {})}
    out = subprocess.run(
        [sys.executable, "-c", MODULES_AFTER, json.dumps(list(args)), json.dumps(full)],
        capture_output=True, text=True, check=True, env=full_env,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] in (0, None, 2), out.stderr  # 2: no arguments shows the help
    return set(result["modules"])


@pytest.mark.parametrize(
    "args", [("--version",), ("--help",), ("--lang", "en", "--help"), ()], ids=str
)
def test_help_and_version_import_no_database_or_crypto(args: tuple[str, ...]) -> None:
    loaded = _modules_after(*args)
    assert "typer" in loaded  # the probe works
    assert sorted(loaded & set(HEAVY)) == []


@pytest.mark.parametrize(
    "group",
    [
        "task", "keys", "log", "draw", "results", "history", "calendar", "publish", "verify",
        "demo",
        # not yet: the four registry groups build their filter options from the registry
        # specs, which hold the database models (services/registry/specs.py)
    ],
)
def test_a_group_help_imports_no_database_or_crypto(group: str) -> None:
    """``randcheck task --help`` imports the group's module, whose services load lazily.

    A group's help builds typer's command objects, and typer's adapters import pydantic; the
    key-file helpers' cryptography (~10 ms) may load for the passphrase rules in the help text.
    The database layer, the publisher and the pairing code must not.
    """
    loaded = _modules_after(group, "--help")
    assert "typer" in loaded
    assert sorted(loaded & (set(HEAVY) - {"pydantic", "cryptography"})) == []


def test_a_command_on_a_migrated_database_imports_no_alembic_or_py_ecc(ready_cli: Cli) -> None:
    env = {
        "RANDCHECK_HOME": str(ready_cli.root),
        "RANDCHECK_DATABASE_URL": ready_cli.db_url,
        "RANDCHECK_LANG": "en",
    }
    loaded = _modules_after("entities", "count", env=env)
    assert "sqlalchemy" in loaded  # it did open the database
    assert sorted(loaded & {"alembic", "py_ecc", "eth_utils", "openpyxl", "jinja2"}) == []
    loaded = _modules_after("task", "list", env=env)
    assert sorted(loaded & {"alembic", "py_ecc", "eth_utils", "openpyxl", "jinja2"}) == []


def test_listing_and_counting_load_only_what_they_need(ready_cli: Cli) -> None:
    """``task list`` reads its columns through Core (services/tasklist.py): no task service,
    no model classes, no key-file crypto; ``entities count`` loads the registry's queries,
    not its reader, importer or template code (bench/bench_startup.py has the times)."""
    env = {
        "RANDCHECK_HOME": str(ready_cli.root),
        "RANDCHECK_DATABASE_URL": ready_cli.db_url,
        "RANDCHECK_LANG": "en",
    }
    loaded = _modules_after("task", "list", env=env, full=True)
    assert "randcheck.services.tasklist" in loaded  # the probe works
    heavy = {
        "sqlmodel", "cryptography", "randcheck.services.tasks", "randcheck.store.draw_models",
        "randcheck.store.models", "randcheck.io.keyfile", "randcheck.cli.keys",
    }
    assert sorted(loaded & heavy) == []
    loaded = _modules_after("entities", "count", env=env, full=True)
    assert "randcheck.services.registry.queries" in loaded
    heavy = {
        "randcheck.io.readers", "randcheck.services.registry.importer",
        "randcheck.services.registry.template", "rich.progress", "openpyxl",
    }
    assert sorted(loaded & heavy) == []


def test_the_command_table_matches_what_the_modules_register() -> None:
    from randcheck.catalog import render
    from randcheck.cli import COMMANDS, load_module_commands

    registered: dict[str, str] = {}
    for module in sorted({m for m, _ in COMMANDS.values()}):
        for name, cmd in load_module_commands(module).items():
            assert name not in registered, f"{name} registered by {registered[name]} and {module}"
            registered[name] = module
            assert name in COMMANDS, f"{module} registers {name!r}: add it to cli.COMMANDS"
            assert COMMANDS[name][0] == module
            # the help the group shows (chosen when its module was imported, in the help
            # language of that moment) and the line the root help takes from the table
            assert cmd.help in {render(COMMANDS[name][1], lang) for lang in ("zh", "en")}
    assert sorted(registered) == sorted(COMMANDS)


def test_every_command_module_is_in_the_table() -> None:
    """A new group module that is not in cli.COMMANDS would never be reachable."""
    import importlib
    import pkgutil

    import randcheck.cli as cli_pkg

    listed = {m for m, _ in cli_pkg.COMMANDS.values()}
    for info in pkgutil.iter_modules(cli_pkg.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"randcheck.cli.{info.name}")
        if hasattr(module, "register"):
            assert info.name in listed, f"randcheck.cli.{info.name} is not in cli.COMMANDS"


def test_migration_heads_are_read_like_alembic_reads_them(engine: Any) -> None:
    from alembic.script import ScriptDirectory

    from randcheck.store.db import alembic_config, current_revisions, head_revisions

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    assert head_revisions() == heads
    assert current_revisions(engine) == heads  # the fixture's engine is migrated


def test_loading_py_ecc_keeps_the_recursion_limit() -> None:
    code = (
        "import sys\n"
        "from randcheck.core.draw import drand\n"
        "before = sys.getrecursionlimit()\n"
        "assert 'py_ecc' not in sys.modules\n"
        "drand._load_py_ecc()\n"
        "assert 'py_ecc' in sys.modules and drand.pairing is not None\n"
        "assert sys.getrecursionlimit() == before, sys.getrecursionlimit()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_test_session_keeps_a_low_recursion_limit() -> None:
    """Deeply nested JSON must raise RecursionError (canonical.too_deep), not overflow the C
    stack: nothing imported so far, py_ecc included, may have raised the limit."""
    assert sys.getrecursionlimit() <= 10_000, sys.getrecursionlimit()


LAZY_PROBE = r"""
import sys
from importlib.util import _LazyModule
from randcheck.cli._lazy import lazy
pkg = lazy("randcheck.services.registry")
sub = lazy("randcheck.services.registry.template")
assert isinstance(pkg, _LazyModule) and isinstance(sub, _LazyModule), "made lazy"
assert "sqlalchemy" not in sys.modules, "a lazy parent was loaded to find its submodule"
assert callable(sub.write_template)  # first use loads both, and works
assert pkg.template is sub and "sqlalchemy" in sys.modules
print("ok")
"""


def test_a_lazy_submodule_of_a_lazy_package_loads_neither_until_used() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LAZY_PROBE], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
