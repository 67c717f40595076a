"""``cli.keys.unlock``, the one way a command asks for a passphrase: a key that does not exist
is reported (with `randcheck keys init`) before any prompt, in both languages; a wrong one from
the environment fails at once; at the prompt after the allowed attempts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from randcheck.cli import keys as cli_keys
from randcheck.errors import NotFoundError
from randcheck.services import keys
from randcheck.services.audit import AuditLog
from randcheck.store.db import open_engine
from randcheck.workspace import Workspace, init_workspace
from tests.ceremony import workspace as w

PW = "tr0ub4dor&3-secret"
INIT_HINT = {"zh": "randcheck keys init", "en": "`randcheck keys init"}
PROMPT = {"zh": "口令", "en": "assphrase"}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws", "测试市市场监督管理局", "320500")[0]


def never(*_args: Any, **_kwargs: Any) -> str:
    raise AssertionError("asked for a passphrase")


def test_no_key_is_reported_before_any_prompt(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cli_keys.PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(cli_keys, "hidden_prompt", never)
    with pytest.raises(NotFoundError) as info:
        cli_keys.unlock(ws, "office", "passphrase")
    assert info.value.code == "keys.no_key"


def test_wrong_passphrase(ws: Workspace, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = open_engine(db_url)
    try:
        keys.init_key(ws, AuditLog(ws, engine), "tester", PW.encode())
    finally:
        engine.dispose()
    monkeypatch.setenv(cli_keys.PASSPHRASE_ENV, "wrong")
    monkeypatch.setattr(cli_keys, "hidden_prompt", never)
    with pytest.raises(cli_keys.PassphraseRefused):  # from the environment: one try
        cli_keys.unlock(ws, "office", "passphrase", attempts=3)
    monkeypatch.delenv(cli_keys.PASSPHRASE_ENV)
    answers = iter(["wrong", "", PW])
    left: list[int] = []
    monkeypatch.setattr(cli_keys, "hidden_prompt", lambda *_a: next(answers))
    key = cli_keys.unlock(ws, "office", "passphrase", attempts=3, on_wrong=left.append)
    assert left == [2, 1]
    assert key.public_key().public_bytes_raw() == keys.public_key(ws, "office")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_log_checkpoint_without_a_key(ready_cli: Any, lang: str) -> None:
    result = ready_cli("log", "checkpoint", lang=lang, input=f"{PW}\n")
    assert result.exit_code == 3
    assert INIT_HINT[lang] in result.stderr
    assert PROMPT[lang] not in result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_announce_before_keys_init(
    cli: Any, ws_root: Path, db_url: str, lang: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The task is ready; only the key is missing: say so, ask nothing."""
    w.build(ws_root, db_url, w.demo_files(tmp_path_factory.mktemp("demo")), announce=False)
    task = w.dice_only_task(ws_root.parent / "dice.toml", "2026-009", "骰子任务")
    assert cli("task", "create", str(task)).exit_code == 0
    result = cli("task", "announce", "2026-009", "--key", "nosuch", lang=lang, input=f"{PW}\n")
    assert result.exit_code == 3, result.output
    assert f"{INIT_HINT[lang]} --name nosuch" in result.stderr
    assert PROMPT[lang] not in result.output
