"""``randcheck verifier-page --out FILE``: the standalone browser verifier, written atomically,
its SHA-256 printed; an existing file that is not a verifier page is left alone."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from randcheck import __version__, verifier
from randcheck.services import verifierpage
from tests.conftest import Cli


@pytest.fixture
def run(tmp_path: Path) -> Cli:
    """A CLI with no workspace: the page needs none (a reader's machine)."""
    home = tmp_path / "home"
    home.mkdir()
    return Cli(home, f"sqlite:///{home / 'none.sqlite'}")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_writes_the_standalone_page_and_prints_its_hash(run: Cli, tmp_path: Path) -> None:
    out = tmp_path / "pages" / "verify.html"  # a missing folder is made
    res = run("verifier-page", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8") == verifier.page(standalone=True)
    assert res.stdout == f"{verifier.page_sha256()}  {out}\n"  # sha256sum's format
    assert _sha(out) == verifier.page_sha256()
    assert f"randcheck {__version__}" in res.stderr and verifier.page_sha256() in res.stderr
    assert "README" in res.stderr
    assert oct(out.stat().st_mode & 0o777) == oct(0o644)
    assert sorted(p.name for p in out.parent.iterdir()) == ["verify.html"]  # no temp file


def test_the_page_is_self_contained_and_the_same_every_time(run: Cli, tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    assert run("verifier-page", "--out", str(a)).exit_code == 0
    assert run("verifier-page", "--out", str(b)).exit_code == 0
    assert a.read_bytes() == b.read_bytes() == verifierpage.standalone()
    text = a.read_text(encoding="utf-8")
    assert '<script src="verify.js">' not in text and text.count("</script>") == 1
    inline = text[text.index("<script>\n") + len("<script>\n") : text.rindex("</script>")]
    # the whole script, with only its "</script" and "<!--" escaped (in string literals)
    unescaped = re.sub(r"<\\/(script)", r"</\1", inline, flags=re.IGNORECASE)
    assert unescaped.replace("<\\!--", "<!--") == verifier.script()
    assert verifierpage.is_verifier_page(a.read_bytes()[: verifierpage.SNIFF])


def test_json(run: Cli, tmp_path: Path) -> None:
    out = tmp_path / "v.html"
    res = run("verifier-page", "--out", str(out), "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc == {"path": str(out), "sha256": verifier.page_sha256(),
                   "bytes": out.stat().st_size, "version": __version__,
                   "replaced": None}  # fmt: skip
    again = json.loads(run("verifier-page", "--out", str(out), "--json").stdout)
    assert again["replaced"] == "verifier" and again["sha256"] == doc["sha256"]


@pytest.mark.parametrize(
    ("lang", "written", "refused"),
    [
        ("zh", "已写出 randcheck", "不是 randcheck 写出的核验页"),
        ("en", "Wrote the standalone verifier of randcheck", "is not a verifier page"),
    ],
)
def test_messages_in_both_languages(
    run: Cli, tmp_path: Path, lang: str, written: str, refused: str
) -> None:
    out = tmp_path / "v.html"
    res = run("verifier-page", "--out", str(out), lang=lang)
    assert res.exit_code == 0 and written in res.stderr, res.output
    other = tmp_path / "notes.html"
    other.write_text("<!DOCTYPE html><p>my notes</p>", encoding="utf-8")
    bad = run("verifier-page", "--out", str(other), lang=lang)
    assert bad.exit_code == 3 and refused in bad.stderr, bad.output
    assert "Traceback" not in bad.output


def test_refuses_to_replace_another_file_unless_forced(run: Cli, tmp_path: Path) -> None:
    other = tmp_path / "report.html"
    other.write_bytes(b"<!DOCTYPE html><title>quarterly report</title>")
    res = run("verifier-page", "--out", str(other))
    assert res.exit_code == 3 and res.stdout == ""
    assert other.read_bytes() == b"<!DOCTYPE html><title>quarterly report</title>"
    forced = run("verifier-page", "--out", str(other), "--force", "--json")
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["replaced"] == "other"
    assert _sha(other) == verifier.page_sha256()


def test_replaces_an_earlier_verifier_page_of_any_version(run: Cli, tmp_path: Path) -> None:
    out = tmp_path / "verify.html"
    old = verifier.page(standalone=True).replace(
        f"/* randcheck {__version__} browser verifier", "/* randcheck 0.0.1 browser verifier", 1
    )
    assert old != verifier.page(standalone=True)
    out.write_text(old, encoding="utf-8")
    res = run("verifier-page", "--out", str(out), "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["replaced"] == "verifier" and _sha(out) == verifier.page_sha256()


def test_a_bundle_copy_is_not_taken_for_the_standalone_page(run: Cli, tmp_path: Path) -> None:
    """A bundle's verify.html (which loads verify.js) is no standalone page: refused."""
    out = tmp_path / "verify.html"
    out.write_text(verifier.page(), encoding="utf-8")
    assert run("verifier-page", "--out", str(out)).exit_code == 3
    assert out.read_text(encoding="utf-8") == verifier.page()


def test_a_folder_and_a_symlink(run: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    res = run("verifier-page", "--out", str(folder), "--force")
    assert res.exit_code == 3 and "is a folder" in res.stderr
    assert list(folder.iterdir()) == []
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "link.html"
    os.symlink(target, link)
    assert run("verifier-page", "--out", str(link)).exit_code == 3  # never followed
    assert run("verifier-page", "--out", str(link), "--force").exit_code == 0
    assert not link.is_symlink() and _sha(link) == verifier.page_sha256()
    assert target.read_text() == "keep me"  # the link was replaced, not what it pointed to
