"""A v2 task whose announcement lists a TSA, through CliRunner: the timestamp fetched online
(``draw --tsa URL``, here the test TSA on 127.0.0.1), ``randcheck timestamp`` for the relayed
step, and ``verify --trusted-tsa`` (trusted: passed with the TSA's words; not: unverified)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from randcheck.core import tsa as tsa_mod
from randcheck.core.draw import drand
from randcheck.services import keys, tasks
from randcheck.store.db import open_engine
from tests.ceremony import workspace as w
from tests.tsa_fixture import TestTSA, TSAServer, serve

MARGIN = 60
ROUND_TIME = drand.round_time(drand.CHAINS["quicknet"], w.DRAND_ROUND)
GEN_TIME = datetime.fromtimestamp(ROUND_TIME - MARGIN - 2, UTC)
#: the ceremony's clock: committed_at, which fixes the round (w.DRAND_ROUND), 1 s before GEN_TIME
COMMIT_AT = datetime.fromtimestamp(ROUND_TIME - MARGIN - 3, UTC)
ENV = {"RANDCHECK_KEY_PASSPHRASE": w.PASSPHRASE,
       "RANDCHECK_WITNESS_PASSPHRASE_ZHANG_SAN": w.WITNESS_PASSPHRASE}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return w.demo_files(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def server() -> Iterator[TSAServer]:
    with serve(TestTSA()) as s:
        s.gen_time = GEN_TIME  # the TSA's clock, before the round: the anchor time
        yield s


@pytest.fixture
def announced(
    cli: Any, ws_root: Path, db_url: str, demo: dict[str, Path], tmp_path: Path,
    server: TSAServer, monkeypatch: pytest.MonkeyPatch,
) -> Any:  # fmt: skip
    monkeypatch.setattr("randcheck.cli.draw.ordering._now", lambda: COMMIT_AT)
    cert = tmp_path / "tsa.pem"
    cert.write_bytes(server.tsa.cert_pem)
    ws = w.build(ws_root, db_url, demo, witness=True, announce=False)
    toml = w.TASK_TOML.replace(f"round = {w.DRAND_ROUND}\n", "")
    path = tmp_path / "v2.toml"
    path.write_text('spec = "v2"\n' + toml + f'\n[ordering]\nmargin = {MARGIN}\n'
                    f'witnesses = ["张三=zhang-san"]\ntsa_certs = ["{cert.name}"]\n'
                    f'tsa_url = "{server.url}"\n', encoding="utf-8")  # fmt: skip
    engine = open_engine(db_url)
    try:
        tasks.create_tasks(ws, engine, path, "tester", replace=True)
        key = keys.load_private_key(ws, "office", w.PASSPHRASE.encode())
        tasks.announce(ws, engine, w.TASK, key, "tester", w.announce_time())
    finally:
        engine.dispose()
    return cli


def test_online_timestamp_then_verify_with_and_without_trust(
    announced: Any, tmp_path: Path, db_url: str, ws_root: Path, server: TSAServer
) -> None:
    entropy = w.write_entropy(tmp_path / "e.json")
    done = announced("draw", w.TASK, "--entropy", str(entropy), "--yes", "--json",
                     "--witness-key", "zhang-san", env=ENV)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert server.requests == 1
    st = w.state(db_url)
    committed = next(p for k, p in st["log"] if k == "draw.committed")
    assert committed["anchors"] == ["tsa", "witnesses"] and committed["token"]
    record = json.loads(done.stdout)["record"]
    pub = announced("publish", record, env=ENV)
    assert pub.exit_code == 0 and "--witness-keys" in pub.output and "--trusted-tsa" in pub.output
    bundle = ws_root / "publish" / w.TASK
    assert (bundle / "commitment.tsr").is_file()
    page = (bundle / "index.html").read_text("utf-8")
    shown = page[page.index('id="commitment"') :]
    shown = shown[: shown.index("</table>")]
    assert "<bdi>Test TSA" in shown and "证明承诺不晚于" in shown and "<bdi>张三</bdi>" in shown
    # the workspace trusts the certificate the task named: passed, in words (the witness's
    # key given with the office's: A2)
    keys = _key_files(announced, tmp_path)
    out = announced("verify", str(bundle), "--json", *keys, lang="en")
    assert out.exit_code == 0, out.output
    anchor = next(c for c in json.loads(out.stdout)["checks"] if c["name"] == "commitment.anchor")
    assert anchor["status"] == "ok" and anchor["code"] == "verify.ordering_tsa_witnesses"
    assert "Test TSA" in anchor["message"] and "张三" in anchor["message"]
    # another TSA's certificate given: this one is not trusted, so unverified (never failed)
    other = tmp_path / "other.pem"
    other.write_bytes(TestTSA(name="Other TSA").ca_cert_pem)
    out = announced("verify", str(bundle), "--json", "--trusted-tsa", str(other), *keys)
    doc = json.loads(out.stdout)
    anchor = next(c for c in doc["checks"] if c["name"] == "commitment.anchor")
    assert anchor["status"] == "unverified" and doc["status"] == "unverified"
    # B6: the summary names the option that settles it, not --trusted-keys
    out = announced("verify", str(bundle), "--trusted-tsa", str(other), *keys, lang="en")
    assert out.exit_code == 4
    flat = " ".join(out.output.split())
    assert "time-stamping authority is NOT confirmed" in flat and "--trusted-tsa" in flat
    # the TSA's own root given: trusted again
    root = tmp_path / "root.pem"
    root.write_bytes(server.tsa.ca_cert_pem)
    out = announced("verify", str(bundle), "--json", "--trusted-tsa", str(root), *keys, lang="zh")
    assert out.exit_code == 0
    anchor = next(c for c in json.loads(out.stdout)["checks"] if c["name"] == "commitment.anchor")
    assert anchor["message"].startswith("顺序证明：时间戳机构 Test TSA")
    assert "于 2023-09-15 18:59:01（北京时间）证明" in anchor["message"]
    assert "见证人 张三 联署" in anchor["message"]


def _key_files(cli: Any, tmp_path: Path) -> list[str]:
    """--trusted-keys for the office's key, --witness-keys for the witness 张三's (as the
    reader got them)."""
    out: list[str] = []
    for name, opt in (("office", "--trusted-keys"), ("zhang-san", "--witness-keys")):
        pub = tmp_path / f"{name}.pub"
        pub.write_text(cli("keys", "export", "--name", name).stdout, encoding="utf-8")
        out += [opt, str(pub)]
    return out


def test_a_token_later_than_the_round_stops_the_draw_and_kills_the_commitment(
    announced: Any, tmp_path: Path, db_url: str, server: TSAServer
) -> None:
    """A1: the round is fixed by committed_at; the TSA's token came back after that round was
    published: the commitment is logged with that one token and the draw stops; --resume
    refuses it, and only a marked redraw goes on."""
    server.gen_time = datetime.fromtimestamp(ROUND_TIME + 5, UTC)
    entropy = w.write_entropy(tmp_path / "e.json")
    done = announced("draw", w.TASK, "--entropy", str(entropy), "--yes",
                     "--witness-key", "zhang-san", env=ENV, lang="en")  # fmt: skip
    assert done.exit_code != 0
    assert "is void and cannot be continued" in " ".join(done.output.split())
    assert "Traceback" not in done.output
    assert server.requests == 1
    st = w.state(db_url)
    committed = [p for k, p in st["log"] if k == "draw.committed"]
    assert len(committed) == 1 and committed[0]["token"]
    assert not [k for k, _p in st["log"] if k == "draw.revealed"]
    again = announced("draw", w.TASK, "--resume", "--yes", "--witness-key", "zhang-san",
                      env=ENV, lang="en")  # fmt: skip
    assert again.exit_code != 0 and "--redraw" in " ".join(again.output.split())
    assert server.requests == 1  # never a second token for that commitment


def test_a_malformed_tsa_url_is_refused_before_anything_is_signed(
    announced: Any, tmp_path: Path, db_url: str
) -> None:
    """A7: the URL's form is checked before the commitment is signed: no traceback, nothing
    logged."""
    entropy = w.write_entropy(tmp_path / "e.json")
    done = announced("draw", w.TASK, "--entropy", str(entropy), "--yes", "--tsa",
                     "http://[::1", "--witness-key", "zhang-san", env=ENV)  # fmt: skip
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output and "http://[::1" in done.output
    assert not [k for k, _p in w.state(db_url)["log"] if k == "draw.committed"]


def test_randcheck_timestamp_writes_a_verifiable_token(
    announced: Any, tmp_path: Path, server: TSAServer
) -> None:
    digest = "ab" * 32
    out = tmp_path / "c.tsr"
    result = announced("timestamp", digest, "--tsa", server.url, "--out", str(out))
    assert result.exit_code == 0, result.output
    token = tsa_mod.verify_token(out.read_bytes(), bytes.fromhex(digest))
    assert token.gen_time == GEN_TIME
    again = announced("timestamp", digest, "--tsa", server.url, "--out", str(out))
    assert again.exit_code == 3  # never overwrites
    bad = announced("timestamp", "xyz", "--tsa", server.url, "--out", str(tmp_path / "d.tsr"))
    assert bad.exit_code == 2
