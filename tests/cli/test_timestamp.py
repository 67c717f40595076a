"""``randcheck timestamp``: digests in either case, the --out folder checked before the TSA is
asked, and every failure a message with an exit code, never a traceback (review A7, C)."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from randcheck.cli import timestamp as timestamp_cli
from randcheck.core import tsa as tsa_mod
from tests.conftest import Cli
from tests.tsa_fixture import TestTSA, TSAServer, serve

DIGEST = hashlib.sha256(b"commitment").hexdigest()


@pytest.fixture(scope="module")
def authority() -> TestTSA:
    return TestTSA(name="CLI TSA")


@pytest.fixture
def server(authority: TestTSA) -> Iterator[TSAServer]:
    with serve(authority) as running:
        yield running


def _no_traceback(result: object) -> None:
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    exc = result.exception  # type: ignore[attr-defined]
    assert exc is None or isinstance(exc, SystemExit), repr(exc)


@pytest.mark.parametrize("digest", [DIGEST.upper(), f" {DIGEST[:10].upper()}{DIGEST[10:]} "])
def test_upper_case_digest_is_normalised(
    cli: Cli, tmp_path: Path, server: TSAServer, digest: str
) -> None:
    out = tmp_path / "c.tsr"
    result = cli("timestamp", digest, "--tsa", server.url, "--out", str(out))
    assert result.exit_code == 0, result.output
    token = tsa_mod.verify_token(out.read_bytes(), bytes.fromhex(DIGEST))
    assert token.imprint.hex() == DIGEST


@pytest.mark.parametrize(
    "digest", ["xyz", DIGEST[:-1], DIGEST + "0", "g" * 64, "\x1b[2J" + "a" * 60]
)
def test_bad_digest_is_usage_and_asks_no_one(
    cli: Cli, tmp_path: Path, server: TSAServer, digest: str
) -> None:
    result = cli("timestamp", digest, "--tsa", server.url, "--out", str(tmp_path / "c.tsr"))
    assert result.exit_code == 2
    assert "64 hexadecimal digits" in result.output
    assert "\x1b" not in result.output
    assert server.requests == 0
    _no_traceback(result)


@pytest.mark.parametrize(
    "url", ["http://[::1", "ftp://tsa.example/tsr", "tsa.example", "http://tsa.example:99999/"]
)
def test_bad_url_is_usage_not_a_traceback(
    cli: Cli, tmp_path: Path, url: str, lang: str = "zh"
) -> None:
    out = tmp_path / "c.tsr"
    result = cli("timestamp", DIGEST, "--tsa", url, "--out", str(out), lang=lang)
    assert result.exit_code == 2, result.output
    assert "时间戳机构地址无效" in result.output
    assert not out.exists()
    _no_traceback(result)


def test_missing_out_folder_is_found_before_the_tsa_is_asked(
    cli: Cli, tmp_path: Path, server: TSAServer
) -> None:
    out = tmp_path / "no-such-folder" / "c.tsr"
    result = cli("timestamp", DIGEST, "--tsa", server.url, "--out", str(out))
    assert result.exit_code == 3
    assert "no-such-folder" in result.output and "cannot write the token" in result.output
    assert server.requests == 0
    _no_traceback(result)


def test_out_folder_that_is_a_file_is_found_before_the_tsa_is_asked(
    cli: Cli, tmp_path: Path, server: TSAServer
) -> None:
    (tmp_path / "file").write_text("x")
    result = cli("timestamp", DIGEST, "--tsa", server.url, "--out", str(tmp_path / "file" / "c"))
    assert result.exit_code == 3
    assert server.requests == 0


def test_unwritable_out_folder_is_found_before_the_tsa_is_asked(
    cli: Cli, tmp_path: Path, server: TSAServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(timestamp_cli.tempfile, "NamedTemporaryFile", refuse)
    result = cli("timestamp", DIGEST, "--tsa", server.url, "--out", str(tmp_path / "c.tsr"))
    assert result.exit_code == 3
    assert "Permission denied" in result.output
    assert server.requests == 0


def test_the_writability_probe_leaves_nothing_behind(
    cli: Cli, tmp_path: Path, server: TSAServer
) -> None:
    result = cli("timestamp", DIGEST, "--tsa", server.url, "--out", str(tmp_path / "c.tsr"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.tsr"]


def test_existing_out_file_is_not_overwritten_and_the_tsa_is_not_asked(
    cli: Cli, tmp_path: Path, server: TSAServer
) -> None:
    out = tmp_path / "c.tsr"
    out.write_bytes(b"old")
    result = cli("timestamp", DIGEST, "--tsa", server.url, "--out", str(out))
    assert result.exit_code == 3
    assert out.read_bytes() == b"old" and server.requests == 0


def test_network_failure_is_exit_3_with_a_message(cli: Cli, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/tsr"
    result = cli("timestamp", DIGEST, "--tsa", url, "--out", str(tmp_path / "c.tsr"))
    assert result.exit_code == 3
    assert "cannot reach the time-stamping authority" in result.output
    assert not (tmp_path / "c.tsr").exists()
    _no_traceback(result)


def test_refusing_tsa_is_exit_1(cli: Cli, tmp_path: Path, server: TSAServer) -> None:
    server.refuse = "quota exceeded"
    result = cli("timestamp", DIGEST, "--tsa", server.url, "--out", str(tmp_path / "c.tsr"))
    assert result.exit_code == 1
    assert "quota exceeded" in result.output
    assert not (tmp_path / "c.tsr").exists()
    _no_traceback(result)
