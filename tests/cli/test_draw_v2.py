"""``randcheck draw`` of a randcheck/draw/v2 task through CliRunner: the ``--entropy`` path
commits the values (signed by the operator and the witness) before the round, the round is
the one the commitment fixes, ``--resume`` continues a stopped commitment, and ``verify``
says what the ordering rests on."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from randcheck.core.draw import drand, envelope
from randcheck.services import keys, tasks
from randcheck.store.db import open_engine
from randcheck.workspace import Workspace
from tests.ceremony import workspace as w

TASK = "2026-V2"
MARGIN = 60
ROUND_TIME = drand.round_time(drand.CHAINS["quicknet"], w.DRAND_ROUND)
COMMIT_AT = datetime.fromtimestamp(ROUND_TIME - MARGIN - 1, UTC)
ENV = {"RANDCHECK_KEY_PASSPHRASE": w.PASSPHRASE,
       "RANDCHECK_WITNESS_PASSPHRASE_ZHANG_SAN": w.WITNESS_PASSPHRASE}  # fmt: skip
V2_TOML = (
    w.TASK_TOML.replace(f'id = "{w.TASK}"', f'id = "{TASK}"').replace(
        f"round = {w.DRAND_ROUND}\n", ""
    )
    + f"""
spec = "v2"
[ordering]
margin = {MARGIN}
witnesses = ["张三=zhang-san"]
"""
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return w.demo_files(tmp_path_factory.mktemp("demo"))


def build_v2(root: Path, db_url: str, demo: dict[str, Path]) -> Workspace:
    ws = w.build(root, db_url, demo, witness=True, announce=False)
    engine = open_engine(db_url)
    try:
        path = root.parent / "v2.toml"
        # [ordering] must come after every top-level key: move `spec` above the tables
        text = V2_TOML.replace('spec = "v2"\n', "")
        path.write_text('spec = "v2"\n' + text, encoding="utf-8")
        tasks.create_tasks(ws, engine, path, "tester")
        key = keys.load_private_key(ws, "office", w.PASSPHRASE.encode())
        tasks.announce(ws, engine, TASK, key, "tester", w.announce_time())
    finally:
        engine.dispose()
    return ws


@pytest.fixture
def announced(
    cli: Any, ws_root: Path, db_url: str, demo: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> Any:
    build_v2(ws_root, db_url, demo)
    # the commitment is made "now": one second before the last moment that fixes DRAND_ROUND
    monkeypatch.setattr("randcheck.cli.draw.ordering._now", lambda: COMMIT_AT)
    return cli


def test_entropy_path_commits_before_the_round(announced: Any, tmp_path: Path, db_url: str) -> None:
    entropy = w.write_entropy(tmp_path / "e.json")
    result = announced("draw", TASK, "--entropy", str(entropy), "--yes",
                       "--witness-key", "zhang-san", env=ENV)  # fmt: skip
    assert result.exit_code == 0, result.output
    st = w.state(db_url)
    kinds = [k for k, _ in st["log"]]
    i = kinds.index("draw.committed")
    assert kinds[i + 1 :] == ["draw.revealed", "draw.record"]
    committed = st["log"][i][1]
    assert committed["round"] == w.DRAND_ROUND and committed["anchors"] == ["witnesses"]
    assert st["log"][i + 1][1]["commitment"] == committed["commitment"]
    rec = envelope.open_envelope(st["records"][-1][3], "record").doc
    assert rec["spec"] == "randcheck/draw/v2" and rec["commitment"] == committed["commitment"]
    com = envelope.open_envelope(committed["envelope"].encode(), "commitment")
    assert len(com.signatures) == 2  # the operator, then the witness
    assert str(w.DRAND_ROUND) in result.output  # the round is shown


def test_an_undeclared_witness_key_is_refused(
    announced: Any, tmp_path: Path, db_url: str, ws_root: Path
) -> None:
    entropy = w.write_entropy(tmp_path / "e.json")
    result = announced("draw", TASK, "--entropy", str(entropy), "--yes",
                       "--witness-key", "office", env=ENV)  # fmt: skip
    assert result.exit_code != 0
    assert "draw.committed" not in [k for k, _ in w.state(db_url)["log"]]


def test_resume_continues_the_commitment(announced: Any, tmp_path: Path, db_url: str) -> None:
    # the round file is wrong and --yes cannot ask again: the ceremony stops after committing
    entropy = w.write_entropy(tmp_path / "e.json", {**w.ENTROPY, "drand": {
        **w.DRAND, "round": w.DRAND_ROUND + 1}})  # fmt: skip
    first = announced("draw", TASK, "--entropy", str(entropy), "--yes",
                      "--witness-key", "zhang-san", env=ENV, input="\n")  # fmt: skip
    assert first.exit_code != 0
    kinds = [k for k, _ in w.state(db_url)["log"]]
    assert "draw.committed" in kinds and "draw.record" not in kinds
    again = announced("draw", TASK, "--entropy", str(w.write_entropy(tmp_path / "ok.json")),
                      "--yes", env=ENV)  # fmt: skip
    assert again.exit_code == 1  # a commitment is pending: --resume or --redraw
    drand_file = tmp_path / "round.json"
    drand_file.write_text(json.dumps(w.DRAND), encoding="utf-8")
    resumed = announced("draw", TASK, "--resume", "--drand-file", str(drand_file), "--yes",
                        env=ENV)  # fmt: skip
    assert resumed.exit_code == 0, resumed.output
    st = w.state(db_url)
    commits = [p for k, p in st["log"] if k == "draw.committed"]
    assert len(commits) == 1  # the same commitment, not a new one
    rec = envelope.open_envelope(st["records"][-1][3], "record").doc
    assert rec["commitment"] == commits[0]["commitment"]


def test_verify_says_the_witness_cosigned(
    announced: Any, tmp_path: Path, db_url: str, ws_root: Path
) -> None:
    entropy = w.write_entropy(tmp_path / "e.json")
    done = announced("draw", TASK, "--entropy", str(entropy), "--yes", "--json",
                     "--witness-key", "zhang-san", env=ENV)  # fmt: skip
    assert done.exit_code == 0, done.output
    record = json.loads(done.stdout)["record"]
    pub = announced("publish", record, env=ENV)
    assert pub.exit_code == 0, pub.output
    bundle = str(ws_root / "publish" / TASK)
    # A2: the witness's key is not one this reader trusts yet: unverified (exit 4), named, and
    # the summary says --witness-keys settles it
    out = announced("verify", bundle, lang="zh")
    assert out.exit_code == 4, out.output
    flat = "".join(out.output.split("\n")).replace("│", "").replace(" ", "")
    assert "见证人张三联署（公钥未经独立核实）" in flat
    assert "见证人公钥未经独立核实" in flat and "--witness-keys" in flat
    # given the office's and the witness's own key files: passed, in words
    files = []
    for name, opt in (("office", "--trusted-keys"), ("zhang-san", "--witness-keys")):
        pub = tmp_path / f"{name}.pub"
        pub.write_text(announced("keys", "export", "--name", name).stdout, encoding="utf-8")
        files += [opt, str(pub)]
    for lang, words in (
        ("zh", "见证人 张三 当场联署熵承诺，确认承诺时间为北京时间"),
        ("en", "witnesses 张三 co-signed the commitment on the spot"),
    ):
        out = announced("verify", bundle, *files, lang=lang)
        assert out.exit_code == 0, out.output
        assert words in "".join(out.output.split("\n")).replace("│", "")


def test_practice_commits_nothing_and_uses_the_round_now_would_fix(
    announced: Any, tmp_path: Path, db_url: str
) -> None:
    entropy = w.write_entropy(tmp_path / "e.json")
    result = announced("draw", TASK, "--practice", "--entropy", str(entropy), "--yes", env=ENV)
    assert result.exit_code == 0, result.output
    kinds = [k for k, _ in w.state(db_url)["log"]]
    assert "draw.committed" not in kinds and kinds[-1] == "draw.practice"


def test_task_show_names_spec_and_ordering_and_no_v1_delay(announced: Any) -> None:
    """C: `task show` of a v2 task lists spec and [ordering], and not v1's drand delay."""
    out = announced("task", "show", TASK, lang="en")
    assert out.exit_code == 0, out.output
    flat = " ".join(out.output.split())
    assert "spec" in flat and "v2" in flat and "ordering" in flat and "margin" in flat
    assert "delay" not in flat
