"""The root command: init, global options, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
