"""B1: ``commitment.anchor`` in words — passed when the ordering rests on a timestamp or on
witnesses and nothing the announcement declared is missing; a warning (exit 0) for the office's
clock only, and naming a declared timestamp or declared witnesses that are missing."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

import pytest

from randcheck.core.draw import commitment as com
from randcheck.services.verify.ordering import anchor_words

REC = {"entropy": [{"type": "drand", "round": 657413}]}
TOKEN = com.TokenInfo(
    gen_time=datetime(2023, 9, 15, 10, 59, 2, tzinfo=UTC),
    tsa_name="Test TSA",
    fingerprint="ab" * 32,
    trusted=True,
    latest=datetime(2023, 9, 15, 10, 59, 2, tzinfo=UTC),
    latest_exact=Fraction(int(datetime(2023, 9, 15, 10, 59, 2, tzinfo=UTC).timestamp())),
)


def _res(token: bool, witnesses: list[str], missing: list[str]) -> com.OrderingResult:
    """Every co-signer's key trusted by the reader."""
    return com.OrderingResult(token=TOKEN if token else None, witnesses=witnesses,
                              confirmed=list(witnesses), committed_at=Fraction(1694775541),
                              missing=missing)  # fmt: skip


@pytest.mark.parametrize(
    ("token", "witnesses", "missing", "status", "code"),
    [
        (True, ["李四"], [], "ok", "verify.ordering_tsa_witnesses"),
        (True, [], [], "ok", "verify.ordering_tsa"),
        (True, [], ["witnesses"], "warn", "verify.ordering_tsa_no_witness"),
        (False, ["李四"], [], "ok", "verify.ordering_witnesses"),
        (False, ["李四"], ["tsa"], "warn", "verify.ordering_witnesses_no_tsa"),
        (False, [], [], "warn", "verify.ordering_clock"),
        (False, [], ["tsa"], "warn", "verify.ordering_clock_no_tsa"),
        (False, [], ["witnesses"], "warn", "verify.ordering_clock_no_witness"),
        (False, [], ["tsa", "witnesses"], "warn", "verify.ordering_clock_no_anchor"),
    ],
)
def test_anchor_words(
    token: bool, witnesses: list[str], missing: list[str], status: str, code: str
) -> None:
    check = anchor_words(_res(token, witnesses, missing), REC)
    assert (check.status, check.code) == (status, code)
    assert check.ok  # a warning never fails the report (exit 0)
    assert check.params["round"] == 657413


def test_the_tsa_time_in_words_is_rounded_up_to_the_second() -> None:
    """Nit a: the words say the TSA attests "no later than" genTime + accuracy: shown to the
    second, it is rounded up, never cut (…10:59:02.001Z is 18:59:03 Beijing time)."""
    exact = Fraction(int(datetime(2023, 9, 15, 10, 59, 2, tzinfo=UTC).timestamp())) + Fraction(
        1, 1000
    )
    late = com.TokenInfo(
        gen_time=TOKEN.gen_time,
        tsa_name="Test TSA",
        fingerprint="ab" * 32,
        trusted=True,
        latest=datetime(2023, 9, 15, 10, 59, 2, 1000, tzinfo=UTC),
        latest_exact=exact,
    )
    res = com.OrderingResult(token=late, committed_at=Fraction(1694775541))
    assert anchor_words(res, REC).params["time"] == "2023-09-15 18:59:03"
    whole = com.OrderingResult(token=TOKEN, committed_at=Fraction(1694775541))
    assert anchor_words(whole, REC).params["time"] == "2023-09-15 18:59:02"


def _render(check: object, lang: str) -> str:
    from randcheck.catalog import render

    return render(check.code, lang, **dict(check.params))  # type: ignore[attr-defined]


def test_witness_words_confirm_the_time_only_for_trusted_keys() -> None:
    """Second review 1 (verify side) and nit b: the witnesses confirm the commitment's time only
    when the reader trusts their keys; co-signed under keys nobody confirmed, the anchor is
    unverified and says the time is only the office's word; a declared witness who did not
    co-sign is named."""
    trusted = com.OrderingResult(witnesses=["张伟", "李娜"], confirmed=["张伟", "李娜"],
                                 committed_at=Fraction(1694775541))  # fmt: skip
    check = anchor_words(trusted, REC)
    assert (check.status, check.code) == ("ok", "verify.ordering_witnesses")
    assert _render(check, "zh") == (
        "顺序证明：见证人 张伟、李娜 当场联署熵承诺，确认承诺时间为北京时间 2023-09-15 18:59:01；"
        "熵承诺早于 drand 第 657413 轮"
    )
    untrusted = com.OrderingResult(witnesses=["张伟"], unconfirmed=["张伟"], absent=["李娜"],
                                   committed_at=Fraction(1694775541))  # fmt: skip
    check = anchor_words(untrusted, REC)
    assert (check.status, check.code) == (
        "unverified",
        "verify.ordering_witnesses_unconfirmed_absent",
    )
    zh = _render(check, "zh")
    assert "确认承诺时间" not in zh and "只是本单位的说法" in zh and "--witness-keys" in zh
    assert "公告列明的见证人 李娜 未联署" in zh
    assert "witness(es) 李娜 did not co-sign" in _render(check, "en")
    alone = anchor_words(com.OrderingResult(witnesses=["张伟"], unconfirmed=["张伟"],
                                            committed_at=Fraction(1694775541)), REC)  # fmt: skip
    assert (alone.status, alone.code) == ("unverified", "verify.ordering_witnesses_unconfirmed")


def test_partly_trusted_and_absent_witnesses_are_named() -> None:
    """Nit b: one confirmed co-signer carries the words; an unconfirmed co-signer and a declared
    witness who did not co-sign are named, with or without a timestamp."""
    mixed = com.OrderingResult(witnesses=["张伟", "王五"], confirmed=["张伟"], unconfirmed=["王五"],
                               absent=["李娜"], committed_at=Fraction(1694775541))  # fmt: skip
    check = anchor_words(mixed, REC)
    assert (check.status, check.code, check.params["names"]) == (
        "ok",
        "verify.ordering_witnesses",
        "张伟",
    )
    zh = _render(check, "zh")
    assert "见证人 王五 也联署了，但其公钥未核实，不作依据" in zh
    assert "公告列明的见证人 李娜 未联署" in zh
    mixed.token = TOKEN
    check = anchor_words(mixed, REC)
    assert check.code == "verify.ordering_tsa_witnesses" and "李娜 未联署" in _render(check, "zh")
    untrusted_only = com.OrderingResult(token=TOKEN, witnesses=["王五"], unconfirmed=["王五"],
                                        committed_at=Fraction(1694775541))  # fmt: skip
    check = anchor_words(untrusted_only, REC)
    assert (check.status, check.code) == ("ok", "verify.ordering_tsa")  # rests on the TSA
    assert "王五 也联署了，但其公钥未核实" in _render(check, "zh")
