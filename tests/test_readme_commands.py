"""README's example command lines for ``verify``, ``publish``, ``results``, ``log``, ``keys
export`` and ``verifier-page`` name commands and options that exist (checked against each
command's ``--help``), and README prints the SHA-256 of this version's standalone verifier."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from randcheck.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
GROUPS = {"results", "log", "keys"}  # commands with subcommands
CHECKED = {"verify", "publish", "results", "log", "keys", "verifier-page"}


def _lines() -> list[str]:
    """Every ``randcheck …`` line inside a fenced code block, comment and redirection cut."""
    text = README.read_text(encoding="utf-8")
    found: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = line.split("#", 1)[0].split(">", 1)[0].strip()
            if line.startswith("randcheck "):
                found.append(line)
    return found


def _checked() -> list[list[str]]:
    out = []
    for line in _lines():
        words = shlex.split(line)[1:]
        if words and words[0] in CHECKED and (words[0] != "keys" or words[1:2] == ["export"]):
            out.append(words)
    return out


def test_the_readme_has_such_lines() -> None:
    firsts = {w[0] for w in _checked()}
    assert {"verify", "publish", "results", "log", "keys", "verifier-page"} <= firsts


@pytest.mark.parametrize("words", _checked(), ids=lambda w: " ".join(w[:2]))
def test_readme_command_exists_with_its_options(words: list[str]) -> None:
    command = words[:2] if words[0] in GROUPS else words[:1]
    res = CliRunner().invoke(app, [*command, "--help"], env={"RANDCHECK_LANG": "en",
                                                             "COLUMNS": "200"})  # fmt: skip
    assert res.exit_code == 0, (words, res.output)
    for option in (w for w in words[len(command):] if w.startswith("--")):
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", res.output), (words, option)


#: the line README prints (section "Verifying in a browser"), whole
SHA_LINE = re.compile(r"^SHA-256 of the standalone page of randcheck (\S+): `([0-9a-f]{64})`$", re.M)


def test_readme_prints_the_standalone_verifiers_sha256() -> None:
    """Readers compare their copy of the standalone page with this hash: any change of the
    verifier (its script, page or messages) or of the version must change README too."""
    from randcheck import __version__, verifier

    want = f"SHA-256 of the standalone page of randcheck {__version__}: `{verifier.page_sha256()}`"
    found = SHA_LINE.findall(README.read_text(encoding="utf-8"))
    assert len(found) == 1, f"README.md must print exactly one line like:\n{want}"
    assert found[0] == (__version__, verifier.page_sha256()), (
        "README.md prints another SHA-256 of the standalone verifier page than this version's "
        "(randcheck/verifier changed: its script, page or catalog messages). Check the change, "
        f"then replace that line of README.md (section \"Verifying in a browser\") with:\n{want}"
    )
