"""The unified social credit code (GB 32100-2015) and the legacy 15-digit 注册号 (GS15-2006).

Pure functions only.  ``check(raw)`` normalises a value as typed by a user or exported by
Excel (full-width characters, lower case, spaces including U+3000) and returns a
``CodeCheck`` saying what kind of code it is, whether it is valid, and any warnings.

Rules (domain.md §3):

* USCC, 18 characters over ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, Z, S, V); positions
  3–8 are digits (GB/T 2260 region code).  Position 18 is the mod-31 check character; it is
  computed with python-stdnum's ``stdnum.cn.uscc.calc_check_digit``.  A wrong position-18
  character is an **error**.  Positions 1–2 may be letters (A, N, Y are real department codes),
  which python-stdnum's ``validate`` would reject, so the format check is done here.
* Positions 9–17 are the GB 11714 organisation code whose own check character is position 17
  (weights 3,7,9,10,5,8,4,2; ``11 − S mod 11``; 10 → X, 11 → 0).  A wrong one is only a
  **warning** (``uscc.warn_org_check``): the rule is well attested but codes issued in error exist.
* Legacy 注册号: 15 digits, the last an ISO 7064 MOD 11,10 check digit.  The source for that
  rule is secondary (domain.md §3 [S]) and pre-2006 numbers do not follow it, so a wrong
  check digit is a **warning** (``uscc.warn_legacy_check``), not an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, NamedTuple

from stdnum.cn import uscc as _stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_RE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}")
_ORG_VALUE = {c: int(c, 36) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}

# Per-position tables value(c) * weight: the checksums become one C-level map over the code.
_POS_TABLES = tuple({c: v * w for c, v in _VALUE.items()} for w in _WEIGHTS)
_ORG_TABLES = tuple({c: v * w for c, v in _ORG_VALUE.items()} for w in _ORG_WEIGHTS)

# Full-width ASCII (U+FF01..U+FF5E) -> ASCII, ideographic space and other spaces removed.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_SPACES = {ord(c): None for c in " \t\r\n\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"}
_TRANSLATE = {**_FULLWIDTH, **_SPACES}

Kind = Literal["uscc", "legacy", "invalid"]


class CodeCheck(NamedTuple):
    """Result of ``check``: the normalised code, its kind, and catalog keys of problems."""

    code: str
    kind: Kind
    error: str | None = None  # catalog key; set iff kind == "invalid"
    warnings: tuple[str, ...] = ()
    params: Mapping[str, str] = MappingProxyType({})

    @property
    def ok(self) -> bool:
        return self.error is None


def normalise(raw: str) -> str:
    """Full-width to half-width, spaces (incl. U+3000) removed, upper case."""
    if raw.isascii() and raw.isalnum():  # the common case, without a translate pass
        return raw.upper()
    return raw.translate(_TRANSLATE).upper()


def uscc_check_char(first17: str) -> str:
    """The position-18 check character of a 17-character USCC body (python-stdnum)."""
    return str(_stdnum_uscc.calc_check_digit(first17 + "0"))


def _fast_check_char(first17: str) -> str:
    # Same formula as stdnum (tested equal); avoids its per-call cleaning on the bulk path.
    total = sum(map(dict.__getitem__, _POS_TABLES, first17))
    return ALPHABET[(31 - total) % 31]


def org_check_char(body8: str) -> str:
    """The GB 11714 check character for an 8-character organisation-code body."""
    total = sum(map(dict.__getitem__, _ORG_TABLES, body8))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def _mod11_10_step(p: int, digit: int) -> int:
    s = (p + digit) % 10 or 10
    return (s * 2) % 11


# State after two digits, indexed [state][two-digit string]: half the Python-level steps.
_PAIR_STEP = [
    {f"{a}{b}": _mod11_10_step(_mod11_10_step(p, a), b) for a in range(10) for b in range(10)}
    for p in range(11)
]


def legacy_check_digit(first14: str) -> str:
    """The ISO 7064 MOD 11,10 check digit of a 14-digit 注册号 body."""
    p = 10
    for i in range(0, 14, 2):
        p = _PAIR_STEP[p][first14[i : i + 2]]
    return str((11 - p) % 10)


def is_clean_valid_legacy(number: str) -> bool:
    """True iff ``number`` is 15 ASCII digits with the right check digit (fast path)."""
    return (
        len(number) == 15
        and number.isascii()
        and number.isdigit()
        and legacy_check_digit(number[:14]) == number[14]
    )


def is_clean_valid_uscc(code: str) -> bool:
    """True iff ``code`` is already normalised and a USCC with both check characters right
    (the bulk-import fast path; anything else goes through ``check``)."""
    return (
        len(code) == 18
        and _USCC_RE.fullmatch(code) is not None
        and _fast_check_char(code[:17]) == code[17]
        and org_check_char(code[8:16]) == code[16]
    )


def check(raw: str) -> CodeCheck:
    """Normalise and validate a USCC or a legacy 15-digit 注册号.  Never raises."""
    code = normalise(raw)
    if len(code) == 18:
        if _USCC_RE.fullmatch(code) is not None:
            expected = _fast_check_char(code[:17])
            if code[17] == expected:
                org = org_check_char(code[8:16])
                if org == code[16]:
                    return CodeCheck(code, "uscc")
                return CodeCheck(code, "uscc", None, ("uscc.warn_org_check",), {"expected": org})
        bad = [c for c in code if c not in _VALUE]
        if bad:
            return CodeCheck(code, "invalid", "uscc.bad_char", params={"char": bad[0]})
        if not code[2:8].isdigit():
            return CodeCheck(code, "invalid", "uscc.bad_region")
        expected = _fast_check_char(code[:17])
        if code[17] != expected:
            return CodeCheck(code, "invalid", "uscc.bad_check", params={"expected": expected})
        warnings: tuple[str, ...] = ()
        params: dict[str, str] = {}
        if org_check_char(code[8:16]) != code[16]:
            warnings = ("uscc.warn_org_check",)
            params = {"expected": org_check_char(code[8:16])}
        return CodeCheck(code, "uscc", None, warnings, params)
    if len(code) == 15:
        if not code.isdigit():
            return CodeCheck(code, "invalid", "uscc.legacy_digits")
        expected = legacy_check_digit(code[:14])
        if code[14] != expected:
            return CodeCheck(
                code, "legacy", None, ("uscc.warn_legacy_check",), {"expected": expected}
            )
        return CodeCheck(code, "legacy")
    if not code:
        return CodeCheck(code, "invalid", "uscc.empty")
    return CodeCheck(code, "invalid", "uscc.bad_length", params={"length": str(len(code))})


def make_uscc(dept: str, kind: str, region: str, org_body8: str) -> str:
    """A valid USCC from its parts (the org-code and position-18 check characters computed)."""
    first16 = dept + kind + region + org_body8
    first17 = first16 + org_check_char(org_body8)
    return first17 + uscc_check_char(first17)


def make_legacy(first14: str) -> str:
    """A valid 15-digit 注册号 from its 14-digit body."""
    return first14 + legacy_check_digit(first14)
