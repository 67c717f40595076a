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
