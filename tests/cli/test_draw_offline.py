"""The ceremony in a room without internet: a wrong or unreadable drand round asks again
(nothing entered is lost), a round read from a file typed at the prompt, ``--resume`` after an
abort before the seed, the drand screen's full URLs, and the next command when a task is not
announced.  Through CliRunner, in both languages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from randcheck.catalog import render
from randcheck.cli._screen import qr_code
from randcheck.core.draw import drand, envelope
from tests.ceremony import workspace as w

OK_ENV = {"RANDCHECK_KEY_PASSPHRASE": w.PASSPHRASE}
DICE_AND_LOTTERY = ["y", "1 2 3 4 5", "1 2 3 4 5", "6 5 4", "6 5 4", "y", "0 7 3", "0 7 3"]
AFTER_DRAND = ["y", "", "", "", "y"]  # compute the seed, three pauses, sign
FULL_URL = drand.round_urls(drand.CHAINS["quicknet"].chain_hash, w.DRAND_ROUND)[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return w.demo_files(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def announced(cli: Any, ws_root: Path, db_url: str, demo: dict[str, Path]) -> Any:
    w.build(ws_root, db_url, demo)
    return cli


def lines(*answers: str) -> str:
    return "\n".join(answers) + "\n"


def flat(text: str) -> str:
    """Output with the wrapping undone: no whitespace, no panel borders."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "│╭╮╰╯─")


def record_entropy(db_url: str) -> list[dict[str, Any]]:
    body = envelope.open_envelope(w.state(db_url)["records"][-1][3], "record").doc
    return list(body["entropy"])


def test_round_urls_are_full() -> None:
    chain = drand.CHAINS["quicknet"]
    urls = drand.round_urls(chain.chain_hash, 657413)
    assert urls[0] == f"https://api.drand.sh/{chain.chain_hash}/public/657413"
    assert all(chain.chain_hash in u and u.endswith("/public/657413") for u in urls)
    assert len(set(urls)) == len(urls) >= 2


def test_qr_code_is_the_url() -> None:
    """The half-block drawing holds exactly segno's modules (two rows per line) and its quiet
    zone, and fits 80 columns beside its text."""
    import segno

    drawn = qr_code(FULL_URL).plain.split("\n")
    top = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}
    rows: list[list[int]] = []
    for line in drawn:
        rows.append([top[ch][0] for ch in line])
        rows.append([top[ch][1] for ch in line])
    want = [[int(bool(m)) for m in r] for r in segno.make(FULL_URL, error="l").matrix_iter(border=2)]
    assert rows[: len(want)] == want
    assert not any(any(r) for r in rows[len(want) :])
    assert len(drawn[0]) <= 41 and len(drawn) <= 21


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_wrong_drand_file_asks_again_and_keeps_the_values(
    announced: Any, tmp_path: Path, db_url: str, lang: str
) -> None:
    wrong = tmp_path / "wrong-round.json"
    wrong.write_text(json.dumps({**w.DRAND, "round": w.DRAND_ROUND + 1}), encoding="utf-8")
    garbage = tmp_path / "garbage.json"
    garbage.write_text("not json at all", encoding="utf-8")
    right = tmp_path / "usb" / "round.json"
    right.parent.mkdir()
    right.write_text(json.dumps(w.DRAND, indent=2), encoding="utf-8")
    answers = lines(
        *DICE_AND_LOTTERY,
        "",  # nothing entered: asked again
        str(tmp_path / "nope.json"),  # no such file
        str(garbage),  # not a drand round
        '{"round": 657413, "signature": "00"}',  # a pasted round that does not verify
        f'"{right}"',  # a path typed (with quotes, as a dragged file gives it): the right one
        *AFTER_DRAND,
    )
    result = announced(
        "draw", w.TASK, "--drand-file", str(wrong), input=answers, env=OK_ENV, lang=lang
    )
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert flat(FULL_URL) in out  # the chain hash is there, not "…"
    assert "--drand-file" in result.output
    assert str(w.DRAND_ROUND + 1) in result.output  # the reason for the wrong file
    retry = {"zh": "已录入的数值都保留着", "en": "The values already entered are kept"}[lang]
    assert flat(retry) in out
    assert "Traceback" not in result.output
    entropy = record_entropy(db_url)
    assert [e.get("values") for e in entropy[1:3]] == [[1, 2, 3, 4, 5], [6, 5, 4]]
    assert entropy[3]["numbers"] == [0, 7, 3]
    assert entropy[-1]["signature"] == w.DRAND["signature"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_abort_at_drand_then_resume_with_the_same_values(
    announced: Any, tmp_path: Path, db_url: str, lang: str
) -> None:
    before = w.state(db_url)
    # the operator gives up at the drand step (end of input is Ctrl-C)
    first = announced("draw", w.TASK, input=lines(*DICE_AND_LOTTERY), env=OK_ENV, lang=lang)
    assert first.exit_code == 130, first.output
    st = w.state(db_url)
    assert st["log"][:-1] == before["log"]  # nothing revealed: only the abort
    kind, abort = st["log"][-1]
    assert kind == "draw.aborted" and abort["stage"] == "entropy" and "attempt" not in abort
    assert abort["entered"] == {"dice": w.DICE, "lottery": w.LOTTERY}
    assert "--resume" in first.output
    abort_seq = len(st["log"]) - 1
    # a fresh draw says that --resume exists (and asks nothing else first)
    hint = announced("draw", w.TASK, input="n\n", env=OK_ENV, lang=lang)
    assert hint.exit_code == 1 and "--resume" in hint.output
    # resumed: not asked for dice or lottery again, the logged values are used (a ceremony
    # stopped before anything was entered, as the one above, does not hide them)
    beacon = tmp_path / "round.json"
    beacon.write_text(json.dumps(w.DRAND), encoding="utf-8")
    resumed = announced(
        "draw", w.TASK, "--resume", input=lines("y", str(beacon), *AFTER_DRAND),
        env=OK_ENV, lang=lang,
    )  # fmt: skip
    assert resumed.exit_code == 0, resumed.output
    assert flat(render("ceremony.resumed", lang, seq=abort_seq)) in flat(resumed.output)
    entropy = record_entropy(db_url)
    assert [e.get("values") for e in entropy[1:3]] == [[1, 2, 3, 4, 5], [6, 5, 4]]
    assert entropy[3]["numbers"] == [0, 7, 3]
    assert w.state(db_url)["records"][-1][2] is None  # not a redraw
    # once recorded, there is nothing left to resume
    again = announced("draw", w.TASK, "--resume", input="y\n", env=OK_ENV, lang=lang)
    assert again.exit_code == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_resume_with_nothing_to_resume(announced: Any, db_url: str, lang: str) -> None:
    before = w.state(db_url)
    result = announced("draw", w.TASK, "--resume", input="y\n", env=OK_ENV, lang=lang)
    assert result.exit_code == 1
    assert f"randcheck draw {w.TASK}" in result.stderr and "Traceback" not in result.output
    assert w.state(db_url) == before


def test_resume_after_the_seed_is_refused(announced: Any, db_url: str) -> None:
    """After the seed may have been seen only a marked redraw follows: --resume has nothing."""
    answers = lines(*DICE_AND_LOTTERY, json.dumps(w.DRAND), "y")  # ends at the first pause
    assert announced("draw", w.TASK, input=answers, env=OK_ENV).exit_code == 130
    assert "entered" not in w.state(db_url)["log"][-1][1]
    result = announced("draw", w.TASK, "--resume", input="y\n", env=OK_ENV)
    assert result.exit_code == 1 and "--resume" in result.stderr


def test_resume_and_entropy_file_are_exclusive(announced: Any, tmp_path: Path) -> None:
    entropy = w.write_entropy(tmp_path / "e.json")
    result = announced("draw", w.TASK, "--resume", "--entropy", str(entropy), env=OK_ENV)
    assert result.exit_code == 2 and "--entropy" in result.stderr


@pytest.mark.parametrize(
    ("lang", "needle"),
    [("zh", "randcheck task announce"), ("en", "`randcheck task announce")],
)
def test_draw_before_announce_gives_the_next_command(
    cli: Any, ws_root: Path, db_url: str, demo: dict[str, Path], lang: str, needle: str
) -> None:
    w.build(ws_root, db_url, demo, announce=False)
    result = cli("draw", w.TASK, input="y\n", env=OK_ENV, lang=lang)
    assert result.exit_code == 3
    assert f"{needle} {w.TASK}" in result.stderr
    assert "Traceback" not in result.output


def test_a_practice_stopped_after_its_seed_offers_no_resume(
    announced: Any, tmp_path: Path, db_url: str
) -> None:
    """Review: the abort panel offered ``--resume --practice`` after a practice seed was on
    screen, and the command then answered that there was nothing to resume."""
    beacon = tmp_path / "round.json"
    beacon.write_text(json.dumps(w.DRAND), encoding="utf-8")
    # practice: start, dice and lottery, the round from a file, compute the seed, then Ctrl-C
    result = announced(
        "draw", w.TASK, "--practice", input=lines(*DICE_AND_LOTTERY, str(beacon), "y"), env={}
    )
    assert result.exit_code == 130, result.output
    kind, abort = w.state(db_url)["log"][-1]
    assert kind == "draw.aborted" and abort["practice"] is True
    assert abort["stage"] not in ("checks", "entropy")  # the seed was on screen
    assert "--resume" not in result.output


def _abort_with_values(announced: Any, db_url: str) -> int:
    """An official ceremony stopped at the drand step after the dice and lottery were shown."""
    first = announced("draw", w.TASK, input=lines(*DICE_AND_LOTTERY), env=OK_ENV)
    assert first.exit_code == 130, first.output
    kind, abort = w.state(db_url)["log"][-1]
    assert kind == "draw.aborted" and abort["entered"]
    return len(w.state(db_url)["log"]) - 1


def _publish_and_verify(announced: Any, tmp_path: Path) -> Any:
    out = tmp_path / "pub"
    pub = announced("publish", w.TASK, "--out", str(out), env=OK_ENV)
    assert pub.exit_code == 0 and "--witness-keys" not in pub.output  # a v1 record: no witnesses
    return announced("verify", str(out / w.TASK), "--json")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_new_values_after_logged_ones_are_a_marked_redraw(
    announced: Any, tmp_path: Path, db_url: str, lang: str
) -> None:
    """Review: a fresh draw after an abort with entered values could take new dice as a first
    draw (a silent re-roll).  It is refused, names --resume, and goes through only as a marked
    redraw whose record answers for the abort; the bundle verifies."""
    abort_seq = _abort_with_values(announced, db_url)
    other = w.write_entropy(tmp_path / "other.json", {**w.ENTROPY, "dice": {"张三": [6] * 5,
                                                                        "李四": [1, 1, 1]}})
    refused = announced("draw", w.TASK, "--entropy", str(other), "--yes", env=OK_ENV, lang=lang)
    assert refused.exit_code == 1 and w.state(db_url)["records"] == []
    said = flat(refused.output)
    assert flat(render("draw.entropy_logged", lang, task=w.TASK, seqs=str(abort_seq))) in said
    redo = announced(
        "draw", w.TASK, "--entropy", str(other), "--yes", "--redraw", "--reason", "骰子重掷",
        env=OK_ENV, lang=lang,
    )  # fmt: skip
    assert redo.exit_code == 0, redo.output
    record_entry = w.state(db_url)["log"][-1][1]
    assert record_entry["answers"] == [abort_seq] and record_entry["redraw"] == {"reason": "骰子重掷"}
    verified = _publish_and_verify(announced, tmp_path)
    assert verified.exit_code == 0, verified.output
    chain = [c for c in json.loads(verified.stdout)["checks"] if c["name"] == "chain"]
    assert chain and chain[0]["ok"] and str(abort_seq) in json.dumps(chain[0])


def test_resumed_values_are_not_a_redraw_and_verify(
    announced: Any, tmp_path: Path, db_url: str
) -> None:
    abort_seq = _abort_with_values(announced, db_url)
    beacon = tmp_path / "round.json"
    beacon.write_text(json.dumps(w.DRAND), encoding="utf-8")
    resumed = announced(
        "draw", w.TASK, "--resume", input=lines("y", str(beacon), *AFTER_DRAND), env=OK_ENV
    )
    assert resumed.exit_code == 0, resumed.output
    log = w.state(db_url)["log"]
    reveal = next(p for k, p in log if k == "draw.revealed")
    assert reveal["resumed"] == abort_seq and reveal["answers"] == []
    assert log[-1][1]["answers"] == [] and log[-1][1]["redraw"] is None
    verified = _publish_and_verify(announced, tmp_path)
    assert verified.exit_code == 0, verified.output
