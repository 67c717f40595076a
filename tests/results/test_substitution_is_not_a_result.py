"""A substitution is not a result: ``draw substitute`` refuses a reason that is (or holds) a
term of the result vocabulary unless ``--not-a-result`` confirms it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from randcheck.core.draw import envelope
from randcheck.errors import ConflictError, InputError
from randcheck.services import draws, keys, substitutions
from randcheck.services.audit import AuditLog
from randcheck.services.results import guard, publication
from randcheck.workspace import Workspace
from tests.drawfixtures import OPERATOR
from tests.results.world import Drawn, at, import_rows, result_row, state

PASSPHRASE = "office-passphrase"
UNREACHABLE = "通过登记的住所（经营场所）无法联系"  # term 6


def sub(ws: Workspace, engine: Engine, drawn: Drawn, reason: str, **kw: Any) -> draws.Finalized:
    return substitutions.substitute(
        ws, engine, drawn.task, target=kw.pop("target", drawn.targets[0]),
        inspector=kw.pop("inspector", None), reason=reason, operator=OPERATOR, actor="tester",
        now=at("2026-09-02"), **kw,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("reason", "term"),
    [
        ("通过登记的住所无法联系", UNREACHABLE),  # an alias
        ("通过登记的住所(经营场所)无法联系", UNREACHABLE),  # ASCII brackets
        ("经核查，该户通过登记的住所无法联系，申请替补", UNREACHABLE),  # holds it
        ("已办理营业执照注销", "注销"),  # an alias of 注销
        ("企业已注销", "注销"),
        ("被吊销营业执照", "被吊销"),
        ("  迁出 ", "迁出"),
        ("6", UNREACHABLE),  # a term's code
    ],
)
def test_a_result_is_refused_as_a_reason(
    ws: Workspace, engine: Engine, drawn: Drawn, reason: str, term: str
) -> None:
    assert guard.result_term(ws, reason) == term
    before = state(ws, engine)
    with pytest.raises(InputError) as exc:
        sub(ws, engine, drawn, reason)
    assert exc.value.code == "draw.reason_is_result"
    assert exc.value.params == {"reason": reason, "term": term}
    assert state(ws, engine) == before
    text = str(exc.value)
    assert "randcheck results import" in text and "--not-a-result" in text and term in text


def test_confirmed_not_a_result_and_other_reasons(
    ws: Workspace, engine: Engine, drawn: Drawn
) -> None:
    for reason in ("名录数据重复登记", "企业申请回避", "检查人员调离"):
        assert guard.result_term(ws, reason) is None
    b = drawn.targets[1]
    ok = sub(ws, engine, drawn, "名录数据重复登记")
    assert envelope.open_envelope(ok.envelope, "addendum").doc["reason"] == "名录数据重复登记"
    assert "not_a_result" not in AuditLog(ws, engine).entries()[-1]["payload"]
    confirmed = sub(ws, engine, drawn, "抽取后、检查前得知已注销", target=b, not_a_result=True)
    doc = envelope.open_envelope(confirmed.envelope, "addendum").doc
    assert doc["reason"] == "抽取后、检查前得知已注销" and doc["target"] == b
    entry = AuditLog(ws, engine).entries()[-1]
    assert entry["kind"] == "draw.addendum" and entry["payload"]["not_a_result"] == "注销"
    # an inspector's recusal for a result-like reason is refused the same way
    member = drawn.team(drawn.targets[2])[0]
    with pytest.raises(InputError):
        sub(
            ws,
            engine,
            drawn,
            "拒绝检查：不配合检查情节严重",
            target=drawn.targets[2],
            inspector=member,
        )


def test_the_office_vocabulary_counts(ws: Workspace, engine: Engine, drawn: Drawn) -> None:
    ext = {"terms": [{"code": "Z1", "text": "拒不接受检查", "parent": None, "exclusive": True,
                      "aliases": ["拒检"]}]}  # fmt: skip
    (ws.root / "result-vocabulary.json").write_text(json.dumps(ext, ensure_ascii=False), "utf-8")
    assert guard.result_term(ws, "企业拒检") == "拒不接受检查"
    before = state(ws, engine)
    with pytest.raises(InputError):
        sub(ws, engine, drawn, "企业拒检")
    assert state(ws, engine) == before


@pytest.fixture
def keyed(ws: Workspace, engine: Engine, drawn: Drawn) -> Drawn:
    keys.init_key(ws, AuditLog(ws, engine), "tester", PASSPHRASE.encode())
    return drawn


def test_cli_refuses_before_the_passphrase_and_accepts_the_confirmation(
    cli: Any, ws: Workspace, engine: Engine, keyed: Drawn
) -> None:
    target = keyed.targets[0]
    args = ["draw", "substitute", keyed.task, "--target", target]
    before = state(ws, engine)
    # a wrong passphrase would exit 3: the reason is refused first, with exit 1
    refused = cli(*args, "--reason", "通过登记的住所无法联系",
                  env={"RANDCHECK_KEY_PASSPHRASE": "wrong"})  # fmt: skip
    assert refused.exit_code == 1, refused.output
    assert "randcheck results import" in refused.stderr and "--not-a-result" in refused.stderr
    zh = cli(*args, "--reason", "通过登记的住所无法联系", lang="zh",
             env={"RANDCHECK_KEY_PASSPHRASE": PASSPHRASE})  # fmt: skip
    assert zh.exit_code == 1 and "检查结果" in zh.stderr and "randcheck results import" in zh.stderr
    assert state(ws, engine) == before
    done = cli(*args, "--reason", "通过登记的住所无法联系", "--not-a-result", "--json",
               env={"RANDCHECK_KEY_PASSPHRASE": PASSPHRASE})  # fmt: skip
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert doc["action"] == "replace_target" and doc["target"] == target and doc["seq"] == 1
    assert AuditLog(ws, engine).entries()[-1]["payload"]["not_a_result"] == UNREACHABLE
    helped = cli("draw", "substitute", "--help")
    assert "--not-a-result" in helped.stdout


def test_an_inspected_target_cannot_be_substituted(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    """Replacing a target whose result is entered would orphan the result: publication of
    the task would then be refused for good (the row no longer fits the record)."""
    a, b, _ = drawn.targets
    import_rows(
        ws, engine, tmp_path / "r.xlsx", [result_row(drawn.task, a, "G01", "2026-09-20", "未发现问题")],
        now=at("2026-09-21"),
    )  # fmt: skip
    before = state(ws, engine)
    with pytest.raises(ConflictError) as exc:
        sub(ws, engine, drawn, "名录数据重复登记", target=a)
    assert exc.value.code == "draw.target_has_result"
    assert exc.value.params == {"target": a, "task": drawn.task, "item": "G01"}
    assert state(ws, engine) == before
    # its team may still change (a recusal), and other targets may still be replaced
    sub(ws, engine, drawn, "企业申请回避", target=a, inspector=drawn.team(a)[0])
    sub(ws, engine, drawn, "名录数据重复登记", target=b)
    done = publication.publish(ws, engine, drawn.task, OPERATOR, "签发人", now=at("2026-09-22"))
    assert done.count == 1
