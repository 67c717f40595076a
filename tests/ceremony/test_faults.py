"""No silent re-roll: a ceremony that dies after its seed was shown, however it dies, forces
the next official draw to be a marked redraw, and that redraw publishes and verifies.

Each test runs the real ``randcheck draw`` in a pseudo-terminal and ends it the way an
operator could: closing the terminal (the pty's master side closes: SIGHUP), SIGTERM,
``kill -9``, or Ctrl-C.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from tests.ceremony import workspace as w
from tests.ceremony.test_pty import Run, enter_entropy_zh
from tests.conftest import Cli

OTHER_DICE = {"dice": {"张三": [6, 6, 6, 6, 6], "李四": [1, 1, 1]}}


def to_the_seed(run: Run) -> None:
    """Enter every value and stop with the seed on screen."""
    enter_entropy_zh(run)
    run.expect("随机种子")
    run.expect("按回车继续")


def end(run: Run, how: str) -> int | None:
    """End the ceremony as an operator could; returns the exit status (None: killed)."""
    pid = run.child.pid
    pty = run.child.ptyproc
    if how == "hangup":  # the terminal window closes: the pty's master side goes away
        pty.fileobj.close()  # through its file object, so the fd is never closed twice
    else:
        os.kill(pid, {"sigterm": signal.SIGTERM, "sigkill": signal.SIGKILL}[how])
    _, status = os.waitpid(pid, 0)
    if how != "hangup":
        pty.fileobj.close()
    # pexpect must not close (or wait for) any of it again: a second os.close of a reused fd
    # number would close some other file of this process (e.g. a SQLite database)
    pty.closed = pty.terminated = True
    run.child.closed = run.child.terminated = True
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else None


def entropy_file(tmp_path: Path) -> Path:
    doc = {**w.ENTROPY, **OTHER_DICE}
    return w.write_entropy(tmp_path / "other.json", doc)


def cli(root: Path, db_url: str) -> Cli:
    return Cli(root, db_url)


@pytest.mark.parametrize("how", ["hangup", "sigterm", "sigkill"])
def test_a_dead_ceremony_forces_a_marked_redraw(
    ws: Path, db_url: str, tmp_path: Path, how: str
) -> None:
    before = w.state(db_url)
    run = Run(ws, db_url)
    to_the_seed(run)
    status = end(run, how)
    st = w.state(db_url)
    assert st["records"] == []
    new = st["log"][len(before["log"]) :]
    kinds = [k for k, _ in new]
    seed_shown = run.log.getvalue()
    assert kinds[0] == "draw.revealed" and new[0][1]["task"] == w.TASK
    # the logged seed is the one the room saw (grouped by 8 hex digits on screen)
    seed = new[0][1]["seed"]
    assert " ".join(seed[i : i + 8] for i in range(0, 64, 8)) in seed_shown
    if how == "sigkill":
        assert kinds == ["draw.revealed"] and status is None  # no handler ran: still safe
    else:
        reason = {"hangup": "sighup", "sigterm": "sigterm"}[how]
        assert kinds == ["draw.revealed", "draw.aborted"]
        assert new[1][1]["reason"] == reason and new[1][1]["attempt"] == len(before["log"])
        assert status == 128 + {"hangup": 1, "sigterm": 15}[how]
    # a plain second draw with other dice is refused, and changes nothing
    res = cli(ws, db_url)("draw", w.TASK, "--entropy", str(entropy_file(tmp_path)), "--yes")
    assert res.exit_code == 1, res.output
    assert "--redraw" in res.stderr and str(len(before["log"])) in res.stderr
    assert w.state(db_url) == st


@pytest.mark.parametrize("path", ["interactive", "entropy-file"])
def test_ctrl_c_after_the_seed_then_redraw_publishes_and_verifies(
    ws: Path, db_url: str, tmp_path: Path, path: str
) -> None:
    env = {"RANDCHECK_KEY_PASSPHRASE": w.PASSPHRASE}
    if path == "interactive":
        run = Run(ws, db_url)
        to_the_seed(run)
    else:
        run = Run(ws, db_url, "--entropy", str(w.write_entropy(tmp_path / "e.json")))
        run.answer("开始抽取？", "y")
        run.answer("生成种子？", "y")
        run.expect("按回车继续")
    run.child.sendintr()
    run.expect("抽取已中止")
    assert run.finish() == 130
    assert "--redraw" in run.log.getvalue()
    revealed = next(i for i, (k, _) in enumerate(w.state(db_url)["log"]) if k == "draw.revealed")

    c = cli(ws, db_url)
    res = c("draw", w.TASK, "--redraw", "--reason", "仪式中断后重新抽取",
            "--entropy", str(entropy_file(tmp_path)), "--yes", "--json", env=env)  # fmt: skip
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout)["record"]
    entry = w.state(db_url)["log"][-1]
    assert entry[0] == "draw.record" and entry[1]["answers"] == [revealed]
    assert entry[1]["redraw"] == {"reason": "仪式中断后重新抽取"}

    res = c("publish", w.TASK, env=env)
    assert res.exit_code == 0, res.output
    bundle = ws / "publish" / w.TASK
    page = (bundle / "index.html").read_text("utf-8")
    assert 'id="redraw"' in page and "None" not in page
    assert "公开了全部随机数" in page and f"审计日志第 {revealed} 条" in page
    assert (bundle / f"log/entries/{revealed}.json").is_file()

    res = c("verify", str(bundle), "--json")
    assert res.exit_code == 0, res.output
    checks = {ch["name"]: ch for ch in json.loads(res.stdout)["checks"]}
    assert checks["chain"]["code"] == "verify.chain_redraw"
    assert checks["reveal"]["code"] == "verify.reveal_ok"
    assert json.loads(res.stdout)["record_digest"] == record


def test_a_redraw_cannot_hide_the_attempt_it_replaced(
    ws: Path, db_url: str, tmp_path: Path
) -> None:
    """Leaving the revealed attempt's entry out of the bundle (and re-signing SHA256SUMS, as
    the office could) makes ``chain`` fail: a redraw must show what it replaced."""
    from randcheck.bundle import layout
    from randcheck.core import signing
    from randcheck.core.canonical import canonical
    from randcheck.services import keys as keys_svc
    from randcheck.workspace import Workspace
    from tests.publish.conftest import files_in

    env = {"RANDCHECK_KEY_PASSPHRASE": w.PASSPHRASE}
    run = Run(ws, db_url)
    to_the_seed(run)
    run.child.sendintr()
    assert run.finish() == 130
    revealed = next(i for i, (k, _) in enumerate(w.state(db_url)["log"]) if k == "draw.revealed")
    c = cli(ws, db_url)
    res = c("draw", w.TASK, "--redraw", "--reason", "重抽", "--entropy",
            str(entropy_file(tmp_path)), "--yes", env=env)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert c("publish", w.TASK, env=env).exit_code == 0
    bundle = ws / "publish" / w.TASK
    for name in (f"log/entries/{revealed}.json", f"log/{revealed}.tlog-proof"):
        (bundle / name).unlink()
    files = files_in(bundle)
    del files[layout.SUMS], files[layout.SUMS_SIG]
    sums = layout.sums_text(files)
    key = keys_svc.load_private_key(Workspace(ws), "office", w.PASSPHRASE.encode())
    sig = signing.sign(key, layout.sums_signing_input(sums)).hex()
    (bundle / layout.SUMS).write_bytes(sums)
    (bundle / layout.SUMS_SIG).write_bytes(
        canonical({"keyid": signing.key_id(signing.public_raw(key)), "sig": sig}) + b"\n"
    )
    res = c("verify", str(bundle), "--json")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert doc["first_failure"] == "chain"
    assert {"files", "files.signature"}.isdisjoint(
        ch["name"] for ch in doc["checks"] if not ch["ok"]
    )
