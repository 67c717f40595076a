"""A county office's own exports, imported with no --map, drawn end to end.

The fixture (tests/fixtures/office/make.py) is what a real office has: a GBK entity CSV with a
title row and registration-system status text, an item list whose inspectors sit in a
市场监管所 that is not the item's department, and a roster with 身份证号 and phone numbers.
The test walks the path a new user takes: ``task check`` fails and names the department to add;
with it added, the task is announced, drawn from an entropy file, published and verified with
the office key from ``keys export`` — and no personal number reaches any published file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from randcheck.core.draw import envelope
from randcheck.core.status import normalise
from tests.conftest import Cli
from tests.fixtures.office import make

PASSPHRASE = {"RANDCHECK_KEY_PASSPHRASE": "office-passphrase-2026"}

TASK = """
id = "HN-2026-001"
title = "2026年度食品经营者双随机抽查"
items = ["HN-SC-001"]
{departments}
[exclusions]
statuses = ["存续"]
[[strata]]
id = "S1"
risk = ["*"]
count = 1
[teams]
min_inspectors = 2
max_load = 5
inspect_from = "2027-01-04"
inspect_to = "2027-03-31"
[[entropy.dice]]
witness = "张三"
count = 5
faces = 6
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_office_files_drawn_end_to_end(ready_cli: Cli, tmp_path: Path, lang: str) -> None:
    cli = ready_cli
    office = make.write(tmp_path / "office")
    assert cli("keys", "init", env=PASSPHRASE).exit_code == 0
    for registry in ("items", "entities", "inspectors"):
        result = cli(registry, "import", str(office[registry]), lang=lang)
        assert result.exit_code == 0, result.output

    # the inspectors sit in 硖石市场监督管理所, not the item's department: check says what to add
    task_file = tmp_path / "task.toml"
    task_file.write_text(TASK.format(departments=""), encoding="utf-8")
    assert cli("task", "create", str(task_file), lang=lang).exit_code == 0
    check = cli("task", "check", "HN-2026-001", lang=lang)
    assert check.exit_code != 0
    assert "硖石市场监督管理所" in check.output and "departments" in check.output

    task_file.write_text(
        TASK.format(departments='departments = ["食品经营监管科", "硖石市场监督管理所"]'),
        encoding="utf-8",
    )
    result = cli("task", "create", str(task_file), "--replace", lang=lang)
    task = "HN-2026-001"
    assert result.exit_code == 0, result.output
    check = cli("task", "check", task, lang=lang)
    assert check.exit_code == 0, check.output
    announce = cli("task", "announce", task, lang=lang, env=PASSPHRASE)
    assert announce.exit_code == 0, announce.output

    entropy = tmp_path / "entropy.json"
    entropy.write_text(json.dumps({"dice": {"张三": [3, 1, 4, 1, 5]}}), encoding="utf-8")
    draw = cli("draw", task, "--entropy", str(entropy), "--yes", "--json", env=PASSPHRASE)
    assert draw.exit_code == 0, draw.output
    publish = cli("publish", task, "--out", str(tmp_path / "pub"), lang=lang, env=PASSPHRASE)
    out = tmp_path / "pub" / task
    assert publish.exit_code == 0, publish.output

    # the targets are operating entities only: "存续（在营、开业、在册）" matched statuses = ["存续"]
    body = json.loads(envelope.open_envelope((out / "record.json").read_bytes(), "record").body)
    drawn = [d["code"] for s in body["strata"] for d in s["drawn"]]
    operating = {row[1] for row in make.entities()[3:] if normalise(row[8]) == "存续"}
    assert len(drawn) == 1 and set(drawn) <= operating

    key = tmp_path / "office.pub"
    exported = cli("keys", "export")
    assert exported.exit_code == 0, exported.output
    key.write_text(exported.stdout, encoding="utf-8")
    verify = cli("verify", str(out), "--trusted-keys", str(key), lang=lang)
    assert verify.exit_code == 0, verify.output

    published = "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in sorted(out.rglob("*")) if p.is_file()
    )
    for secret in (*make.ID_NUMBERS, *make.PHONES):
        assert secret not in published
