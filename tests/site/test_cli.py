"""``randcheck site build`` on the command line: a clean build, and clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

from randcheck.bundle import layout
from randcheck.core import signing
from randcheck.services import keys
from tests.conftest import Cli
from tests.site.helpers import tree

ENV = {"RANDCHECK_KEY_PASSPHRASE": "a long enough passphrase 42"}


def keyed(cli: Cli) -> Cli:
    result = cli("keys", "init", env=ENV)
    assert result.exit_code == 0, result.output
    return cli


def test_build_writes_a_signed_site(ready_cli: Cli) -> None:
    cli = keyed(ready_cli)
    result = cli("site", "build", "--as-of", "2026-10-20", "--json", env=ENV)
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    site = Path(info["path"])
    assert site == (cli.root / "publish" / "site").resolve()
    files = tree(site)
    assert {"index.html", "items.html", "inspectors.html", "entities.html", "plans.html",
            "stats.html", "feed.xml", "keys/office.pub", layout.SUMS, layout.SUMS_SIG} <= set(files)  # fmt: skip
    public, _ = keys.parse_public_text(files["keys/office.pub"].decode(), "office.pub")
    sig = json.loads(files[layout.SUMS_SIG])
    signing.verify(
        public, layout.site_sums_signing_input(files[layout.SUMS]), bytes.fromhex(sig["sig"])
    )
    again = cli("site", "build", "--as-of", "2026-10-20", "--json", env=ENV)
    assert json.loads(again.stdout)["written"] == []


def test_bad_as_of_is_refused_before_anything(ready_cli: Cli) -> None:
    cli = keyed(ready_cli)
    result = cli("site", "build", "--as-of", "2026-13-01", env=ENV)
    assert result.exit_code == 2
    assert "--as-of" in result.output and "2026-13-01" in result.output
    assert "Traceback" not in result.output
    assert not (cli.root / "publish" / "site").exists()


def test_unwritable_out_is_refused_and_nothing_is_written(ready_cli: Cli, tmp_path: Path) -> None:
    cli = keyed(ready_cli)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    log = (cli.root / "audit_logs" / "log.jsonl").read_bytes()
    result = cli("site", "build", "--out", str(blocker / "site"), env=ENV)
    assert result.exit_code == 3
    assert str(blocker / "site") in result.output and "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    assert (cli.root / "audit_logs" / "log.jsonl").read_bytes() == log  # no site.build entry
    assert not (cli.root / "publish" / "site").exists()


def test_wrong_passphrase_is_refused(ready_cli: Cli) -> None:
    cli = keyed(ready_cli)
    result = cli("site", "build", env={"RANDCHECK_KEY_PASSPHRASE": "wrong"})
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert not (cli.root / "publish" / "site").exists()
