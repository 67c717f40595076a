"""The interactive ceremony driven through a real pseudo-terminal (pexpect): prompts, hidden
input, re-prompts, a wrong passphrase and Ctrl-C, against a real subprocess."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest

from randcheck.bundle.layout import short_code
from tests.ceremony import workspace as w

TIMEOUT = 30
BEACON = json.dumps(w.DRAND)


class Run:
    """``randcheck draw`` in a pseudo-terminal, everything it prints kept in ``self.log``."""

    def __init__(
        self,
        root: Path,
        db_url: str,
        *args: str,
        lang: str = "zh",
        dimensions: tuple[int, int] = (40, 120),
        launcher: list[str] | None = None,
    ) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RANDCHECK_")}
        env.update(
            RANDCHECK_HOME=str(root),
            RANDCHECK_DATABASE_URL=db_url,
            RANDCHECK_LANG=lang,
            RANDCHECK_ACTOR="tester",
            TERM="xterm-256color",
            PYTHONUNBUFFERED="1",
        )
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            sys.executable,
            [*(launcher or ["-m", "randcheck"]), "draw", w.TASK, *args],
            env=env,
            encoding="utf-8",
            timeout=TIMEOUT,
            dimensions=dimensions,  # (rows, columns)
            # as from an interactive shell: Ctrl-C delivered even when the test runner itself
            # was started with SIGINT ignored (a background job in a script, as CI may be)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.child.logfile_read = self.log

    def answer(self, prompt: str, text: str) -> None:
        self.child.expect_exact(prompt)
        self.child.sendline(text)

    def expect(self, text: str) -> None:
        self.child.expect_exact(text)

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        status = self.child.exitstatus
        return -1 if status is None else int(status)


def enter_entropy_zh(run: Run) -> None:
    run.answer("开始抽取？", "y")
    run.answer("张三 的点数", "1 2 3 4 5")
    run.answer("请 张三 再输入一遍确认", "1 2 3 4 5")
    run.answer("李四 的点数", "6 5 4")
    run.answer("请 李四 再输入一遍确认", "6 5 4")
    run.answer("各位见证人确认", "y")
    run.answer("福彩3D 开奖号码", "0 7 3")
    run.answer("再输入一遍确认", "0 7 3")
    run.answer("drand JSON", BEACON)
    run.expect("签名验证通过")
    run.answer("生成种子？", "y")


def test_full_draw_with_a_mistyped_dice_confirmation(
    ws: Path, db_url: str, tree_snapshot: Callable[[Path], dict[str, bytes]]
) -> None:
    publish_before = tree_snapshot(ws / "publish")
    run = Run(ws, db_url, lang="en")
    run.answer("Start the draw?", "y")
    run.answer("张三's values", "1 2 3 4 5")
    run.answer("张三, enter them again to confirm", "1 2 3 4 6")  # typo
    run.expect("The two entries differ")
    run.answer("张三's values", "1 2 3 4")  # one short
    run.expect("5 numbers are needed, 4 were entered")
    run.answer("张三's values", "1 2 3 4 5")
    run.answer("张三, enter them again to confirm", "1 2 3 4 5")
    run.answer("李四's values", "6 5 9")  # out of range
    run.expect("is not within 1–6")
    run.answer("李四's values", "6 5 4")
    run.answer("李四, enter them again to confirm", "6 5 4")
    run.answer("Do the witnesses confirm", "y")
    run.answer("福彩3D numbers", "0 7 3")
    run.answer("Enter them again to confirm", "0 7 3")
    run.answer("drand JSON", '{"round": 657413, "signature": "00"}')  # not the real round
    run.answer("drand JSON", BEACON)
    run.expect("verified")
    run.expect("matches the announced commitment")
    run.answer("Compute the seed?", "y")
    run.answer("Press Enter to continue", "")
    run.answer("Press Enter to reveal the next stratum", "")
    run.answer("Press Enter to continue", "")
    run.answer("Sign and store this official draw record?", "y")
    run.answer("Passphrase of the operator key office", w.PASSPHRASE)
    run.expect("Draw complete")
    assert run.finish() == 0, run.log.getvalue()
    st = w.state(db_url)
    assert len(st["records"]) == 1
    assert short_code(st["records"][0][0]) in run.log.getvalue()
    assert w.PASSPHRASE not in run.log.getvalue()  # never echoed
    assert "1 2 3 4 6" not in run.log.getvalue()  # dice input is hidden until the reveal
    assert st["log"][-1][0] == "draw.record"
    assert tree_snapshot(ws / "publish") == publish_before  # publishing is a separate command


def test_wrong_passphrase_leaves_nothing(
    ws: Path, db_url: str, tree_snapshot: Callable[[Path], dict[str, bytes]]
) -> None:
    before, publish_before = w.state(db_url), tree_snapshot(ws / "publish")
    run = Run(ws, db_url)
    enter_entropy_zh(run)
    run.answer("按回车继续", "")
    run.answer("按回车揭示下一个分层", "")
    run.answer("按回车继续", "")
    run.answer("签名并保存", "y")
    for _ in range(3):
        run.answer("操作员私钥 office 的口令", "not-the-passphrase")
    run.expect("抽取已中止")
    assert run.finish() == 3
    st = w.state(db_url)
    assert st["records"] == [] and st["log"][:-2] == before["log"]
    revealed = len(before["log"])  # the attempt was logged before its seed was shown
    assert st["log"][-2][0] == "draw.revealed" and st["log"][-2][1]["task"] == w.TASK
    assert st["log"][-1] == (
        "draw.aborted",
        {"task": w.TASK, "stage": "sign", "reason": "keys.bad_passphrase", "practice": False,
         "attempt": revealed},
    )  # fmt: skip
    assert "--redraw" in run.log.getvalue()
    assert tree_snapshot(ws / "publish") == publish_before


@pytest.mark.parametrize(
    "stage",
    [
        "entropy",  # during the (hidden) dice entry
        "targets",  # after the seed was shown
    ],
)
def test_ctrl_c_in_the_middle(
    ws: Path,
    db_url: str,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
    stage: str,
) -> None:
    before, publish_before = w.state(db_url), tree_snapshot(ws / "publish")
    run = Run(ws, db_url)
    if stage == "entropy":
        run.answer("开始抽取？", "y")
        run.answer("张三 的点数", "1 2 3 4 5")
        run.expect("请 张三 再输入一遍确认")
    else:
        enter_entropy_zh(run)
        run.answer("按回车继续", "")
        run.expect("按回车揭示下一个分层")
    run.child.sendintr()
    run.expect("抽取已中止")
    assert run.finish() == 130
    st = w.state(db_url)
    assert st["records"] == [] and st["addenda"] == []
    abort = {"task": w.TASK, "stage": stage, "reason": "interrupted", "practice": False}
    if stage == "entropy":  # nothing was revealed: only the abort is logged
        assert st["log"][:-1] == before["log"]
    else:  # the reveal was logged before the seed was shown, and the abort names it
        assert st["log"][:-2] == before["log"] and st["log"][-2][0] == "draw.revealed"
        abort["attempt"] = len(before["log"])
    assert st["log"][-1] == ("draw.aborted", abort)
    assert ("--redraw" in run.log.getvalue()) == (stage == "targets")
    assert tree_snapshot(ws / "publish") == publish_before
