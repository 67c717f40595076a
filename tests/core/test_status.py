"""The registration status vocabulary: raw export text → canonical word, deterministically."""

from __future__ import annotations

import pytest

from randcheck.core import status


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("存续（在营、开业、在册）", "存续"),  # the national credit system's export
        ("存续(在营,开业,在册)", "存续"),
        (" 存续 （在营、开业、在册） ", "存续"),
        ("在业", "存续"),
        ("在营", "存续"),
        ("开业", "存续"),
        ("在册", "存续"),
        ("存续", "存续"),
        ("吊销，未注销", "吊销"),
        ("吊销,未注销", "吊销"),
        ("吊销未注销", "吊销"),
        ("吊销", "吊销"),
        ("吊销（未注销）", "吊销"),
        ("吊销，已注销", "注销"),
        ("吊销（已注销）", "注销"),  # the bracket is read before the head is trusted
        ("注销", "注销"),
        ("已注销", "注销"),
        ("迁出", "迁出"),
        ("撤销", "撤销"),
        ("撤销登记", "撤销"),
        ("停业", "停业"),
        ("歇业", "歇业"),
        ("清算中", "清算"),
    ],
)
def test_raw_forms_map_to_their_word(raw: str, word: str) -> None:
    assert status.normalise(raw) == word
    assert word in status.VOCABULARY


def test_unknown_text_is_its_own_value_never_operating() -> None:
    assert status.normalise("待核实") == "待核实"
    assert status.normalise("存续？") == "存续？"  # not a bracket: not taken for 存续
    # a bracket that says something other than the head's own aliases is never taken for 存续
    for raw in ("开业(已吊销)", "存续（注销）", "正常(吊销)", "在营（开业）企业"):
        assert status.normalise(raw) != "存续", raw
    assert status.normalise(None) == "" and status.normalise("") == ""
    assert not status.known("待核实") and status.known("在营") and status.known("吊销，未注销")


def test_every_alias_is_known_and_every_word_maps_to_itself() -> None:
    for alias, word in status.ALIASES.items():
        assert status.known(alias) and status.normalise(alias) == word
    for word in status.VOCABULARY:
        assert status.normalise(word) == word


def test_allowed_caches_one_answer_per_raw_value() -> None:
    allowed = status.Allowed(["在业"])  # an alias in the task file means its word
    assert allowed.allowed == frozenset({"存续"})
    assert allowed["存续（在营、开业、在册）"] and allowed["开业"]
    assert not allowed["吊销，未注销"] and not allowed[None]
    assert set(allowed) == {"存续（在营、开业、在册）", "开业", "吊销，未注销", None}
