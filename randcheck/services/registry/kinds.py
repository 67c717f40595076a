"""Field kinds: for each, the reference parser and its fast twin, in one table (``KINDS``).

The reference parser (``Kind.parse``) takes a cell's text and returns the stored value, or
raises ``Bad`` (a catalog key naming the problem).  A ``CodeCheck`` result means "valid, with
warnings" (the caller reports them and stores ``.code``).

The fast twin (``Kind.fast``) is what the bulk import runs for ordinary rows: it returns the
same value (dates as ISO text, codes as text) or raises ``Slow`` (or ``ValueError``) when the
input is anything unusual, and the row then goes through the reference.  A kind is one
``Kind(name, parse, fast)``, so no kind can have one without the other, and
tests/registry/test_kinds.py runs every pair on the same inputs (generated and edge cases):
whenever the twin accepts, the reference gives the same value; whenever the reference rejects,
the twin does not accept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from randcheck.core import uscc
from randcheck.core.draw import accel

# a line break (any that randcheck.core.text.one_line knows) separates list items too
LIST_SPLIT = re.compile("[,;，；、|\r\n\x0b\x0c\x85\u2028\u2029]")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
TRUE_WORDS = ("1", "true", "yes", "y", "t", "是", "有效", "专家", "√")
FALSE_WORDS = ("0", "false", "no", "n", "f", "否", "无效", "失效")
_TRUE = frozenset(TRUE_WORDS)
_FALSE = frozenset((*FALSE_WORDS, ""))
ITEM_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "重点": "重点",
        "重点检查事项": "重点",
        "重点事项": "重点",
        "重点抽查事项": "重点",
        "key": "重点",
        "一般": "一般",
        "一般检查事项": "一般",
        "一般事项": "一般",
        "一般抽查事项": "一般",
        "general": "一般",
    }
)
RISK_WORDS: Mapping[str, str] = MappingProxyType(
    {"低风险": "A", "一般风险": "B", "较高风险": "C", "高风险": "D"}
)
RISK_CLASSES = ("A", "B", "C", "D", "E")


class Bad(Exception):
    """A value the reference parser refuses: ``code`` is the catalog key."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class Slow(Exception):
    """The fast twin met something unusual; the row goes through the reference parser."""


# -- reference parsers ----------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    text = uscc.normalise(text)
    if not text:
        return None
    m = _DATE.match(text) or _DATE8.match(text)
    if m is None:
        if "T" in text and len(text) > 10:  # a datetime: its date (shorter: no loop)
            return parse_date(text[:10])
        raise Bad("registry.bad_date")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise Bad("registry.bad_date") from None


def parse_bool(text: str, default: bool) -> bool:
    low = text.strip().lower()
    if not low:
        return default
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise Bad("registry.bad_bool")


def parse_list(text: str) -> str:
    return join_list(sorted({p.strip() for p in LIST_SPLIT.split(text) if p.strip()}))


def join_list(values: Sequence[str]) -> str:
    """The stored form ``|a|b|`` of ``values`` in their order (``""`` when empty)."""
    return "|" + "|".join(values) + "|" if values else ""


def split_list(stored: str) -> list[str]:
    return [p for p in stored.split("|") if p]


def parse_ratio(text: str) -> str:
    """An exact ratio in (0, 1] as ``"p/q"`` in lowest terms; ``""`` for none."""
    raw = uscc.normalise(text)
    if not raw:
        return ""
    try:
        if raw.endswith("%"):
            value = Fraction(Decimal(raw[:-1])) / 100
        elif raw.endswith("‰"):
            value = Fraction(Decimal(raw[:-1])) / 1000
        elif "/" in raw:
            num, den = raw.split("/", 1)
            value = Fraction(int(num), int(den))
        else:
            value = Fraction(Decimal(raw))
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise Bad("registry.bad_ratio") from None
    if value <= 0 or value > 1:
        raise Bad("registry.ratio_range")
    return f"{value.numerator}/{value.denominator}"


def _p_text(text: str) -> str:
    return text.strip()


def _p_code(text: str) -> Any:
    value = uscc.normalise(text)
    if not value:
        return ""
    result = uscc.check(value)
    if result.error:
        raise Bad(result.error, **result.params)
    return result if result.warnings else result.code


def _p_legacy(text: str) -> Any:
    value = uscc.normalise(text)
    if not value:
        return ""
    result = uscc.check(value)
    if result.kind != "legacy":
        raise Bad("uscc.legacy_digits")
    return result if result.warnings else result.code


def _p_region(text: str) -> str:
    value = uscc.normalise(text)
    if value and not (len(value) == 6 and value.isdigit()):
        raise Bad("registry.bad_region")
    return value


def _p_date(text: str) -> date | None:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return parse_date(text)


def _p_item_type(text: str) -> str:
    item_type = ITEM_TYPES.get(text.strip().lower()) or ITEM_TYPES.get(text.strip())
    if item_type is None:
        raise Bad("registry.bad_item_type")
    return item_type


def _p_risk(text: str) -> str:
    value = text.strip()
    if not value:
        return ""
    value = RISK_WORDS.get(value, uscc.normalise(value))
    if value not in RISK_CLASSES:
        raise Bad("registry.bad_risk")
    return value


def _p_bool(text: str) -> bool:
    return parse_bool(text, False)


def _p_active(text: str) -> bool:
    return parse_bool(text, True)


# -- fast twins -----------------------------------------------------------------------------

# The bulk-import check of a clean USCC, in C when the extension is built (the twin of
# uscc.is_clean_valid_uscc, tested equal): a tenth of the per-row Python work of an import.
_uscc_ok: Callable[[str], bool] = (
    accel.native.uscc_ok if accel.native is not None else uscc.is_clean_valid_uscc
)


def _f_code(text: str) -> str:
    if _uscc_ok(text):
        return text
    raise Slow


# and of a clean 注册号 (the twin of uscc.is_clean_valid_legacy, tested equal)
_legacy_ok: Callable[[str], bool] = (
    accel.native.legacy_ok if accel.native is not None else uscc.is_clean_valid_legacy
)


def _f_legacy(text: str) -> str:
    if not text or _legacy_ok(text):
        return text
    raise Slow


def _f_region(text: str) -> str:
    if not text or (len(text) == 6 and text.isascii() and text.isdigit()):
        return text
    raise Slow


_RISK_FAST = frozenset(("", *RISK_CLASSES))


def _f_risk(text: str) -> str:
    if text in _RISK_FAST:
        return text
    raise Slow


def _f_list(text: str) -> str:
    if LIST_SPLIT.search(text) is None:
        item = text.strip()
        return f"|{item}|" if item else ""
    return parse_list(text)


def _f_date(text: str) -> str | None:
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        date.fromisoformat(text)  # ValueError -> slow path
        return text
    raise Slow


def _guarded(parser: Callable[[str], Any]) -> Callable[[str], Any]:
    """The reference itself as the twin, with a refusal turned into ``Slow``."""

    def run(text: str) -> Any:
        try:
            return parser(text)
        except Bad:
            raise Slow from None

    return run


@dataclass(frozen=True)
class Kind:
    name: str
    parse: Callable[[str], Any]  # the reference
    fast: Callable[[str], Any]  # its twin for the bulk path


KINDS: Mapping[str, Kind] = MappingProxyType(
    {
        k.name: k
        for k in (
            Kind("text", _p_text, _p_text),
            Kind("badge", uscc.normalise, uscc.normalise),
            Kind("code", _p_code, _f_code),
            Kind("legacy", _p_legacy, _f_legacy),
            Kind("region", _p_region, _f_region),
            Kind("date", _p_date, _f_date),
            Kind("bool", _p_bool, _guarded(_p_bool)),
            Kind("active", _p_active, _guarded(_p_active)),
            Kind("list", parse_list, _f_list),
            Kind("ratio", parse_ratio, _guarded(parse_ratio)),
            Kind("item_type", _p_item_type, _guarded(_p_item_type)),
            Kind("risk", _p_risk, _f_risk),
        )
    }
)
