"""``randcheck draw``: the ceremony run non-interactively (and through CliRunner's input),
practice, redraws, aborts, bad entropy and substitutions, in both languages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from randcheck.core.draw import envelope
from randcheck.services.draws import short_code
from tests.ceremony import workspace as w

OK_ENV = {"RANDCHECK_KEY_PASSPHRASE": w.PASSPHRASE}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return w.demo_files(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def announced(cli: Any, ws_root: Path, db_url: str, demo: dict[str, Path]) -> Any:
    w.build(ws_root, db_url, demo)
    return cli


@pytest.fixture
def entropy(tmp_path: Path) -> Path:
    return w.write_entropy(tmp_path / "entropy.json")


def draw(
    cli: Any, entropy: Path, *extra: str, lang: str = "en", env: dict[str, str] | None = None
) -> Any:
    return cli(
        "draw", w.TASK, "--entropy", str(entropy), "--yes", *extra, lang=lang, env=env or OK_ENV
    )


def kinds(db_url: str) -> list[str]:
    return [k for k, _ in w.state(db_url)["log"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_full_draw_non_interactive(announced: Any, entropy: Path, db_url: str, lang: str) -> None:
    result = draw(announced, entropy, lang=lang)
    assert result.exit_code == 0, result.output
    st = w.state(db_url)
    assert len(st["records"]) == 1
    digest, superseded, redraw, env = st["records"][0]
    assert not superseded and redraw is None
    assert len(envelope.open_envelope(env, "record").signatures) == 1
    assert st["log"][-1][0] == "draw.record"
    assert st["log"][-1][1]["record"] == digest
    # the code to read aloud and the digest are on screen, in the chosen language
    assert short_code(digest) in result.stdout
    assert digest in result.stdout
    title = "抽取完成" if lang == "zh" else "Draw complete"
    assert title in result.stdout
    assert (
        "请当众宣读核验码" if lang == "zh" else "Read the verification code aloud"
    ) in result.stdout


def test_json_output_and_run_alias(announced: Any, entropy: Path, db_url: str) -> None:
    result = announced(
        "draw", "run", w.TASK, "--entropy", str(entropy), "--yes", "--json", env=OK_ENV
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    digest = w.state(db_url)["records"][0][0]
    assert doc["record"] == digest and doc["code"] == short_code(digest)
    assert doc["practice"] is False and doc["redraw"] is None
    assert "Step 1 of 6" in result.stderr  # the ceremony went to stderr


def test_witness_cosigns(announced: Any, entropy: Path, db_url: str) -> None:
    env = dict(OK_ENV, RANDCHECK_WITNESS_PASSPHRASE_ZHANG_SAN=w.WITNESS_PASSPHRASE)
    result = draw(announced, entropy, "--witness-key", "zhang-san", env=env)
    assert result.exit_code == 0, result.output
    st = w.state(db_url)
    assert len(envelope.open_envelope(st["records"][0][3], "record").signatures) == 2
    assert len(st["log"][-1][1]["signers"]) == 2


def test_second_draw_refused_then_marked_redraw(announced: Any, entropy: Path, db_url: str) -> None:
    assert draw(announced, entropy).exit_code == 0
    before = w.state(db_url)
    again = draw(announced, entropy, lang="zh")
    assert again.exit_code == 1
    assert "--redraw" in again.stderr and "已有正式抽取" in again.stderr
    assert w.state(db_url) == before  # refused before anything was shown or logged
    redo = draw(announced, entropy, "--redraw", "--reason", "见证人未到场")
    assert redo.exit_code == 0, redo.output
    st = w.state(db_url)
    assert [(r[1], r[2]) for r in st["records"]] == [(True, None), (False, "见证人未到场")]
    body = envelope.open_envelope(st["records"][1][3], "record").doc
    assert body["redraw"] == {"reason": "见证人未到场"}
    assert body["previous_record"] == st["records"][0][0]
    kind, payload = st["log"][-1]
    assert kind == "draw.record" and payload["redraw"] == {"reason": "见证人未到场"}
    assert payload["supersedes"] == [st["records"][0][0]]
    assert "见证人未到场" in redo.stdout


def test_redraw_refused_when_nothing_drawn(announced: Any, entropy: Path, db_url: str) -> None:
    before = w.state(db_url)
    result = draw(announced, entropy, "--redraw", "--reason", "x")
    assert result.exit_code == 1
    assert "--redraw is not needed" in result.stderr
    assert w.state(db_url) == before


def test_redraw_usage(announced: Any, entropy: Path, db_url: str) -> None:
    before = w.state(db_url)
    for args in (
        ["--redraw"],
        ["--reason", "x"],
        ["--redraw", "--reason", "  "],
        ["--practice", "--redraw", "--reason", "x"],
        ["--practice", "--witness-key", "zhang-san"],
    ):
        result = draw(announced, entropy, *args)
        assert result.exit_code == 2, args
    assert w.state(db_url) == before


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_practice_never_stores(announced: Any, entropy: Path, db_url: str, lang: str) -> None:
    before = w.state(db_url)
    result = draw(announced, entropy, "--practice", lang=lang, env={})
    assert result.exit_code == 0, result.output
    st = w.state(db_url)
    assert st["records"] == [] and st["addenda"] == []
    assert st["log"][:-1] == before["log"]
    kind, payload = st["log"][-1]
    assert kind == "draw.practice" and payload["task"] == w.TASK
    banner = "不是正式抽取" if lang == "zh" else "NOT an official draw"
    assert result.stdout.count(banner) >= 5  # on every stage
    if lang == "zh":
        return
    # the practice seed is not the official one: an official draw afterwards is not a redraw
    official = draw(announced, entropy)
    assert official.exit_code == 0, official.output
    body = envelope.open_envelope(w.state(db_url)["records"][0][3], "record").doc
    assert body["redraw"] is None and body["seed"] != payload["seed"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_wrong_passphrase_stores_nothing_and_logs_abort(
    announced: Any, entropy: Path, db_url: str, lang: str
) -> None:
    before = w.state(db_url)
    result = draw(announced, entropy, lang=lang, env={"RANDCHECK_KEY_PASSPHRASE": "wrong"})
    assert result.exit_code == 3
    st = w.state(db_url)
    assert st["records"] == [] and st["log"][:-2] == before["log"]
    assert st["log"][-2][0] == "draw.revealed"  # logged before the seed was shown
    kind, payload = st["log"][-1]
    assert kind == "draw.aborted"
    assert payload == {
        "task": w.TASK,
        "stage": "sign",
        "reason": "keys.bad_passphrase",
        "practice": False,
        "attempt": len(before["log"]),
    }
    assert ("--redraw" in result.stdout) and (
        "抽取已中止" if lang == "zh" else "Draw aborted"
    ) in result.stdout
    # the seed was shown, so the next official draw must be a marked redraw
    assert draw(announced, entropy).exit_code == 1
    if lang == "zh":
        return
    assert draw(announced, entropy, "--redraw", "--reason", "口令输错").exit_code == 0


def test_wrong_witness_passphrase(announced: Any, entropy: Path, db_url: str) -> None:
    env = dict(OK_ENV, RANDCHECK_WITNESS_PASSPHRASE_ZHANG_SAN="nope")
    result = draw(announced, entropy, "--witness-key", "zhang-san", env=env)
    assert result.exit_code == 3
    st = w.state(db_url)
    assert st["records"] == [] and st["log"][-1][0] == "draw.aborted"


def test_missing_key_fails_before_the_ceremony(announced: Any, entropy: Path, db_url: str) -> None:
    before = w.state(db_url)
    result = draw(announced, entropy, "--key", "nosuch")
    assert result.exit_code == 3
    assert "Step 1" not in result.stdout
    assert w.state(db_url) == before


def test_unknown_task(announced: Any, entropy: Path) -> None:
    result = announced("draw", "nosuch", "--entropy", str(entropy), "--yes", env=OK_ENV)
    assert result.exit_code == 3
    assert "no task nosuch" in result.stderr


BAD_ENTROPY: list[tuple[str, str, str]] = [
    ("not json", "{dice", "not valid UTF-8 JSON"),
    ("nested too deeply", "[" * 100_000 + "]" * 100_000, "nested more than"),
    ("a string where numbers go", json.dumps({**w.ENTROPY, "dice": {"张三": "12345"}}),
     "field dice"),
    ("extra key", json.dumps({**w.ENTROPY, "nist": 1}), "only dice, lottery and drand"),
    (
        "float",
        json.dumps({**w.ENTROPY, "dice": {"张三": [1.0, 2, 3, 4, 5], "李四": [1, 2, 3]}}),
        "floats are not allowed",
    ),
    (
        "out of range",
        json.dumps({**w.ENTROPY, "dice": {"张三": [1, 2, 3, 4, 7], "李四": [1, 2, 3]}}),
        "7",
    ),
    ("missing witness", json.dumps({**w.ENTROPY, "dice": {"张三": [1, 2, 3, 4, 5]}}), "dice:李四"),
    ("too few numbers", json.dumps({**w.ENTROPY, "lottery": {"福彩3D": [1, 2]}}), "3"),
    ("wrong round", json.dumps({**w.ENTROPY, "drand": {**w.DRAND, "round": 657414}}), "657414"),
    (
        "bad signature",
        json.dumps(
            {**w.ENTROPY, "drand": {**w.DRAND, "signature": "a" + w.DRAND["signature"][1:]}}
        ),
        "",
    ),
]


def test_bad_entropy_file_changes_nothing(
    announced: Any, tmp_path: Path, ws_root: Path, db_url: str, tree_snapshot: Any
) -> None:
    before, files = w.state(db_url), tree_snapshot(ws_root / "audit_logs")
    for name, text, needle in BAD_ENTROPY:
        path = tmp_path / "bad.json"
        path.write_text(text, encoding="utf-8")
        result = draw(announced, path)
        assert result.exit_code == 1, (name, result.output)
        assert "Traceback" not in result.output, name
        assert needle in result.stderr, (name, result.stderr)
        assert w.state(db_url) == before, name
        assert tree_snapshot(ws_root / "audit_logs") == files, name


def test_missing_entropy_file(announced: Any, tmp_path: Path, db_url: str) -> None:
    before = w.state(db_url)
    result = draw(announced, tmp_path / "nope.json", lang="zh")
    assert result.exit_code == 1
    assert "nope.json" in result.stderr and "找不到文件" in result.stderr
    assert w.state(db_url) == before


def test_drand_file_option(announced: Any, tmp_path: Path, db_url: str) -> None:
    entropy = w.write_entropy(tmp_path / "e.json", {"dice": w.DICE, "lottery": w.LOTTERY})
    beacon = tmp_path / "round.json"
    beacon.write_text(json.dumps(w.DRAND, indent=2), encoding="utf-8")
    result = draw(announced, entropy, "--drand-file", str(beacon))
    assert result.exit_code == 0, result.output
    body = envelope.open_envelope(w.state(db_url)["records"][0][3], "record").doc
    assert body["entropy"][-1]["signature"] == w.DRAND["signature"]


@pytest.mark.parametrize(("answers", "stage"), [("n\n", "checks"), ("y\nn\n", "reveal")])
def test_no_at_a_confirmation_aborts(
    announced: Any, entropy: Path, db_url: str, answers: str, stage: str
) -> None:
    result = announced("draw", w.TASK, "--entropy", str(entropy), input=answers, env=OK_ENV)
    assert result.exit_code == 1
    st = w.state(db_url)
    assert st["records"] == []
    abort = {"task": w.TASK, "stage": stage, "reason": "ceremony.declined", "practice": False}
    if stage == "reveal":  # the entropy (nonce included) was logged before it was shown
        assert st["log"][-2][0] == "draw.revealed"
        abort["attempt"] = len(st["log"]) - 2
    assert st["log"][-1] == ("draw.aborted", abort)
    if stage == "checks":
        # aborted before any entropy was shown: the next draw is not a redraw
        assert draw(announced, entropy).exit_code == 0
    else:
        # every input of the seed (the nonce too) was on screen when the operator said no:
        # declining then must not be a free re-roll, so the next draw is a marked redraw
        assert draw(announced, entropy).exit_code == 1
        redo = draw(announced, entropy, "--redraw", "--reason", "operator declined")
        assert redo.exit_code == 0, redo.output


def test_interactive_through_runner(announced: Any, db_url: str) -> None:
    """Every prompt answered on stdin: a typo in the dice confirmation re-prompts."""
    beacon = json.dumps(w.DRAND)
    answers = (
        "\n".join(
            [
                "y",  # start
                "1 2 3 4 5",
                "1 2 3 4 6",  # 张三: confirmation differs -> again
                "1 2 3 4 5",
                "1 2 3 4 5",
                "6 5 4",
                "6 5 4",  # 李四
                "y",  # witnesses confirm
                "0 7 3",
                "0 7 3",  # lottery
                beacon,
                "y",  # compute the seed
                "",
                "",
                "",  # pauses: seed, next stratum, teams
                "y",  # sign
            ]
        )
        + "\n"
    )
    result = announced("draw", w.TASK, input=answers, env=OK_ENV)
    assert result.exit_code == 0, result.output
    assert result.output.count("The two entries differ") == 1
    body = envelope.open_envelope(w.state(db_url)["records"][0][3], "record").doc
    assert [e.get("values") for e in body["entropy"][1:3]] == [[1, 2, 3, 4, 5], [6, 5, 4]]
    assert body["entropy"][3]["numbers"] == [0, 7, 3]


def test_end_of_input_is_an_interrupt(announced: Any, db_url: str) -> None:
    result = announced("draw", w.TASK, input="y\n1 2 3 4 5\n", env=OK_ENV)
    assert result.exit_code == 130
    st = w.state(db_url)
    assert st["records"] == []
    assert st["log"][-1][1]["stage"] == "entropy" and st["log"][-1][1]["reason"] == "interrupted"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_substitute_target_and_inspector(
    announced: Any, entropy: Path, db_url: str, lang: str
) -> None:
    assert draw(announced, entropy).exit_code == 0
    digest, _, _, env = w.state(db_url)["records"][0]
    body = envelope.open_envelope(env, "record").doc
    first = body["teams"][0]
    result = announced(
        "draw",
        "substitute",
        digest[:12],
        "--target",
        first["target"],
        "--reason",
        "已注销",
        "--not-a-result",
        lang=lang,
        env=OK_ENV,
    )
    assert result.exit_code == 0, result.output
    st = w.state(db_url)
    assert [(a[0], a[1]) for a in st["addenda"]] == [(digest, 1)]
    kind, payload = st["log"][-1]
    assert kind == "draw.addendum" and payload["action"] == "replace_target"
    assert short_code(st["addenda"][0][2]) in result.stdout
    assert ("替补对象" if lang == "zh" else "Replacement") in result.stdout
    # the draw's nonce is fresh each run: a recusal can leave a team unstaffable (refused,
    # nothing written); take the first (team, member) that can be replaced
    pairs = [(t, m["id"]) for t in body["teams"][1:] for m in t["members"]]
    for second, member in pairs:
        result = announced(
            "draw",
            "substitute",
            w.TASK,
            "--target",
            second["target"],
            "--inspector",
            member,
            "--reason",
            "申请回避",
            "--json",
            lang=lang,
            env=OK_ENV,
        )
        if result.exit_code == 0:
            break
        assert "cannot be staffed" in result.stderr or "无法配齐" in result.stderr, result.output
        assert len(w.state(db_url)["addenda"]) == 1  # a refusal writes nothing
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["action"] == "replace_inspector" and doc["seq"] == 2
    assert member not in doc["team"] and len(doc["team"]) == len(second["members"])
    assert len(w.state(db_url)["addenda"]) == 2


def test_substitute_refusals(announced: Any, entropy: Path, db_url: str) -> None:
    assert draw(announced, entropy).exit_code == 0
    target = envelope.open_envelope(w.state(db_url)["records"][0][3], "record").doc["teams"][0][
        "target"
    ]
    before = w.state(db_url)
    wrong = announced(
        "draw",
        "substitute",
        w.TASK,
        "--target",
        target,
        "--reason",
        "x",
        env={"RANDCHECK_KEY_PASSPHRASE": "wrong"},
    )
    assert wrong.exit_code == 3
    not_drawn = announced(
        "draw", "substitute", w.TASK, "--target", "91320500000000000X", "--reason", "x", env=OK_ENV
    )
    assert not_drawn.exit_code == 1
    no_record = announced(
        "draw", "substitute", "deadbeefdeadbeef", "--target", target, "--reason", "x", env=OK_ENV
    )
    assert no_record.exit_code == 3
    empty = announced("draw", "substitute", w.TASK, "--target", target, "--reason", " ", env=OK_ENV)
    assert empty.exit_code == 2
    assert w.state(db_url) == before


def test_help_lists_both_commands(cli: Any) -> None:
    result = cli("draw", "--help")
    assert result.exit_code == 0
    assert "substitute" in result.stdout and "run" in result.stdout


def test_countdown_waits_for_the_round() -> None:
    import io
    import time
    from datetime import UTC, datetime, timedelta

    from rich.console import Console

    from randcheck.cli._screen import countdown

    buf = io.StringIO()
    con = Console(file=buf, force_terminal=True, width=80)
    start = time.monotonic()
    countdown(con, datetime.now(UTC) + timedelta(seconds=1.2), lambda left: f"left {left}", 0.1)
    assert time.monotonic() - start >= 1.1  # a lower bound only: it never returns early
    assert "left 00:00:0" in buf.getvalue() and "left 00:00:00" in buf.getvalue()
    countdown(con, datetime.now(UTC) - timedelta(seconds=1), lambda left: "never", 0.1)
    assert "never" not in buf.getvalue()  # a round already out: no countdown at all
