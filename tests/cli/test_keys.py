"""``randcheck keys`` through the CLI, in English and Chinese."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

PW = "tr0ub4dor&3-secret"
ENV = {"RANDCHECK_KEY_PASSPHRASE": PW}


def _no_secret(result: Any) -> None:
    assert PW not in result.stdout
    assert PW not in result.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_init_list_export(ready_cli: Any, lang: str) -> None:
    r = ready_cli("keys", "init", lang=lang, env=ENV)
    assert r.exit_code == 0, r.output
    _no_secret(r)
    assert ("Created key office" if lang == "en" else "已生成密钥 office") in r.stderr
    key_file = ready_cli.root / "keys" / "office.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    doc = json.loads(key_file.read_text())
    assert doc["format"] == "randcheck-private-key" and doc["kdf"]["name"] == "scrypt"
    assert "PRIVATE KEY-----" not in key_file.read_text()

    r = ready_cli("keys", "list", "--json", lang=lang)
    assert r.exit_code == 0
    (k,) = json.loads(r.stdout)
    assert k["role"] == "own" and k["name"] == "office" and len(k["key_id"]) == 64

    r = ready_cli("keys", "list", lang=lang)
    assert r.exit_code == 0
    assert k["key_id"][:16] in r.stdout
    assert ("active" if lang == "en" else "有效") in r.stdout

    r = ready_cli("keys", "export", lang=lang)
    assert r.exit_code == 0
    assert f"# key-id: {k['key_id']}" in r.stdout
    assert "-----BEGIN PUBLIC KEY-----" in r.stdout

    r = ready_cli("keys", "init", lang=lang, env=ENV)
    assert r.exit_code == 1
    assert ("already exists" if lang == "en" else "已存在") in r.stderr


def test_prompted_passphrase_with_confirmation(ready_cli: Any) -> None:
    no_env = {"RANDCHECK_KEY_PASSPHRASE": ""}
    r = ready_cli("keys", "init", input=f"{PW}\n{PW}\n", env=no_env)
    assert r.exit_code == 0, r.output
    _no_secret(r)  # hidden input is never echoed
    r = ready_cli("keys", "init", "--name", "two", input=f"{PW}\nsomething-else\n", env=no_env)
    assert r.exit_code == 3
    assert "differ" in r.stderr
    assert not (ready_cli.root / "keys" / "two.key").exists()


def test_passphrase_is_never_an_option(ready_cli: Any) -> None:
    r = ready_cli("keys", "init", "--passphrase", PW)
    assert r.exit_code == 2


def test_trust_and_revoke(ready_cli: Any, cli: Any, tmp_path: Path) -> None:
    assert ready_cli("keys", "init", env=ENV).exit_code == 0
    # a key exported by another office (generated in a second workspace)
    from tests.conftest import Cli

    other_db = f"sqlite:///{tmp_path / 'other.sqlite'}"
    other = Cli(tmp_path / "other", other_db)
    assert other("init", "--region", "320600").exit_code == 0
    assert other("keys", "init", env=ENV).exit_code == 0
    exported = other("keys", "export").stdout
    pub = tmp_path / "suzhou.pub"
    pub.write_text(exported, encoding="utf-8")

    r = ready_cli("keys", "trust", str(pub), "--name", "suzhou", "--role", "office", lang="zh")
    assert r.exit_code == 0, r.output
    assert "已信任" in r.stderr
    keys = json.loads(ready_cli("keys", "list", "--json").stdout)
    assert {(k["name"], k["role"]) for k in keys} == {("office", "own"), ("suzhou", "office")}
    other_id = next(k["key_id"] for k in keys if k["name"] == "suzhou")

    r = ready_cli("keys", "trust", str(tmp_path / "missing.pub"), "--name", "m")
    assert r.exit_code == 3
    junk = tmp_path / "junk.pub"
    junk.write_text("not a key\n")
    r = ready_cli("keys", "trust", str(junk), "--name", "j")
    assert r.exit_code == 1 and "junk.pub" in r.stderr

    r = ready_cli("keys", "revoke", other_id[:12], "--reason", "rotated")
    assert r.exit_code == 0, r.output
    keys = json.loads(ready_cli("keys", "list", "--json").stdout)
    revoked = next(k for k in keys if k["name"] == "suzhou")
    assert revoked["revoked"]["reason"] == "rotated"
    r = ready_cli("keys", "revoke", other_id[:12])
    assert r.exit_code == 2  # --reason is required

    log = json.loads(ready_cli("log", "show", "--json").stdout)
    assert [e["kind"] for e in log] == ["keys.init", "keys.trust", "keys.revoke"]
    assert all(e["actor"] == "tester" for e in log)


def test_keys_need_a_workspace(cli: Any) -> None:
    r = cli("keys", "list")
    assert r.exit_code == 3
    assert "randcheck init" in r.stderr


def test_no_passphrase_in_a_script_says_which_variable(ready_cli: Any) -> None:
    r = ready_cli("keys", "init", input="", lang="zh")  # no terminal, no input, no variable
    assert r.exit_code == 3
    assert "RANDCHECK_KEY_PASSPHRASE" in r.stderr and "Aborted" not in r.output
    assert "Traceback" not in r.output


# -- the passphrase rule and keys rewrap ---------------------------------------------------

NEW_PW = "a much longer new passphrase"
OLD_PW = "old"  # keys made before the rule could have any passphrase


def _keys_dir(cli: Any) -> dict[str, bytes]:
    folder = cli.root / "keys"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def _make_legacy(cli: Any, passphrase: str) -> str:
    """Turn the CLI workspace's key ``office`` (made with PW) into an old PKCS8 PEM file."""
    from cryptography.hazmat.primitives import serialization

    from randcheck.services import keys as svc
    from randcheck.workspace import Workspace

    ws = Workspace(cli.root)
    private = svc.load_private_key(ws, "office", PW.encode())
    path = cli.root / "keys" / "office.key"
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
    )
    path.chmod(0o600)
    return svc.key_file_format(ws, "office")


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "at least 12 characters"), ("zh", "至少要有 12 个字符")],
)
def test_init_refuses_a_weak_passphrase(ready_cli: Any, lang: str, text: str) -> None:
    before = _keys_dir(ready_cli)
    r = ready_cli("keys", "init", lang=lang, env={"RANDCHECK_KEY_PASSPHRASE": "short-pw"})
    assert r.exit_code == 1, r.output
    assert text in r.stderr and "short-pw" not in r.output
    assert _keys_dir(ready_cli) == before
    # at the prompt: refused after the first entry, before the confirmation is asked
    r = ready_cli(
        "keys", "init", lang=lang, input="aaaaaaaaaaaaaaaa\n", env={"RANDCHECK_KEY_PASSPHRASE": ""}
    )
    assert r.exit_code == 1, r.output
    assert text in r.stderr and "aaaaaaaaaaaaaaaa" not in r.output
    assert _keys_dir(ready_cli) == before
    assert json.loads(ready_cli("log", "show", "--json").stdout) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rewrap_upgrades_an_old_key_from_the_environment(ready_cli: Any, lang: str) -> None:
    assert ready_cli("keys", "init", env=ENV).exit_code == 0
    (k,) = json.loads(ready_cli("keys", "list", "--json").stdout)
    assert _make_legacy(ready_cli, OLD_PW) == "pkcs8-pem"
    env = {"RANDCHECK_KEY_PASSPHRASE": OLD_PW, "RANDCHECK_NEW_KEY_PASSPHRASE": NEW_PW}
    r = ready_cli("keys", "rewrap", lang=lang, env=env)
    assert r.exit_code == 0, r.output
    assert NEW_PW not in r.output
    assert k["key_id"] in r.stderr
    assert ("Re-encrypted private key office" if lang == "en" else "已用新口令重新加密") in r.stderr
    key_file = ready_cli.root / "keys" / "office.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert json.loads(key_file.read_text())["key_id"] == k["key_id"]
    assert json.loads(ready_cli("keys", "list", "--json").stdout) == [k]

    # the new passphrase signs; the old one no longer opens the key (exit 3, as everywhere)
    r = ready_cli("log", "checkpoint", env={"RANDCHECK_KEY_PASSPHRASE": NEW_PW})
    assert r.exit_code == 0, r.output
    r = ready_cli("keys", "rewrap", lang=lang, env=env)
    assert r.exit_code == 3
    assert ("wrong passphrase" if lang == "en" else "口令错误") in r.stderr
    log = json.loads(ready_cli("log", "show", "--json").stdout)
    assert [e["kind"] for e in log] == ["keys.init", "keys.rewrap"]
    assert log[1]["payload"]["from_format"] == "pkcs8-pem"
    assert OLD_PW not in json.dumps(log[1]) and NEW_PW not in json.dumps(log)


def test_rewrap_with_prompts(ready_cli: Any) -> None:
    assert ready_cli("keys", "init", env=ENV).exit_code == 0
    _make_legacy(ready_cli, OLD_PW)
    no_env = {"RANDCHECK_KEY_PASSPHRASE": ""}
    r = ready_cli("keys", "rewrap", "office", input=f"{OLD_PW}\n{NEW_PW}\n{NEW_PW}\n", env=no_env)
    assert r.exit_code == 0, r.output
    assert OLD_PW + "\n" not in r.output and NEW_PW not in r.output  # hidden input
    assert "Current passphrase of private key office" in r.stderr
    assert "New passphrase for private key office" in r.stderr
    from randcheck.services import keys as svc
    from randcheck.workspace import Workspace

    ws = Workspace(ready_cli.root)
    assert svc.key_file_format(ws, "office") == "randcheck-private-key/1"
    assert svc.load_private_key(ws, "office", NEW_PW.encode())


def test_rewrap_refusals_change_nothing(ready_cli: Any) -> None:
    assert ready_cli("keys", "init", env=ENV).exit_code == 0
    _make_legacy(ready_cli, OLD_PW)
    before = _keys_dir(ready_cli)
    no_env = {"RANDCHECK_KEY_PASSPHRASE": ""}

    # wrong current passphrase: exit 3 before the new one is asked
    r = ready_cli("keys", "rewrap", input="wrong-old\n", env=no_env)
    assert r.exit_code == 3 and "wrong passphrase" in r.stderr
    assert "New passphrase" not in r.stderr
    # weak new passphrase: exit 1 (from the environment and at the prompt)
    env = {"RANDCHECK_KEY_PASSPHRASE": OLD_PW, "RANDCHECK_NEW_KEY_PASSPHRASE": "tiny"}
    r = ready_cli("keys", "rewrap", env=env, lang="zh")
    assert r.exit_code == 1 and "口令太弱" in r.stderr and "tiny" not in r.output
    r = ready_cli("keys", "rewrap", input=f"{OLD_PW}\ntiny\n", env=no_env)
    assert r.exit_code == 1 and "at least 12 characters" in r.stderr
    # the two new entries differ
    r = ready_cli("keys", "rewrap", input=f"{OLD_PW}\n{NEW_PW}\n{NEW_PW}x\n", env=no_env)
    assert r.exit_code == 3 and "differ" in r.stderr
    # a script without the new passphrase's variable is told which one to set
    r = ready_cli("keys", "rewrap", input="", env={"RANDCHECK_KEY_PASSPHRASE": OLD_PW})
    assert r.exit_code == 3 and "RANDCHECK_NEW_KEY_PASSPHRASE" in r.stderr
    # no such key, bad name
    assert ready_cli("keys", "rewrap", "nobody", env=ENV).exit_code == 3
    assert ready_cli("keys", "rewrap", "../evil", env=ENV).exit_code == 2

    assert _keys_dir(ready_cli) == before
    log = json.loads(ready_cli("log", "show", "--json").stdout)
    assert [e["kind"] for e in log] == ["keys.init"]


def _witness_clock(monkeypatch: pytest.MonkeyPatch, unix: int) -> None:
    """The witness's own clock, as ``randcheck cosign`` reads it."""
    monkeypatch.setattr("randcheck.cli.keys._cosign_now", lambda: unix)


def test_cosign_signs_a_commitment_with_the_witness_s_own_key_file(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`randcheck cosign FILE --key KEYFILE`: needs no workspace, never overwrites, refuses a
    file that is not a commitment and a wrong passphrase."""
    import json as _json

    from randcheck.core import signing
    from randcheck.core.draw import envelope
    from randcheck.io import keyfile as kf

    witness = signing.private_from_seed(bytes([9]) * 32)
    key_file = tmp_path / "me.key"
    key_file.write_bytes(kf.encode_private_key(witness, b"witness passphrase 1"))
    from tests.core.draw import v2helpers as h

    announcement = h.announcement_v2()
    commitment = tmp_path / "c.json"
    commitment.write_bytes(h.commitment_v2(announcement, cosigners=()))
    env = {"RANDCHECK_KEY_PASSPHRASE": "witness passphrase 1"}
    from randcheck.core.draw.spec import unix_time

    _witness_clock(monkeypatch, unix_time(h.COMMITTED_AT) + 5)  # co-signed on the spot
    out = tmp_path / "sig.json"
    r = cli("cosign", str(commitment), "--key", str(key_file), "--out", str(out), env=env)
    assert r.exit_code == 0, r.output
    doc = _json.loads(out.read_text("utf-8"))
    opened = envelope.open_envelope(commitment.read_bytes(), "commitment")
    assert doc["commitment"] == opened.digest
    assert doc["keyid"] == signing.key_id(signing.public_raw(witness))
    from randcheck.core.draw.spec import signing_input

    signing.verify(signing.public_raw(witness), signing_input("commitment", opened.body),
                   bytes.fromhex(doc["sig"]))  # fmt: skip
    again = cli("cosign", str(commitment), "--key", str(key_file), "--out", str(out), env=env)
    assert again.exit_code == 3
    wrong = cli("cosign", str(commitment), "--key", str(key_file), "--out",
                str(tmp_path / "x.json"), env={"RANDCHECK_KEY_PASSPHRASE": "nope nope nope"})  # fmt: skip
    assert wrong.exit_code == 3 and not (tmp_path / "x.json").exists()
    not_c = tmp_path / "a.json"
    not_c.write_bytes(announcement)
    bad = cli("cosign", str(not_c), "--key", str(key_file), env=env)
    assert bad.exit_code == 1 and "Traceback" not in bad.output


@pytest.fixture
def cosign_files(tmp_path: Path) -> dict[str, Path]:
    """A witness's key file, an operator-signed commitment (committed_at h.COMMITTED_AT) and
    its announcement, as the witness got them."""
    from randcheck.core import signing
    from randcheck.io import keyfile as kf
    from tests.core.draw import v2helpers as h

    key_file = tmp_path / "me.key"
    key_file.write_bytes(kf.encode_private_key(h.W1, b"witness passphrase 1"))
    announcement = h.announcement_v2()
    (tmp_path / "announcement.json").write_bytes(announcement)
    (tmp_path / "c.json").write_bytes(h.commitment_v2(announcement, cosigners=()))
    pub = tmp_path / "me.pub"
    from cryptography.hazmat.primitives import serialization

    pub.write_bytes(h.W1.public_key().public_bytes(serialization.Encoding.PEM,
                    serialization.PublicFormat.SubjectPublicKeyInfo))  # fmt: skip
    assert signing.public_raw(h.W1)
    return {"key": key_file, "commitment": tmp_path / "c.json", "pub": pub,
            "announcement": tmp_path / "announcement.json"}  # fmt: skip


COSIGN_ENV = {"RANDCHECK_KEY_PASSPHRASE": "witness passphrase 1"}


@pytest.mark.parametrize(
    ("offset", "ok"),
    [(-31, False), (-30, True), (0, True), (120, True), (121, False), (86400 * 365 * 3, False)],
)
def test_cosign_refuses_a_commitment_not_made_now_by_the_witness_s_clock(
    cli: Any, cosign_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, offset: int, ok: bool
) -> None:
    """Review 2 item 1: a witness attests that committed_at is now: more than 120 s before or
    30 s after the witness's own clock is refused (exit 1, no file, no passphrase asked), with
    both times in 北京时间; there is no override."""
    from randcheck.core.chinatime import beijing_time
    from randcheck.core.draw.spec import unix_time
    from tests.core.draw import v2helpers as h

    at = unix_time(h.COMMITTED_AT)
    _witness_clock(monkeypatch, at + offset)
    out = cosign_files["commitment"].with_name("sig.json")
    r = cli("cosign", str(cosign_files["commitment"]), "--key", str(cosign_files["key"]),
            "--out", str(out), env=COSIGN_ENV, lang="zh")  # fmt: skip
    assert beijing_time(at) in r.stderr and "Traceback" not in r.output
    if ok:
        assert r.exit_code == 0, r.output
        assert "承诺时间：" + beijing_time(at) in r.stderr
        assert "本机时钟：" + beijing_time(at + offset) in r.stderr
        return
    assert r.exit_code == 1 and not out.exists()
    assert "见证人须在现场、按熵承诺写明的时间联署" in r.stderr
    assert beijing_time(at + offset) in r.stderr


def test_cosign_checks_the_announcement_when_given(
    cli: Any, cosign_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Review 2 d: with --announcement the commitment must name that announcement and be
    signed first by its signer."""
    from randcheck.core.draw import envelope
    from randcheck.core.draw.spec import unix_time
    from tests.core.draw import v2helpers as h

    _witness_clock(monkeypatch, unix_time(h.COMMITTED_AT))
    args = ("cosign", str(cosign_files["commitment"]), "--key", str(cosign_files["key"]))
    good = cli(*args, "--out", str(tmp_path / "a.json"), "--announcement",
               str(cosign_files["announcement"]), env=COSIGN_ENV, lang="en")  # fmt: skip
    assert good.exit_code == 0, good.output
    assert "signed by its signer" in " ".join(good.stderr.split())
    # another announcement (another margin: another digest)
    other = tmp_path / "other.json"
    other.write_bytes(h.announcement_v2(margin=30))
    r = cli(*args, "--out", str(tmp_path / "b.json"), "--announcement", str(other),
            env=COSIGN_ENV, lang="en")  # fmt: skip
    assert r.exit_code == 1 and not (tmp_path / "b.json").exists()
    assert "does not belong to the announcement" in " ".join(r.stderr.split())
    # the right announcement, but the commitment signed first by someone else
    announcement = cosign_files["announcement"].read_bytes()
    opened = envelope.open_envelope(announcement, "announcement")
    body = dict(envelope.open_envelope(cosign_files["commitment"].read_bytes()).doc)
    forged = tmp_path / "forged.json"
    forged.write_bytes(envelope.signed(body, h.STRANGER))
    assert body["announcement"] == opened.digest
    r = cli("cosign", str(forged), "--key", str(cosign_files["key"]), "--out",
            str(tmp_path / "e.json"), "--announcement", str(cosign_files["announcement"]),
            env=COSIGN_ENV, lang="en")  # fmt: skip
    assert r.exit_code == 1 and "not signed by the announcement's signer" in " ".join(
        r.stderr.split()
    )
    # a file that is no announcement
    r = cli(*args, "--out", str(tmp_path / "d.json"), "--announcement",
            str(cosign_files["commitment"]), env=COSIGN_ENV, lang="en")  # fmt: skip
    assert r.exit_code == 1 and "is not an announcement file" in " ".join(r.stderr.split())


def test_cosign_checks_out_and_the_key_file_before_the_passphrase(
    cli: Any, cosign_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Review 2 d: a missing --out folder and a public key given as --key are reported before
    any passphrase is asked (no passphrase in the environment, no input: asking would fail
    with keys.no_passphrase instead)."""
    from randcheck.core.draw.spec import unix_time
    from tests.core.draw import v2helpers as h

    _witness_clock(monkeypatch, unix_time(h.COMMITTED_AT))
    no_pass = {"RANDCHECK_KEY_PASSPHRASE": ""}
    r = cli("cosign", str(cosign_files["commitment"]), "--key", str(cosign_files["key"]),
            "--out", str(tmp_path / "nowhere" / "sig.json"), env=no_pass, lang="en")  # fmt: skip
    assert r.exit_code == 3
    flat = " ".join(r.stderr.split())
    assert "the folder does not exist or is not writable" in flat and "passphrase" not in flat
    r = cli("cosign", str(cosign_files["commitment"]), "--key", str(cosign_files["pub"]),
            "--out", str(tmp_path / "sig.json"), env=no_pass, lang="zh")  # fmt: skip
    assert r.exit_code == 3 and "是公钥文件，不是私钥" in r.stderr and "已损坏" not in r.stderr
    assert not (tmp_path / "sig.json").exists()


def test_cosign_help_names_exit_codes_and_the_time_check(cli: Any) -> None:
    from randcheck.services import commitments

    for lang, words in (("en", ("Exit codes", "check the commitment's time")),
                        ("zh", ("退出码", "核对屏幕上的承诺时间"))):  # fmt: skip
        r = cli("cosign", "--help", lang=lang)
        flat = "".join(r.stdout.split())
        assert r.exit_code == 0
        for word in words:
            assert "".join(word.split()) in flat, word
        assert str(commitments.COSIGN_MAX_AGE) in flat and str(commitments.COSIGN_MAX_AHEAD) in flat
