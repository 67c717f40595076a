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
    if "Commands:" in r.stdout:
        for line in r.stdout.split("Commands:", 1)[1].splitlines():
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
