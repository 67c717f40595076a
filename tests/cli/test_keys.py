"""``randcheck keys`` through the CLI, in English and Chinese."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

PW = "tr0ub4dor&3-secret"
ENV = {"RANDCHECK_KEY_PASSPHRASE": PW}


def _no_secret(result: Any) -> None:
    assert PW not in result.stdout
    assert PW not in result.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_init_list_export(ready_cli: Any, lang: str) -> None:
    r = ready_cli("keys", "init", lang=lang, env=ENV)
    assert r.exit_code == 0, r.output
    _no_secret(r)
    assert ("Created key office" if lang == "en" else "已生成密钥 office") in r.stderr
    key_file = ready_cli.root / "keys" / "office.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    text = key_file.read_text()
    assert "ENCRYPTED PRIVATE KEY" in text and "-----BEGIN PRIVATE KEY-----" not in text

    r = ready_cli("keys", "list", "--json", lang=lang)
    assert r.exit_code == 0
    (k,) = json.loads(r.stdout)
    assert k["role"] == "own" and k["name"] == "office" and len(k["key_id"]) == 64

    r = ready_cli("keys", "list", lang=lang)
    assert r.exit_code == 0
    assert k["key_id"][:16] in r.stdout
    assert ("active" if lang == "en" else "有效") in r.stdout

    r = ready_cli("keys", "export", lang=lang)
    assert r.exit_code == 0
    assert f"# key-id: {k['key_id']}" in r.stdout
    assert "-----BEGIN PUBLIC KEY-----" in r.stdout

    r = ready_cli("keys", "init", lang=lang, env=ENV)
    assert r.exit_code == 1
    assert ("already exists" if lang == "en" else "已存在") in r.stderr


def test_prompted_passphrase_with_confirmation(ready_cli: Any) -> None:
    no_env = {"RANDCHECK_KEY_PASSPHRASE": ""}
    r = ready_cli("keys", "init", input=f"{PW}\n{PW}\n", env=no_env)
    assert r.exit_code == 0, r.output
    _no_secret(r)  # hidden input is never echoed
    r = ready_cli("keys", "init", "--name", "two", input=f"{PW}\nsomething-else\n", env=no_env)
    assert r.exit_code == 3
    assert "differ" in r.stderr
    assert not (ready_cli.root / "keys" / "two.key").exists()


def test_passphrase_is_never_an_option(ready_cli: Any) -> None:
    r = ready_cli("keys", "init", "--passphrase", PW)
    assert r.exit_code == 2


def test_trust_and_revoke(ready_cli: Any, cli: Any, tmp_path: Path) -> None:
    assert ready_cli("keys", "init", env=ENV).exit_code == 0
    # a key exported by another office (generated in a second workspace)
    from tests.conftest import Cli

    other_db = f"sqlite:///{tmp_path / 'other.sqlite'}"
    other = Cli(tmp_path / "other", other_db)
    assert other("init", "--region", "320600").exit_code == 0
    assert other("keys", "init", env=ENV).exit_code == 0
    exported = other("keys", "export").stdout
    pub = tmp_path / "suzhou.pub"
    pub.write_text(exported, encoding="utf-8")

    r = ready_cli("keys", "trust", str(pub), "--name", "suzhou", "--role", "office", lang="zh")
    assert r.exit_code == 0, r.output
    assert "已信任" in r.stderr
    keys = json.loads(ready_cli("keys", "list", "--json").stdout)
    assert {(k["name"], k["role"]) for k in keys} == {("office", "own"), ("suzhou", "office")}
    other_id = next(k["key_id"] for k in keys if k["name"] == "suzhou")

    r = ready_cli("keys", "trust", str(tmp_path / "missing.pub"), "--name", "m")
    assert r.exit_code == 3
    junk = tmp_path / "junk.pub"
    junk.write_text("not a key\n")
    r = ready_cli("keys", "trust", str(junk), "--name", "j")
    assert r.exit_code == 1 and "junk.pub" in r.stderr

    r = ready_cli("keys", "revoke", other_id[:12], "--reason", "rotated")
    assert r.exit_code == 0, r.output
    keys = json.loads(ready_cli("keys", "list", "--json").stdout)
    revoked = next(k for k in keys if k["name"] == "suzhou")
    assert revoked["revoked"]["reason"] == "rotated"
    r = ready_cli("keys", "revoke", other_id[:12])
    assert r.exit_code == 2  # --reason is required

    log = json.loads(ready_cli("log", "show", "--json").stdout)
    assert [e["kind"] for e in log] == ["keys.init", "keys.trust", "keys.revoke"]
    assert all(e["actor"] == "tester" for e in log)


def test_keys_need_a_workspace(cli: Any) -> None:
    r = cli("keys", "list")
    assert r.exit_code == 3
    assert "randcheck init" in r.stderr


def test_no_passphrase_in_a_script_says_which_variable(ready_cli: Any) -> None:
    r = ready_cli("keys", "init", input="", lang="zh")  # no terminal, no input, no variable
    assert r.exit_code == 3
    assert "RANDCHECK_KEY_PASSPHRASE" in r.stderr and "Aborted" not in r.output
    assert "Traceback" not in r.output
