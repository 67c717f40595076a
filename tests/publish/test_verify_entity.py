"""``verify --entity`` for a code that is not in the pool: malformed, or well-formed and absent
(with what the announcement records about exclusions), in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from randcheck.core import uscc
from tests.publish.conftest import Drawn, code
from tests.publish.test_verify import outsider


def _absent(drawn: Drawn) -> str:
    pool = {c.decode() for codes in drawn.population.values() for c in codes}
    return next(c for c in (code(n) for n in range(1, 1000)) if c not in pool)


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        ("91320500MA9999999X", "bad check character (position 18 should be T)", "第 18 位应为 T"),
        ("913205OOMA0000001X", "contains the character 'O'", "含有不允许的字符 'O'"),
        ("ABC123", "length 6", "长度为 6"),
        ("9132A500MA0000001X", "positions 3–8 (region code) must be digits", "第 3–8 位"),
    ],
)
def test_a_malformed_code_is_named_as_malformed(
    bundle: Path, key_file: Path, tmp_path: Path, value: str, en: str, zh: str
) -> None:
    cli = outsider(tmp_path)
    res = cli("verify", str(bundle), "--trusted-keys", str(key_file), "--entity", value)
    assert res.exit_code == 1, res.output
    assert f"{value} is not a valid unified social credit code" in res.stdout
    assert en in res.stdout and "not in the pool" not in res.stdout
    assert "business licence" in res.stdout
    res = cli("verify", str(bundle), "--trusted-keys", str(key_file), "--entity", value, lang="zh")
    assert res.exit_code == 1
    assert "不是有效的统一社会信用代码" in res.stdout and zh in res.stdout
    assert "不在本次抽查的名录中" not in res.stdout


def test_malformed_in_json(bundle: Path, key_file: Path, tmp_path: Path) -> None:
    res = outsider(tmp_path)(
        "verify", str(bundle), "--trusted-keys", str(key_file), "--entity",
        "91320500MA9999999X", "--json",
    )  # fmt: skip
    ent = json.loads(res.stdout)["entity"]
    assert ent["in_pool"] is False
    assert ent["malformed"] == {"code": "uscc.bad_check", "params": {"expected": "T"}}
    assert "exclusions" not in ent


def test_a_well_formed_absent_code_says_what_the_bundle_knows(
    drawn: Drawn, bundle: Path, key_file: Path, tmp_path: Path
) -> None:
    absent = _absent(drawn)
    assert uscc.check(absent).ok
    cli = outsider(tmp_path)
    res = cli("verify", str(bundle), "--trusted-keys", str(key_file), "--entity", absent)
    assert res.exit_code == 1
    out = " ".join(res.stdout.split())
    assert f"{absent} was not in the pool of this draw" in out
    # the fixture's announcement: exclusions {"status": 7, "recent": 3}
    assert "records 10 entities excluded from the pool by its rules" in out
    assert "inspected recently: 3; registration status not active: 7" in out
    assert "cannot tell whether" in out and f"randcheck entities show {absent}" in out
    assert "not a valid" not in out

    res = cli("verify", str(bundle), "--trusted-keys", str(key_file), "--entity", absent, lang="zh")
    out = "".join(res.stdout.split())
    assert "不在本次抽查的名录中" in out
    assert "公告记载有10户按规则被排除在名录之外：近期已接受检查3户、登记状态非存续7户" in out
    assert f"randcheckentitiesshow{absent}" in out

    res = cli(
        "verify", str(bundle), "--trusted-keys", str(key_file), "--entity", absent, "--json"
    )
    ent = json.loads(res.stdout)["entity"]
    assert ent["in_pool"] is False and "malformed" not in ent
    assert ent["exclusions"] == {"recent": 3, "status": 7} and ent["pool"] == 240
    assert any("cannot tell whether" in line for line in ent["explanation"])


def test_a_code_typed_in_lower_case_or_full_width_is_found(
    drawn: Drawn, bundle: Path, key_file: Path, tmp_path: Path
) -> None:
    target = drawn.population["S1"][0].decode()
    typed = target.lower()[:10] + "".join(chr(ord(c) + 0xFEE0) for c in target[10:])
    res = outsider(tmp_path)(
        "verify", str(bundle), "--trusted-keys", str(key_file), "--entity", typed, "--json"
    )
    ent = json.loads(res.stdout)["entity"]
    assert res.exit_code == 0 and ent["in_pool"] and ent["code"] == target
