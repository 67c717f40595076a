"""The credit code (GB 32100) and the legacy 注册号: normalisation, checks, warnings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from randcheck.core import uscc

# Published codes (domain.md §3): stdnum's doctest vector, Huawei, Tencent.
KNOWN = ["91110000600037341L", "914403001922038216", "9144030071526726XG"]
# 注册号 of Tencent (Shenzhen) and Alibaba (China) under GS15-2006.
KNOWN_LEGACY = ["440301103448669", "330100400015575"]

body_char = st.sampled_from(uscc.ALPHABET)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    dept = draw(st.sampled_from("123456789ANY"))
    kind = draw(body_char)
    region = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=6, max_size=6)))
    body = "".join(draw(st.lists(body_char, min_size=8, max_size=8)))
    return uscc.make_uscc(dept, kind, region, body)


@pytest.mark.parametrize("code", KNOWN)
def test_known_codes_validate(code: str) -> None:
    result = uscc.check(code)
    assert result.ok and result.kind == "uscc" and result.code == code
    assert result.warnings == ()
    assert uscc.is_clean_valid_uscc(code)


@pytest.mark.parametrize("code", KNOWN_LEGACY)
def test_known_legacy_numbers_validate(code: str) -> None:
    result = uscc.check(code)
    assert result.ok and result.kind == "legacy" and result.warnings == ()


def test_normalise_full_width_lower_case_and_spaces() -> None:
    raw = " ９１４４０３００\u3000７１５２６７２６ｘｇ "
    assert uscc.normalise(raw) == "9144030071526726XG"
    assert uscc.check(raw).code == "9144030071526726XG"
    assert uscc.check("9144030071526726xg").ok


def test_bad_check_character_is_an_error_naming_the_expected_one() -> None:
    result = uscc.check("914403001922038217")
    assert not result.ok and result.error == "uscc.bad_check"
    assert result.params == {"expected": "6"}


def test_forbidden_letters_and_region_digits() -> None:
    assert uscc.check("91440300192203821I").error == "uscc.bad_char"
    assert uscc.check("91440300192203821O").error == "uscc.bad_char"
    assert uscc.check("9144A3001922038216").error == "uscc.bad_region"


def test_lengths_and_empty() -> None:
    assert uscc.check("").error == "uscc.empty"
    assert uscc.check("12345").error == "uscc.bad_length"
    assert uscc.check("4403011034486690").params == {"length": "16"}
    assert uscc.check("44030110344866A").error == "uscc.legacy_digits"


def test_bad_org_code_check_is_only_a_warning() -> None:
    # Change position 17 (org-code check) and recompute position 18 so only pos 17 is wrong.
    first16 = "914403001922038" + "2"
    wrong17 = "5"  # the right one is 1
    first17 = first16[:16] + wrong17
    code = first17 + uscc.uscc_check_char(first17)
    result = uscc.check(code)
    assert result.ok and result.kind == "uscc"
    assert result.warnings == ("uscc.warn_org_check",)
    assert result.params == {"expected": "1"}
    assert not uscc.is_clean_valid_uscc(code)


def test_bad_legacy_check_digit_is_a_warning() -> None:
    result = uscc.check("440301103448668")
    assert result.ok and result.kind == "legacy"
    assert result.warnings == ("uscc.warn_legacy_check",)
    assert result.params == {"expected": "9"}


def test_letter_department_codes_accepted() -> None:
    code = uscc.make_uscc("N", "1", "320505", "MA1X2Y3B")
    assert uscc.check(code).ok


@given(valid_codes())
def test_every_generated_code_validates_and_matches_stdnum(code: str) -> None:
    result = uscc.check(code)
    assert result.ok and result.warnings == ()
    assert uscc.is_clean_valid_uscc(code)
    assert stdnum_uscc.calc_check_digit(code) == code[17]


@given(valid_codes(), st.integers(0, 17), body_char)
def test_any_single_character_change_fails(code: str, pos: int, new: str) -> None:
    if new == code[pos]:
        new = uscc.ALPHABET[(uscc.ALPHABET.index(new) + 1) % 31]
    changed = code[:pos] + new + code[pos + 1 :]
    result = uscc.check(changed)
    # mod 31 over a 31-character alphabet with weights prime to 31 catches every
    # single substitution; a non-digit in 3..8 is a format error
    assert not result.ok
    assert not uscc.is_clean_valid_uscc(changed)


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_generated_legacy_numbers_validate_and_single_changes_warn(body: str) -> None:
    number = uscc.make_legacy(body)
    assert uscc.check(number).warnings == ()
    changed = number[:5] + str((int(number[5]) + 1) % 10) + number[6:]
    assert uscc.check(changed).warnings == ("uscc.warn_legacy_check",)


@given(st.text(max_size=30))
def test_check_never_raises(raw: str) -> None:
    result = uscc.check(raw)
    assert (result.error is None) == (result.kind != "invalid")
