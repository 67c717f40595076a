"""Every command has help in both languages, and the README names every command group.

Help texts are chosen when the CLI is imported (from --lang or RANDCHECK_LANG), so each
language is walked in its own subprocess, in-process there with CliRunner.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WALK = r"""
import json, re, sys
from typer.testing import CliRunner
from randcheck.cli import app
runner = CliRunner()
seen, todo = {}, [()]
while todo:
    path = todo.pop()
    r = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    if r.exit_code != 0:
        print(json.dumps({"error": list(path), "out": r.output})); sys.exit(1)
    seen[" ".join(path)] = r.stdout
    heading = "Commands:" if "Commands:" in r.stdout else "命令:"
    if heading in r.stdout:
        for line in r.stdout.split(heading, 1)[1].splitlines():
            m = re.match(r"^  ([a-z][a-z-]*)\s", line)
            if m:
                todo.append((*path, m.group(1)))
print(json.dumps(seen))
"""


def _walk(lang: str) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-c", WALK],
        capture_output=True,
        text=True,
        env={"RANDCHECK_LANG": lang, "COLUMNS": "200", "PATH": ""},
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    result: dict[str, str] = json.loads(out.stdout)
    return result


@pytest.fixture(scope="module")
def helps() -> dict[str, dict[str, str]]:
    return {lang: _walk(lang) for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_has_help(helps: dict[str, dict[str, str]], lang: str) -> None:
    pages = helps[lang]
    assert len(pages) > 30  # the whole tree was walked
    han = re.compile(r"[\u4e00-\u9fff]")
    for path, text in pages.items():
        summary = text.split("\n\n", 2)[1].strip() if "\n\n" in text else ""
        assert summary, path
        if lang == "zh":
            assert han.search(summary), (path, summary)
        else:
            # a sentence, not a fragment
            assert not summary[0].islower() or summary.startswith("randcheck"), (path, summary)


def test_both_languages_have_the_same_commands(helps: dict[str, dict[str, str]]) -> None:
    assert sorted(helps["zh"]) == sorted(helps["en"])


def test_readme_names_every_group(helps: dict[str, dict[str, str]]) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    groups = sorted({p.split()[0] for p in helps["en"] if p})
    missing = [g for g in groups if not re.search(rf"\b{re.escape(g)}\b", readme)]
    assert missing == []


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ("用法：", "选项:", "显示本帮助并退出。", "命令:")),
        ("en", ("Usage: ", "Options:", "Show this message and exit.", "Commands:")),
    ],
)
def test_click_s_own_words_are_in_the_user_s_language(
    helps: dict[str, dict[str, str]], lang: str, words: tuple[str, ...]
) -> None:
    other = {"zh": ("Usage:", "Options:", "Show this message"), "en": ("用法", "选项", "显示本帮助")}
    for path, text in helps[lang].items():
        usage, options, help_option, commands = words
        assert text.startswith(usage), (path, text[:40])
        assert options in text and help_option in text, path
        if "Commands" in text or "命令" in text:
            assert commands in text, path
        assert not [w for w in other[lang] if w in text], (path, text)


def _run(*args: str, lang: str | None) -> subprocess.CompletedProcess[str]:
    env = {"COLUMNS": "200", "PATH": ""}
    if lang is not None:
        env["RANDCHECK_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "randcheck", *args],
        capture_output=True, text=True, env=env, check=False,
    )


def test_lang_on_the_command_line_sets_the_help_language() -> None:
    """--help is printed before the root callback runs: --lang is read from the command line."""
    assert _run("--lang", "en", "--help", lang="zh").stdout.startswith("Usage: ")
    assert _run("--lang=zh", "task", "--help", lang="en").stdout.startswith("用法：")
    assert _run("--help", lang=None).stdout.startswith("用法：")  # Chinese is the default


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("task", "show"), "缺少参数 'task'。", "Missing argument 'task'."),
        (("task", "list", "--bogus"), "没有选项 --bogus", "No such option: --bogus"),
        (("nosuch",), "没有命令 'nosuch'。", "No such command 'nosuch'."),
        (
            ("task", "list", "extra"),
            "多余的参数：extra",
            "Got unexpected extra argument(s) (extra)",
        ),
        (("--lang",), "选项 '--lang' 需要一个值。", "Option '--lang' requires an argument."),
    ],
    ids=str,
)
def test_click_s_errors_are_in_the_user_s_language(
    args: tuple[str, ...], zh: str, en: str
) -> None:
    for lang, text, prefix, hint in (
        ("zh", zh, "错误: ", "查看用法"),
        ("en", en, "Error: ", "for help."),
    ):
        r = _run(*args, lang=lang)
        assert r.returncode == 2, r.stderr
        assert f"{prefix}{text}" in r.stderr, r.stderr
        if args != ("--lang",):  # an option without its value: no usage line, as in click
            assert hint in r.stderr, r.stderr
        assert "Traceback" not in r.stderr


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_command_list_gives_every_command_a_readable_line(lang: str) -> None:
    """click cuts short help at spaces: a Chinese help text became a bare "..." (review)."""
    from typer.testing import CliRunner

    from randcheck.cli import COMMANDS, app

    result = CliRunner().invoke(app, ["--help"], env={"RANDCHECK_LANG": lang, "COLUMNS": "80"})
    assert result.exit_code == 0
    listed = {
        line.split()[0]: line.split(None, 1)[1]
        for line in result.output.split("Commands:" if lang == "en" else "命令:")[1].splitlines()
        if line.strip()
    }
    assert set(COMMANDS) <= set(listed)
    for name, text in listed.items():
        assert len(text.rstrip("…")) >= 6, (name, text)  # words, not "..."
        if not text.endswith("…"):  # a whole sentence: no bracket left open
            assert text.count("（") == text.count("）") and text.count("(") == text.count(")")


def test_short_help_cuts_by_sentence_and_display_width() -> None:
    from randcheck.cli._clicktext import short_help

    assert short_help("停用一条记录（从不删除；记入审计日志）。") == "停用一条记录"
    assert short_help("第一句。第二句。") == "第一句"
    cut = short_help("核验公示文件夹：" + "签名、" * 40, 30)
    assert cut.endswith("…") and sum(2 if ord(c) > 0x2E80 else 1 for c in cut) <= 30
    assert short_help("Check a publication folder: signatures and more words here", 30) == (
        "Check a publication folder…"
    )
