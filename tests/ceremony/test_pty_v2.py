"""A randcheck/draw/v2 ceremony in a real pseudo-terminal, as a room without internet runs it:
the values entered, the commitment signed by the operator (passphrases typed, never echoed),
its digest shown as text and QR code, a timestamp fetched "on another machine" (the test TSA)
and its file path typed back, only then one witness's co-signature, the round the commitment
fixes shown in 北京时间, then the round pasted, reveal, draw and sign.  The bundle then verifies, and says so."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from randcheck.core.chinatime import beijing_time
from randcheck.core.draw import drand, envelope
from randcheck.services import keys, tasks
from randcheck.store.db import open_engine
from tests.ceremony import workspace as w
from tests.ceremony.test_pty import BEACON, Run
from tests.tsa_fixture import TestTSA

MARGIN = 60
ROUND_TIME = drand.round_time(drand.CHAINS["quicknet"], w.DRAND_ROUND)
#: the TSA's time: before the round (by more than the margin), whatever this machine's clock says
GEN_TIME = datetime.fromtimestamp(ROUND_TIME - MARGIN - 2, UTC)
#: the ceremony's clock when it signs the commitment: committed_at, which fixes the round
COMMIT_UNIX = ROUND_TIME - MARGIN - 3
#: ``randcheck`` with the commitment's clock set (the round follows from committed_at, so a
#: historical round needs a historical clock; everything else runs as it does for real)
CLOCK = (
    "import sys; from datetime import UTC, datetime; from randcheck.cli.draw import ordering; "
    f"ordering._now = lambda: datetime.fromtimestamp({COMMIT_UNIX}, UTC); "
    "sys.argv[0] = 'randcheck'; from randcheck.cli import main; main()"
)
_DIGEST = re.compile(r"熵承诺摘要：\s*([0-9a-f]{64})")


@pytest.fixture
def v2ws(ws_root: Path, db_url: str, demo: dict[str, Path], tmp_path: Path) -> tuple[Path, TestTSA]:
    tsa = TestTSA()
    cert = tmp_path / "tsa.pem"
    cert.write_bytes(tsa.cert_pem)
    ws = w.build(ws_root, db_url, demo, witness=True, announce=False)
    toml = w.TASK_TOML.replace(f"round = {w.DRAND_ROUND}\n", "")
    task_file = tmp_path / "v2.toml"
    task_file.write_text(
        'spec = "v2"\n'
        + toml
        + f'\n[ordering]\nmargin = {MARGIN}\nwitnesses = ["张三=zhang-san"]\n'
        f'tsa_certs = ["{cert.name}"]\n',
        encoding="utf-8",
    )
    engine = open_engine(db_url)
    try:
        tasks.create_tasks(ws, engine, task_file, "tester", replace=True)
        key = keys.load_private_key(ws, "office", w.PASSPHRASE.encode())
        tasks.announce(ws, engine, w.TASK, key, "tester", w.announce_time())
    finally:
        engine.dispose()
    return ws_root, tsa


def test_v2_ceremony_with_a_relayed_timestamp_and_one_witness(
    v2ws: tuple[Path, TestTSA], db_url: str, tmp_path: Path
) -> None:
    root, tsa = v2ws
    run = Run(root, db_url, "--witness-key", "zhang-san", lang="zh", launcher=["-c", CLOCK])
    run.answer("开始抽取？", "y")
    for witness, values in w.DICE.items():
        run.answer(f"{witness} 的点数", " ".join(map(str, values)))
        run.answer(f"请 {witness} 再输入一遍确认", " ".join(map(str, values)))
    run.answer("各位见证人确认", "y")
    run.answer("福彩3D 开奖号码", "0 7 3")
    run.answer("再输入一遍确认", "0 7 3")
    run.answer("签署？", "y")
    run.answer("操作员私钥 office 的口令", w.PASSPHRASE)
    run.answer("见证人私钥 zhang-san 的口令", w.WITNESS_PASSPHRASE)
    # the relayed step, right after the operator signs (second review item 2: the token covers
    # the body, so it is asked before the co-signatures): the digest on screen, a token made
    # "on another machine", its path typed
    run.expect("时间戳文件的路径")
    assert "已联署熵承诺" not in run.log.getvalue()
    found = _DIGEST.search(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", run.log.getvalue()))
    assert found is not None, run.log.getvalue()[-2000:]
    digest = found.group(1)
    token = tmp_path / "usb" / "commitment.tsr"
    token.parent.mkdir()
    token.write_bytes(tsa.stamp(bytes.fromhex(digest), GEN_TIME))
    wrong = tmp_path / "other.tsr"
    wrong.write_bytes(tsa.stamp(hashlib.sha256(b"not it").digest(), GEN_TIME))
    run.child.sendline(str(wrong))  # the wrong file: refused with the reason, asked again
    run.expect("时间戳不可用")
    run.answer("时间戳文件的路径", str(token))
    run.expect("时间戳：")
    run.expect("见证人 zhang-san 已联署熵承诺")  # only then the witness co-signs
    run.expect(f"第 {w.DRAND_ROUND} 轮")  # the round the commitment fixed, with its 北京时间
    run.expect(beijing_time(ROUND_TIME)[:10])
    run.answer("drand JSON", BEACON)
    run.answer("生成种子？", "y")
    run.answer("按回车继续", "")
    run.answer("按回车揭示下一个分层", "")
    run.answer("按回车继续", "")
    run.answer("签名并保存", "y")
    run.expect("抽取完成")
    assert run.finish() == 0, run.log.getvalue()[-3000:]
    log = run.log.getvalue()
    assert w.PASSPHRASE not in log and w.WITNESS_PASSPHRASE not in log  # never echoed
    st = w.state(db_url)
    kinds = [k for k, _ in st["log"]]
    committed = st["log"][kinds.index("draw.committed")][1]
    assert committed["anchors"] == ["tsa", "witnesses"] and committed["round"] == w.DRAND_ROUND
    assert committed["commitment"] == digest
    rec = envelope.open_envelope(st["records"][-1][3], "record").doc
    assert rec["commitment"] == digest and rec["entropy"][-1]["round"] == w.DRAND_ROUND


def test_a_witness_cosigns_on_their_own_computer(
    ws_root: Path, db_url: str, demo: dict[str, Path], tmp_path: Path
) -> None:
    """A2: the witness 王五's key is his own (the office holds only its public half, a trusted
    witness key): the ceremony writes the commitment to a file, 王五 runs `randcheck cosign`
    elsewhere, and the co-signature file's path is typed back (a wrong one refused first)."""
    from randcheck.core import signing
    from randcheck.services import commitments
    from randcheck.services.audit import AuditLog

    own = signing.private_from_seed(b"wangwu-own-key".ljust(32, b"."))
    ws = w.build(ws_root, db_url, demo, witness=True, announce=False)
    toml = w.TASK_TOML.replace(f"round = {w.DRAND_ROUND}\n", "")
    task_file = tmp_path / "v2.toml"
    task_file.write_text('spec = "v2"\n' + toml + f'\n[ordering]\nmargin = {MARGIN}\n'
                         'witnesses = ["张三=zhang-san", "王五=wang"]\n', encoding="utf-8")  # fmt: skip
    engine = open_engine(db_url)
    try:
        text = keys.export_for(ws, "wang", signing.public_raw(own))
        keys.trust_key(ws, AuditLog(ws, engine), "tester", text, "wang.pub", "wang", role="witness")
        tasks.create_tasks(ws, engine, task_file, "tester", replace=True)
        key = keys.load_private_key(ws, "office", w.PASSPHRASE.encode())
        tasks.announce(ws, engine, w.TASK, key, "tester", w.announce_time())
    finally:
        engine.dispose()
    run = Run(ws_root, db_url, "--witness-key", "zhang-san", lang="zh", launcher=["-c", CLOCK])
    run.answer("开始抽取？", "y")
    for witness, values in w.DICE.items():
        run.answer(f"{witness} 的点数", " ".join(map(str, values)))
        run.answer(f"请 {witness} 再输入一遍确认", " ".join(map(str, values)))
    run.answer("各位见证人确认", "y")
    run.answer("福彩3D 开奖号码", "0 7 3")
    run.answer("再输入一遍确认", "0 7 3")
    run.answer("签署？", "y")
    run.answer("操作员私钥 office 的口令", w.PASSPHRASE)
    run.answer("见证人私钥 zhang-san 的口令", w.WITNESS_PASSPHRASE)
    run.expect("请现在就在自己的电脑上联署")  # within 120 s: randcheck cosign's clock rule
    run.expect("联署文件的路径")
    written = sorted((ws_root / "commitments").glob("*.json"))
    assert len(written) == 1
    cosig = commitments.cosignature(written[0].read_bytes(), own)  # on 王五's own computer
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**cosig, "sig": "00" * 64}), encoding="utf-8")
    run.child.sendline(str(wrong))
    run.expect("联署文件不可用")
    good = tmp_path / "wang.cosig.json"
    good.write_text(json.dumps(cosig), encoding="utf-8")
    run.answer("联署文件的路径", str(good))
    run.expect("见证人 王五 已联署熵承诺")
    run.expect(f"第 {w.DRAND_ROUND} 轮")
    run.answer("drand JSON", BEACON)
    run.answer("生成种子？", "y")
    run.answer("按回车继续", "")
    run.answer("按回车揭示下一个分层", "")
    run.answer("按回车继续", "")
    run.answer("签名并保存", "y")
    run.expect("抽取完成")
    assert run.finish() == 0, run.log.getvalue()[-3000:]
    st = w.state(db_url)
    kinds = [k for k, _ in st["log"]]
    committed = st["log"][kinds.index("draw.committed")][1]
    assert committed["anchors"] == ["witnesses"]
    signers = envelope.open_envelope(committed["envelope"].encode(), "commitment").signatures
    assert signing.key_id(signing.public_raw(own)) in {k for k, _ in signers}
