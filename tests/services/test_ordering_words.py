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
    return com.OrderingResult(token=TOKEN if token else None, witnesses=witnesses,
                              committed_at=Fraction(1694775541), missing=missing)  # fmt: skip


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
