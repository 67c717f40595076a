"""Every message exists in both languages, with the same placeholders."""

from __future__ import annotations

import re
import string

from randcheck.catalog import LANGS, MESSAGES, normalise_lang, render


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_key_has_every_language() -> None:
    missing = [(k, lang) for k, texts in MESSAGES.items() for lang in LANGS if not texts.get(lang)]
    assert missing == []


def test_placeholders_match_between_languages() -> None:
    bad = [k for k, t in MESSAGES.items() if _fields(t["zh"]) != _fields(t["en"])]
    assert bad == []


def test_chinese_texts_are_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    not_chinese = [k for k, t in MESSAGES.items() if not han.search(t["zh"]) and t["zh"] != t["en"]]
    assert not_chinese == []


def test_render_fills_and_falls_back() -> None:
    assert render("io.file_missing", "en", path="a.csv") == "file not found: a.csv"
    assert "a.csv" in render("io.file_missing", "zh", path="a.csv")
    assert render("no.such.key", "en", x=1) == "no.such.key x=1"


def test_normalise_lang() -> None:
    assert normalise_lang("EN") == "en"
    assert normalise_lang("zh_CN.UTF-8") == "zh"
    assert normalise_lang(None) == "zh"


def test_nested_message_is_rendered_in_the_same_language() -> None:
    text = render(
        "task.check_failed",
        "en",
        task="T1",
        reason_key="check.capacity",
        reason_params={"need": 10, "capacity": 4},
    )
    assert text == (
        "task T1 failed its feasibility check: not enough inspectors: "
        "10 assignments needed, at most 4 possible"
    )
    zh = render("task.check_failed", "zh", task="T1", reason_key="check.nothing_to_draw")
    assert zh == "任务 T1 未通过可行性检查：没有可抽取的对象"


def test_click_words_are_in_the_catalog_and_english_is_click_s_own() -> None:
    from randcheck.cli._clicktext import ERRORS, MSGIDS

    for msgid, key in MSGIDS.items():
        assert MESSAGES[key]["en"] == msgid, key  # English output is exactly click's
    for _pattern, key in ERRORS:
        assert key in MESSAGES, key
    assert "click.try_help" in MESSAGES


def test_click_error_forms_are_matched_in_both_languages() -> None:
    from randcheck.cli._clicktext import error_text

    cases = {
        "Missing argument 'FILE'.": ("缺少参数 'FILE'。", "Missing argument 'FILE'."),
        "No such option: --bogus": ("没有选项 --bogus", "No such option: --bogus"),
        "No such option: --jsn (Possible options: --json)": (
            "没有选项 --jsn（可用的选项：--json）",
            "No such option: --jsn (Possible options: --json)",
        ),
        "Got unexpected extra argument(s) (x)": (
            "多余的参数：x",
            "Got unexpected extra argument(s) (x)",
        ),
        "Option '--lang' requires an argument.": (
            "选项 '--lang' 需要一个值。",
            "Option '--lang' requires an argument.",
        ),
        "Invalid value for '--n': 'x' is not a valid integer.": (
            "'--n' 的值无效：'x' is not a valid integer.",
            "Invalid value for '--n': 'x' is not a valid integer.",
        ),
        "something click says that we do not know": (
            "something click says that we do not know",
            "something click says that we do not know",
        ),
    }
    for message, (zh, en) in cases.items():
        assert error_text(message, "zh") == zh
        assert error_text(message, "en") == en
