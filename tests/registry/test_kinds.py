"""Every field kind's reference parser and its fast twin, run on the same inputs: whenever the
twin accepts, the reference gives the same value; whenever the reference refuses, the twin
does not accept.  Plus: every kind a spec uses is in the table, and the twin does accept the
ordinary values a bulk import is made of (else the fast path would be dead code)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randcheck import demo_data
from randcheck.core import uscc
from randcheck.services import registry as reg
from randcheck.services.registry.kinds import KINDS, Bad, Slow

EDGE_CASES = [
    "",
    " ",
    "\u3000",
    "0",
    "1",
    "是",
    "否",
    "true",
    "FALSE",
    "2026-02-30",
    "2026-01-05",
    "2026/1/5",
    "2026年1月5日",
    "20260105",
    "2026-01-05T08:00:00",
    "２０２６-０１-０５",
    "330481",
    "33048",
    "３３０４８１",
    "a|b",
    "b,a",
    "、",
    " x ",
    "5%",
    "0.05",
    "1/20",
    "0",
    "2",
    "1/0",
    "重点",
    "一般检查事项",
    "KEY",
    "A",
    "a",
    "E",
    "F",
    "低风险",
    "91350100M000100Y43",
    "91350100m000100y43",
    "91350100M000100Y44",
    "110108000000016",
    "110108000000017",
    "ＡＢＣ",
    "\u00a0a",
    "1" * 18,
]


def _norm(value: Any) -> Any:
    """The reference's value in the twin's form: codes as text, dates as ISO text."""
    if isinstance(value, uscc.CodeCheck):
        return value.code
    if isinstance(value, date):
        return value.isoformat()
    return value


def _check_pair(kind: str, text: str) -> bool:
    """Runs both; returns whether the twin accepted."""
    pair = KINDS[kind]
    try:
        reference: Any = ("ok", _norm(pair.parse(text)))
    except Bad as bad:
        reference = ("bad", bad.code)
    try:
        fast = pair.fast(text)
    except (Slow, ValueError):
        return False
    assert reference == ("ok", _norm(fast)), (kind, text, reference, fast)
    return True


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_agree(kind: str, text: str) -> None:
    _check_pair(kind, text)


_ALPHABET = st.sampled_from(
    list("0123456789-/.年月日|,、；; ABCDEFGHJKLMNPQRTUWXYabcxyz%‰重点一般检查事项低风险是否\u3000")
)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)), text=st.text(_ALPHABET, max_size=20))
def test_generated_inputs_agree(kind: str, text: str) -> None:
    _check_pair(kind, text)


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)), text=st.text(max_size=20))
def test_any_text_agrees(kind: str, text: str) -> None:
    _check_pair(kind, text)


def test_every_spec_kind_has_both_parsers() -> None:
    used = {f.kind for spec in reg.SPECS.values() for f in spec.fields}
    assert used <= set(KINDS)
    for kind in KINDS.values():
        assert callable(kind.parse) and callable(kind.fast)
    with pytest.raises(ValueError, match="unknown kind"):
        reg.FieldSpec("x", "no-such-kind")


def test_twins_accept_ordinary_values() -> None:
    """The values of generated registries go through the fast twin, not around it."""
    rows = list(demo_data.iter_entities("kinds", 200))
    accepted = 0
    total = 0
    for spec, data in ((reg.ENTITIES, rows), (reg.INSPECTORS, demo_data.inspectors("kinds", 50))):
        for values in data:
            for f in spec.fields:
                text = values.get(f.name, "")
                if text:
                    total += 1
                    accepted += _check_pair(f.kind, text)
    assert accepted / total > 0.95
