"""The refusals of ``verify`` and ``log`` say what to do next, in both languages (issue 12:
every message with a next step), checked through the commands that print them.  The results
and publish ones are in tests/results/test_next_step.py.

No general rule is tested over the catalog: whether a text names a next step is not something
a pattern can tell honestly (a check finding inside a bundle, for one, has no next step for
the user but to distrust the bundle), so each changed message is tested where it is printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli

PW = "next-step-passphrase"
ENV = {"RANDCHECK_KEY_PASSPHRASE": PW}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def outsider(tmp_path: Path) -> Cli:
    home = tmp_path / "citizen"
    home.mkdir()
    return Cli(home, f"sqlite:///{home / 'none.sqlite'}")


@pytest.mark.parametrize(
    ("lang", "missing", "not_bundle", "bad_key"),
    [("en", "give the downloaded, unpacked publication folder (the one holding record.json)",
      "give the folder that holds record.json; unpack a downloaded archive first",
      "it must be the text file the office wrote with randcheck keys export (UTF-8)"),
     ("zh", "请给出下载并解压后的公示文件夹（含 record.json 的文件夹）",
      "请给出含 record.json 的文件夹；下载的压缩包请先解压",
      "应为机关用 randcheck keys export 导出的文本文件（UTF-8）")],
)  # fmt: skip
def test_verify_cannot_run_says_what_to_give(
    outsider: Cli, tmp_path: Path, lang: str, missing: str, not_bundle: str, bad_key: str
) -> None:
    res = outsider("verify", str(tmp_path / "nowhere"), lang=lang)
    assert res.exit_code == 3 and missing in flat(res.stderr), res.output
    folder = tmp_path / "downloads"
    folder.mkdir()
    res = outsider("verify", str(folder), lang=lang)
    assert res.exit_code == 3 and not_bundle in flat(res.stderr), res.output
    (folder / "record.json").write_text("{}")
    key = tmp_path / "office.pub"
    key.write_bytes(b"\xff\xfe not text")
    res = outsider("verify", str(folder), "--trusted-keys", str(key), lang=lang)
    assert res.exit_code == 3 and bad_key in flat(res.stderr), res.output


@pytest.fixture
def logged(ready_cli: Cli) -> Cli:
    """A workspace whose log holds a few entries (two keys made)."""
    assert ready_cli("keys", "init", env=ENV).exit_code == 0
    assert ready_cli("keys", "init", "--name", "k1", env=ENV).exit_code == 0
    return ready_cli


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "`randcheck log repair` restores only entries missing at the end of the file (an "
            "interrupted write); anything else is evidence: keep copies of audit_logs/ and the "
            "database"),
     ("zh", "randcheck log repair 只能补回文件末尾缺少的条目（写入中断）；其他问题都是证据：请保留 "
            "audit_logs/ 和数据库的副本")],
)  # fmt: skip
def test_a_broken_log_says_what_repair_can_and_cannot_do(
    logged: Cli, lang: str, words: str
) -> None:
    path = Path(logged.root) / "audit_logs" / "log.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:1] + lines[2:]))  # an entry removed
    res = logged("log", "verify", lang=lang)
    assert res.exit_code == 1, res.output
    assert words in flat(res.stderr)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "sign a new one first with randcheck log checkpoint"),
     ("zh", "请先运行 randcheck log checkpoint 签署新检查点")],
)  # fmt: skip
def test_prove_beyond_the_checkpoint_names_the_command(logged: Cli, lang: str, words: str) -> None:
    assert logged("log", "checkpoint", env=ENV).exit_code == 0
    assert logged("keys", "init", "--name", "k2", env=ENV).exit_code == 0  # one more entry
    shown = logged("log", "show", "--json")
    last = max(e["seq"] for e in json.loads(shown.stdout))
    res = logged("log", "prove", str(last), lang=lang)
    assert res.exit_code == 3, res.output
    assert words in flat(res.stderr)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "is not an inclusion proof file (c2sp.org/tlog-proof@v1): make one with randcheck "
            "log prove N -o FILE"),
     ("zh", "不是包含证明文件（c2sp.org/tlog-proof@v1）：请用 randcheck log prove 条目号 -o 文件 生成")],
)  # fmt: skip
def test_a_malformed_proof_file_is_named_with_where_proofs_come_from(
    logged: Cli, tmp_path: Path, lang: str, words: str
) -> None:
    pub = tmp_path / "office.pub"
    pub.write_text(logged("keys", "export").stdout)
    junk = tmp_path / "junk.tlog-proof"
    junk.write_text("not a proof\n")
    res = logged("log", "verify-proof", str(junk), "--key", str(pub), lang=lang)
    assert res.exit_code == 1, res.output
    assert f"{junk}" in flat(res.stderr) and words in flat(res.stderr)
    binary = tmp_path / "binary.tlog-proof"
    binary.write_bytes(b"\xff\xfe\x00")
    res = logged("log", "verify-proof", str(binary), "--key", str(pub), lang=lang)
    assert res.exit_code == 3 and words in flat(res.stderr), res.output
    res = logged("log", "verify-proof", str(junk), "--key", str(binary), lang=lang)
    assert res.exit_code == 3 and str(binary) in flat(res.stderr), res.output


def test_the_log_problem_column_keeps_the_whole_finding_on_80_columns(logged: Cli) -> None:
    """A Chinese sentence is one word to rich: the problem column folds instead of ending it
    with "…" (which would cut off the next step of the findings that have one)."""
    path = Path(logged.root) / "audit_logs" / "log.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:1] + lines[2:]))  # an entry removed
    found = json.loads(logged("log", "verify", "--json", lang="zh").stdout)["problems"]
    res = logged("log", "verify", lang="zh", env={"COLUMNS": "80"})
    assert res.exit_code == 1
    rows = [ln for ln in res.stderr.splitlines() if ln.startswith("│")]
    assert rows and max(len(ln) for ln in rows) <= 80
    problems = "".join("".join(ln.split("│")[3].split()) for ln in rows)
    for p in found:
        assert "".join(p["message"].split()) in problems, res.stderr
