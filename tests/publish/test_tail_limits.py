"""``publish`` refuses a bundle whose log tail verify would not read (review B7): the bounds
live once, in ``services/verify/reading.py``, and both sides read them from there."""

from __future__ import annotations

from pathlib import Path

import pytest

from randcheck.bundle import layout
from randcheck.errors import CannotRunError
from randcheck.services import audit as audit_svc
from randcheck.services import keys as keys_svc
from randcheck.services import publish as publish_svc
from randcheck.services import verify as svc
from randcheck.services.verify import reading
from tests.publish.conftest import PASSPHRASE, TASK_ID, Drawn


def _state(drawn: Drawn) -> tuple[bytes, bytes | None]:
    """The log and the workspace's checkpoint, byte for byte."""
    cp = drawn.ws.audit_dir / audit_svc.CHECKPOINT
    return (drawn.ws.audit_dir / "log.jsonl").read_bytes(), cp.read_bytes() if cp.exists() else None


def _publish(drawn: Drawn, out: Path) -> publish_svc.PublishResult:
    key = keys_svc.load_private_key(drawn.ws, "office", PASSPHRASE.encode())
    return publish_svc.publish_record(drawn.ws, drawn.engine, drawn.rec_digest, key, out=out,
                                      actor="tester")  # fmt: skip


@pytest.mark.parametrize(
    ("bound", "value", "reason"),
    [("TAIL_LINES", 3, "verify.tail_too_many"), ("TAIL_BYTES", 300, "verify.file_too_big"),
     ("TAIL_LINE", 100, "verify.tail_line_too_long")],
)  # fmt: skip
def test_publish_refuses_a_tail_verify_would_not_read(
    drawn: Drawn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bound: str, value: int,
    reason: str,
) -> None:  # fmt: skip
    # a bundle published under the real bounds is refused by verify under the smaller one
    made = _publish(drawn, tmp_path / "before").path
    monkeypatch.setattr(reading, bound, value)
    tail = svc.verify_bundle(made, {})
    complete = {c.name: c for c in tail.checks}["log.complete"]
    assert not complete.ok and complete.code == reason

    before = _state(drawn)
    with pytest.raises(CannotRunError) as exc:
        _publish(drawn, tmp_path / "out")
    assert exc.value.code == "publish.tail_too_big"
    assert exc.value.params["reason_key"] == reason
    assert _state(drawn) == before  # no checkpoint signed, nothing logged
    assert not (tmp_path / "out" / layout.folder_name(TASK_ID)).exists()


def test_cli_says_why_and_writes_nothing(
    drawn: Drawn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "TAIL_LINES", 3)
    env = {"RANDCHECK_KEY_PASSPHRASE": PASSPHRASE}
    for lang, words in (("en", "would not verify"), ("zh", "无法通过核验")):
        out = tmp_path / lang
        res = drawn.cli()("publish", TASK_ID, "--out", str(out), lang=lang, env=env)
        assert res.exit_code == 3, res.output
        assert words in res.stderr and "Traceback" not in res.output
        assert not (out / layout.folder_name(TASK_ID)).exists()
