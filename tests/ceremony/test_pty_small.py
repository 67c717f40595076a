"""The ceremony on a projector laptop's 80×24 terminal (and 120×40), in a real pseudo-terminal:
no line wider than the terminal, the key sentences whole once wrapped lines are joined, and a
wrong drand file followed by the right one loses none of the values already entered."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from randcheck.catalog import render
from randcheck.core.draw import drand, envelope
from tests.ceremony import workspace as w
from tests.ceremony.test_pty import Run

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]")
URLS = drand.round_urls(drand.CHAINS["quicknet"].chain_hash, w.DRAND_ROUND)

PROMPTS = {
    "zh": {
        "start": "开始抽取？",
        "dice": "{w} 的点数",
        "dice_again": "请 {w} 再输入一遍确认",
        "witnesses": "各位见证人确认",
        "lottery": "福彩3D 开奖号码",
        "lottery_again": "再输入一遍确认",
        "seed": "生成种子？",
        "pause": "按回车继续",
        "stratum": "按回车揭示下一个分层",
        "sign": "签名并保存",
        "passphrase": "操作员私钥 office 的口令",
        "done": "抽取完成",
        "aborted": "抽取已中止",
    },
    "en": {
        "start": "Start the draw?",
        "dice": "{w}'s values",
        "dice_again": "{w}, enter them again to confirm",
        "witnesses": "Do the witnesses confirm",
        "lottery": "福彩3D numbers",
        "lottery_again": "Enter them again to confirm",
        "seed": "Compute the seed?",
        "pause": "Press Enter to continue",
        "stratum": "Press Enter to reveal the next stratum",
        "sign": "Sign and store this official draw record?",
        "passphrase": "Passphrase of the operator key office",
        "done": "Draw complete",
        "aborted": "Draw aborted",
    },
}


def screen_lines(log: str) -> list[str]:
    return _ANSI.sub("", log).splitlines()


def flat(text: str) -> str:
    """Wrapping undone: no whitespace, no panel borders, no QR code blocks beside the text."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "│╭╮╰╯─█▀▄")


def check_fits(run: Run, cols: int, *sentences: str) -> None:
    lines = screen_lines(run.log.getvalue())
    # a line the operator typed is echoed by the terminal itself, which wraps it
    too_wide = [line for line in lines if cell_len(line) > cols and "drand JSON" not in line]
    assert not too_wide, too_wide[:3]
    joined = flat("\n".join(lines))
    for sentence in sentences:
        assert flat(sentence) in joined, sentence


def enter_dice_and_lottery(run: Run, lang: str) -> None:
    p = PROMPTS[lang]
    run.answer(p["start"], "y")
    for witness, values in w.DICE.items():
        run.answer(p["dice"].format(w=witness), " ".join(map(str, values)))
        run.answer(p["dice_again"].format(w=witness), " ".join(map(str, values)))
    run.answer(p["witnesses"], "y")
    run.answer(p["lottery"], "0 7 3")
    run.answer(p["lottery_again"], "0 7 3")


@pytest.mark.parametrize(("rows", "cols", "lang"), [(24, 80, "zh"), (24, 80, "en"), (40, 120, "zh")])
def test_wrong_drand_file_then_the_right_one(
    ws: Path, db_url: str, tmp_path: Path, rows: int, cols: int, lang: str
) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**w.DRAND, "round": w.DRAND_ROUND + 1}), encoding="utf-8")
    right = tmp_path / "usb" / "round.json"
    right.parent.mkdir()
    right.write_text(json.dumps(w.DRAND, indent=2), encoding="utf-8")
    p = PROMPTS[lang]
    run = Run(ws, db_url, "--drand-file", str(wrong), lang=lang, dimensions=(rows, cols))
    enter_dice_and_lottery(run, lang)
    run.expect(str(w.DRAND_ROUND + 1))  # why the file was refused
    run.answer("drand JSON", str(tmp_path / "missing.json"))  # a mistyped path: asked again
    run.answer("drand JSON", str(right))
    run.answer(p["seed"], "y")
    run.answer(p["pause"], "")
    run.answer(p["stratum"], "")
    run.answer(p["pause"], "")
    run.answer(p["sign"], "y")
    run.answer(p["passphrase"], w.PASSPHRASE)
    run.expect(p["done"])
    assert run.finish() == 0, run.log.getvalue()
    body = envelope.open_envelope(w.state(db_url)["records"][0][3], "record").doc
    assert [e.get("values") for e in body["entropy"][1:3]] == list(w.DICE.values())
    assert body["entropy"][3]["numbers"] == w.LOTTERY["福彩3D"]
    assert body["entropy"][-1]["signature"] == w.DRAND["signature"]
    check_fits(
        run,
        cols,
        *URLS,  # full, chain hash included, wrapped not cut
        render("ceremony.drand_fetch_then", lang, task=w.TASK),  # names --drand-file
        render("ceremony.drand_retry", lang, round=w.DRAND_ROUND),
        render("ceremony.drand_fetch_how", lang),
    )


@pytest.mark.parametrize(("rows", "cols"), [(24, 80), (40, 120)])
def test_abort_panels_wrap(ws: Path, db_url: str, rows: int, cols: int) -> None:
    """The abort before the seed (with its --resume line) and after it (with its redraw
    instruction) at 80×24: whole sentences, no line wider than the terminal."""
    run = Run(ws, db_url, dimensions=(rows, cols))
    enter_dice_and_lottery(run, "zh")
    run.expect("drand JSON")
    run.child.sendintr()
    run.expect("抽取已中止")
    assert run.finish() == 130
    check_fits(run, cols, render("ceremony.aborted_entered", "zh", task=w.TASK))
    assert w.state(db_url)["log"][-1][1]["entered"] == {"dice": w.DICE, "lottery": w.LOTTERY}

    run = Run(ws, db_url, "--resume", dimensions=(rows, cols))
    run.answer("开始抽取？", "y")
    run.answer("drand JSON", json.dumps(w.DRAND))
    run.answer("生成种子？", "y")
    run.answer("按回车继续", "")
    run.expect("按回车揭示下一个分层")
    run.child.sendintr()
    run.expect("抽取已中止")
    assert run.finish() == 130
    revealed = len(w.state(db_url)["log"]) - 2
    check_fits(
        run,
        cols,
        render("ceremony.resumed", "zh", seq=revealed - 1),
        render("ceremony.aborted_after_seed", "zh", task=w.TASK, seq=revealed),
    )
