"""randcheck/draw/v2 through the services: a v2 task announced, its commitment signed by the
operator and witnesses and logged, the round it fixes, the record, the bundle, verify; and
what the log makes of a commitment that was never carried on."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from randcheck.bundle import layout
from randcheck.core import signing
from randcheck.core.draw import entropy, envelope
from randcheck.errors import ConflictError, InputError, VerificationError
from randcheck.services import attempts, commitments, draws, gathering, keys, publish, tasks
from randcheck.services.audit import AuditLog, format_time
from randcheck.services.verify import verify_bundle
from randcheck.workspace import Workspace, init_workspace
from tests.drawfixtures import (
    ANNOUNCE_AT,
    DICE,
    DRAND_BEACON,
    DRAND_ROUND,
    DRAWN_AT,
    OPERATOR,
    ROUND_TIME,
    definition,
    seed_world,
    trusted,
    write_def,
)

PASS = b"correct horse battery staple"
MARGIN = 60
COMMIT_AT = datetime.fromtimestamp(ROUND_TIME - MARGIN - 1, UTC)  # gives DRAND_ROUND
DRAWN = datetime.strptime(DRAWN_AT, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
FILE = {**DICE, "drand": DRAND_BEACON}


def v2_definition(**ordering: Any) -> dict[str, Any]:
    doc = definition(spec="v2", ordering={"margin": MARGIN, "witnesses": ["李四=lisi"],
                                          **ordering})  # fmt: skip
    doc["entropy"] = {**doc["entropy"], "drand": {"chain": "quicknet"}}
    return doc


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试市市场监督管理局", "320500")[0]


@pytest.fixture
def task(ws: Workspace, engine: Engine) -> str:
    seed_world(engine)
    keys.init_key(ws, AuditLog(ws, engine), "tester", PASS, name="lisi", now=ANNOUNCE_AT)
    path = write_def(ws.root.parent / "defs" / "v2.toml", v2_definition())
    (d,) = tasks.create_tasks(ws, engine, path, "tester")
    tasks.announce(ws, engine, d.id, OPERATOR, "tester", ANNOUNCE_AT)
    return d.id


def commit(
    ws: Workspace, engine: Engine, task_id: str, at: datetime = COMMIT_AT, dice: Any = None
) -> tuple[draws.DrawPlan, commitments.Committed]:
    plan = draws.prepare(engine, task_id)
    witness = keys.load_private_key(ws, "lisi", PASS)
    values = gathering.committed_from_file(plan, dice or FILE)
    env = commitments.sign(plan, commitments.build(plan, values, format_time(at)), OPERATOR,
                           [("lisi", witness)])  # fmt: skip
    c = commitments.log(ws, engine, plan, env, None, "tester", redraw=False, now=at)
    return plan, c


def finish(
    ws: Workspace, engine: Engine, plan: draws.DrawPlan, c: commitments.Committed
) -> draws.Finalized:
    ev = gathering.evidence_from_file(plan, FILE, DRAWN_AT, rounds=c.rounds)
    seq = draws.reveal(ws, engine, plan, ev, "tester", redraw=False, now=DRAWN,
                       commitment=c.digest)  # fmt: skip
    body = draws.compute(plan, ev, DRAWN_AT, committed=c)
    return draws.finalize(ws, engine, plan, body, OPERATOR, [], "tester", seq, DRAWN)


def test_v2_draw_end_to_end_verifies_and_names_its_witness(
    ws: Workspace, engine: Engine, task: str
) -> None:
    plan, c = commit(ws, engine, task)
    assert plan.doc["spec"] == "randcheck/draw/v2"
    assert c.rounds == {2: DRAND_ROUND}  # nonce, dice, drand
    assert c.witnesses == ("李四",)
    assert c.anchors() == ["witnesses"]
    fin = finish(ws, engine, plan, c)
    rec = envelope.open_envelope(fin.envelope, "record").doc
    assert rec["commitment"] == c.digest
    res = publish.publish_record(ws, engine, fin.digest, OPERATOR, actor="tester", now=DRAWN)
    names = set(res.files)
    assert {layout.COMMITMENT, layout.witness_key_file(_kid(ws))} <= names
    assert layout.COMMITMENT_TOKEN not in names
    report = verify_bundle(res.path, trusted(OPERATOR), trusted_witnesses={_kid(ws)})
    by_name = {ch.name: ch for ch in report.checks}
    assert report.ok, report.first_failure
    assert by_name["commitment.anchor"].code == "verify.ordering_witnesses"
    assert by_name["commitment.anchor"].params["names"] == "李四"
    assert by_name["log.commitment"].ok and by_name["log.order"].ok
    # A2: a reader who does not trust 李四's key gets the co-signature unverified, named
    report = verify_bundle(res.path, trusted(OPERATOR))
    by_name = {ch.name: ch for ch in report.checks}
    assert report.status == "unverified" and not report.failures
    assert by_name["commitment.witnesses"].code == "proto.witnesses_unconfirmed"
    assert by_name["commitment.witnesses"].params == {"names": "李四"}


def _kid(ws: Workspace) -> str:
    return signing.key_id(keys.public_key(ws, "lisi"))


def test_a_v1_bundle_gets_no_commitment_checks(ws: Workspace, engine: Engine) -> None:
    from tests.services.test_draws import announced, official

    seed_world(engine)
    task_id = announced(ws, engine)
    _body, fin = official(ws, engine, task_id)
    res = publish.publish_record(ws, engine, fin.digest, OPERATOR, actor="tester", now=DRAWN)
    report = verify_bundle(res.path, trusted(OPERATOR))
    assert report.ok
    assert not [c for c in report.checks if c.name.startswith(("commitment.", "log.commitment"))]


def test_the_record_must_use_the_round_the_commitment_fixed(
    ws: Workspace, engine: Engine, task: str
) -> None:
    plan, c = commit(ws, engine, task, at=datetime.fromtimestamp(ROUND_TIME - MARGIN, UTC))
    assert c.round == DRAND_ROUND + 1  # a second later: the next round
    with pytest.raises(VerificationError) as exc:
        gathering.evidence_from_file(plan, FILE, DRAWN_AT, rounds=c.rounds)
    assert exc.value.code == "draw.drand_wrong_round_v2"
    # and the core refuses it even if the evidence is built by hand
    ev = gathering.evidence_from_file(
        plan, FILE, DRAWN_AT, rounds=dict.fromkeys(c.rounds, DRAND_ROUND)
    )
    with pytest.raises(VerificationError) as exc:
        draws.compute(plan, ev, DRAWN_AT, committed=c)
    assert exc.value.code == "proto.commitment_round"


def test_dice_other_than_the_committed_ones_are_refused(
    ws: Workspace, engine: Engine, task: str
) -> None:
    plan, c = commit(ws, engine, task)
    other = {"dice": {"张三": [6, 6, 6, 6, 6]}, "drand": DRAND_BEACON}
    ev = gathering.evidence_from_file(plan, other, DRAWN_AT, rounds=c.rounds)
    with pytest.raises(VerificationError) as exc:
        draws.compute(plan, ev, DRAWN_AT, committed=c)
    assert exc.value.code == "proto.commitment_values_differ"


def test_a_v2_official_draw_needs_its_commitment(ws: Workspace, engine: Engine, task: str) -> None:
    plan = draws.prepare(engine, task)
    ev = gathering.evidence_from_file(plan, FILE, DRAWN_AT, rounds={2: DRAND_ROUND})
    with pytest.raises(InputError):
        draws.compute(plan, ev, DRAWN_AT)


def test_an_undeclared_witness_key_is_refused_before_signing(
    ws: Workspace, engine: Engine, task: str
) -> None:
    plan = draws.prepare(engine, task)
    body = commitments.build(plan, gathering.committed_from_file(plan, FILE),
                             format_time(COMMIT_AT))  # fmt: skip
    stranger = signing.private_from_seed(bytes([5]) * 32)
    with pytest.raises(InputError) as exc:
        commitments.sign(plan, body, OPERATOR, [("x", stranger)])
    assert exc.value.code == "ceremony.v2_witness_missing"


def test_a_commitment_is_pending_until_carried_on(ws: Workspace, engine: Engine, task: str) -> None:
    _plan, c = commit(ws, engine, task)
    # the ceremony stopped after the commitment (an abort names it, it does not end it)
    draws.log_abort(ws, engine, task, "tester", draws.Stage.ENTROPY, "interrupted",
                    resumed=c.seq)  # fmt: skip
    fresh = draws.prepare(engine, task)
    assert fresh.pending == (c.seq,)
    with pytest.raises(ConflictError) as exc:
        draws.check_redraw(fresh, False)
    assert exc.value.code == "draw.entropy_logged"  # --resume, or --redraw
    # --resume: the same commitment, values and round
    found = commitments.pending(engine, fresh)
    assert found is not None and found.digest == c.digest and found.rounds == c.rounds
    resumed = draws.prepare(engine, task, found.seq)
    assert resumed.pending == ()
    fin = finish(ws, engine, resumed, found)
    assert envelope.open_envelope(fin.envelope, "record").doc["commitment"] == c.digest
    assert draws.prepare(engine, task).pending == ()


def test_a_second_commitment_needs_a_redraw(ws: Workspace, engine: Engine, task: str) -> None:
    commit(ws, engine, task)
    with pytest.raises(ConflictError):
        commit(ws, engine, task, dice={"dice": {"张三": [6, 6, 6, 6, 6]}})


def test_log_entry_holds_the_commitment_and_its_anchors(
    ws: Workspace, engine: Engine, task: str
) -> None:
    _plan, c = commit(ws, engine, task)
    entry = next(e for e in AuditLog(ws, engine).entries() if e["seq"] == c.seq)
    assert entry["kind"] == attempts.COMMITTED
    p = entry["payload"]
    assert p["commitment"] == c.digest and p["round"] == DRAND_ROUND
    assert p["anchors"] == ["witnesses"] and p["token"] is None
    assert p["envelope"].encode() == c.envelope


def test_forged_bundle_dice_differing_from_the_commitment_fail_verify(
    ws: Workspace, engine: Engine, task: str, tmp_path: Path
) -> None:
    plan, c = commit(ws, engine, task)
    fin = finish(ws, engine, plan, c)
    res = publish.publish_record(ws, engine, fin.digest, OPERATOR, actor="tester", now=DRAWN)
    forged = tmp_path / "forged"
    shutil.copytree(res.path, forged)
    body = dict(envelope.open_envelope((forged / layout.COMMITMENT).read_bytes()).doc)
    body["values"] = [None, entropy.dice_evidence("张三", [6, 6, 6, 6, 6]), None]
    (forged / layout.COMMITMENT).write_bytes(envelope.signed(body, OPERATOR))
    report = verify_bundle(forged, trusted(OPERATOR))
    failed = {ch.name for ch in report.failures}
    assert "commitment.binding" in failed


def test_v2_task_file_rules(ws: Workspace, engine: Engine) -> None:
    bad = definition(spec="v2")  # dice only: no drand
    path = write_def(ws.root.parent / "defs" / "bad.json", bad)
    with pytest.raises(InputError) as exc:
        tasks.create_tasks(ws, engine, path, "tester")
    assert exc.value.code == "taskdef.v2_needs_drand"
    seed_world(engine)
    unknown = write_def(ws.root.parent / "defs" / "u.json", v2_definition(witnesses=["nobody"]))
    (d,) = tasks.create_tasks(ws, engine, unknown, "tester")
    with pytest.raises(InputError) as exc:
        tasks.announce(ws, engine, d.id, OPERATOR, "tester", ANNOUNCE_AT)
    assert exc.value.code == "task.witness_key_unknown"


def test_announcement_json_names_no_round(ws: Workspace, engine: Engine, task: str) -> None:
    plan = draws.prepare(engine, task)
    src = plan.doc["entropy"][-1]
    assert src == {"type": "drand", "chain_hash": src["chain_hash"], "margin": MARGIN}
    assert json.dumps(plan.doc["ordering"]["tsa"]) == "[]"


def test_a_practice_run_after_a_commitment_does_not_hide_it(
    ws: Workspace, engine: Engine, task: str
) -> None:
    _plan, c = commit(ws, engine, task)
    draws.log_practice(ws, engine, task, "tester", {"seed": "00" * 32})
    found = commitments.pending(engine, draws.prepare(engine, task))
    assert found is not None and found.seq == c.seq


# --- A1, B4: the token of a commitment -----------------------------------------------------


@pytest.fixture
def tsa_task(ws: Workspace, engine: Engine) -> tuple[str, Any]:
    """A v2 task whose announcement lists the test TSA (and one witness)."""
    import hashlib

    from tests.tsa_fixture import TestTSA

    t = TestTSA()
    seed_world(engine)
    keys.init_key(ws, AuditLog(ws, engine), "tester", PASS, name="lisi", now=ANNOUNCE_AT)
    doc = v2_definition(tsa_certs=[hashlib.sha256(t.cert_der).hexdigest()])
    (d,) = tasks.create_tasks(ws, engine, write_def(ws.root.parent / "defs" / "t.toml", doc),
                              "tester")  # fmt: skip
    tasks.announce(ws, engine, d.id, OPERATOR, "tester", ANNOUNCE_AT)
    return d.id, t


def _signed(ws: Workspace, engine: Engine, task_id: str) -> tuple[draws.DrawPlan, bytes]:
    plan = draws.prepare(engine, task_id)
    witness = keys.load_private_key(ws, "lisi", PASS)
    values = gathering.committed_from_file(plan, FILE)
    body = commitments.build(plan, values, format_time(COMMIT_AT))
    return plan, commitments.sign(plan, body, OPERATOR, [("lisi", witness)])


def test_a_relayed_timestamp_response_is_logged_as_its_token(
    ws: Workspace, engine: Engine, tsa_task: tuple[str, Any]
) -> None:
    """B4: what curl / openssl ts -reply save is a whole TimeStampResp: the log and the bundle
    hold the bare token."""
    from randcheck.core import tsa as core_tsa

    task_id, t = tsa_task
    plan, env = _signed(ws, engine, task_id)
    digest = bytes.fromhex(envelope.open_envelope(env, "commitment").digest)
    resp = t.respond(core_tsa.make_request(digest), COMMIT_AT)
    tok = commitments.check_token(plan, env, resp)
    assert tok.der == core_tsa.parse_response(resp) and tok.der != resp
    c = commitments.log(ws, engine, plan, env, tok, "tester", redraw=False, now=COMMIT_AT)
    entry = next(e for e in AuditLog(ws, engine).entries() if e["seq"] == c.seq)
    import base64

    assert base64.b64decode(entry["payload"]["token"]) == tok.der
    refused = t.respond(core_tsa.make_request(digest), refuse="no")
    with pytest.raises(InputError) as exc:
        commitments.check_token(plan, env, refused)
    assert exc.value.params["reason_key"] == "tsa.refused"


def test_a_token_later_than_the_round_kills_the_commitment(
    ws: Workspace, engine: Engine, tsa_task: tuple[str, Any]
) -> None:
    """A1: the round is fixed by committed_at; a token that came back after that round was
    published is logged (one token per commitment) and the commitment is dead: --resume and
    the record refuse it, and a new draw is a marked redraw."""
    task_id, t = tsa_task
    plan, env = _signed(ws, engine, task_id)
    digest = bytes.fromhex(envelope.open_envelope(env, "commitment").digest)
    late_at = datetime.fromtimestamp(ROUND_TIME + 30, UTC)
    tok = commitments.check_token(plan, env, t.stamp(digest, late_at))
    c = commitments.log(ws, engine, plan, env, tok, "tester", redraw=False, now=COMMIT_AT)
    assert c.late and c.rounds == {2: DRAND_ROUND}  # the round is committed_at's all the same
    with pytest.raises(InputError) as exc:
        commitments.ensure_alive(c)
    assert exc.value.code == "ceremony.v2_token_late"
    fresh = draws.prepare(engine, task_id)
    found = commitments.pending(engine, fresh)
    assert found is not None and found.late  # --resume refuses it (cli: ensure_alive)
    with pytest.raises(ConflictError):
        draws.check_redraw(fresh, False)
    with pytest.raises(InputError) as exc:
        finish(ws, engine, draws.prepare(engine, task_id, found.seq), found)
    assert exc.value.code == "ceremony.v2_token_late"
    # in time: alive
    plan2, env2 = _signed(ws, engine, task_id)
    ok = commitments.check_token(plan2, env2, t.stamp(digest, COMMIT_AT))
    assert not commitments._settle(plan2, env2, ok, -1).late


def test_the_tsa_url_form_is_checked(ws: Workspace) -> None:
    """A7: a malformed URL is a clear InputError, never a ValueError traceback."""
    for bad in ("http://[::1", "ftp://tsa.example", "tsa.example/tsr", "https://"):
        with pytest.raises(InputError) as exc:
            commitments.check_tsa_url(bad)
        assert exc.value.code == "tsa.bad_url"
    commitments.check_tsa_url("https://tsa.example/tsr")


# --- A2: the office's own key as a witness ---------------------------------------------------


def test_the_office_key_as_a_witness_is_refused(ws: Workspace, engine: Engine) -> None:
    seed_world(engine)
    keys.init_key(ws, AuditLog(ws, engine), "tester", PASS, name="mine", now=ANNOUNCE_AT)
    doc = v2_definition(witnesses=["张伟=office"])
    with pytest.raises(InputError) as exc:
        tasks.create_tasks(ws, engine, write_def(ws.root.parent / "defs" / "o.toml", doc), "t")
    assert exc.value.code == "task.witness_is_office"
    # announced with the witness's own key as the signing key: refused at announcement too
    doc = v2_definition(witnesses=["张伟=mine"])
    (d,) = tasks.create_tasks(ws, engine, write_def(ws.root.parent / "defs" / "m.toml", doc), "t")
    mine = keys.load_private_key(ws, "mine", PASS)
    with pytest.raises(InputError) as exc:
        tasks.announce(ws, engine, d.id, mine, "tester", ANNOUNCE_AT)
    assert exc.value.code == "task.witness_is_office"


def test_one_witness_name_as_a_string_is_refused(ws: Workspace, engine: Engine) -> None:
    """C: `[ordering] witnesses = "张伟"` is a mistake for a list, with a clear message."""
    seed_world(engine)
    doc = v2_definition(witnesses="张伟")
    with pytest.raises(InputError) as exc:
        tasks.create_tasks(ws, engine, write_def(ws.root.parent / "defs" / "s.toml", doc), "t")
    assert exc.value.code == "taskdef.bad_field"
    assert exc.value.params["expected_key"] == "taskdef.exp.witness_list"


def test_a_wrong_drand_round_under_v2_says_the_commitment_fixed_it() -> None:
    """C: under v2 no round was announced: the message says the commitment fixed it."""
    from randcheck.core.draw import drand
    from randcheck.services.gathering import drand_evidence

    src = entropy.drand_source_v2(drand.CHAINS["quicknet"].chain_hash, MARGIN)
    with pytest.raises(VerificationError) as exc:
        drand_evidence(src, json.dumps(DRAND_BEACON), DRAWN_AT, "2020-01-01T00:00:00Z",
                       DRAND_ROUND + 1)  # fmt: skip
    assert exc.value.code == "draw.drand_wrong_round_v2"
    assert exc.value.params == {"got": DRAND_ROUND, "want": DRAND_ROUND + 1}


# --- A2: a witness co-signs on their own device ----------------------------------------------


def test_a_witness_cosigns_with_their_own_key_on_their_own_device(
    ws: Workspace, engine: Engine
) -> None:
    """The office holds only the witness's public key (a trusted witness key); the witness
    co-signs the operator-signed commitment elsewhere (``randcheck cosign``) and the ceremony
    adds that co-signature; a co-signature over another commitment, by an undeclared key, or
    forged is refused."""
    seed_world(engine)
    own = signing.private_from_seed(b"wang5" * 6 + b"!!")  # the witness's, not the office's
    text = keys.export_for(ws, "wang", signing.public_raw(own))
    keys.trust_key(ws, AuditLog(ws, engine), "tester", text, "wang.pub", "wang", role="witness")
    doc = v2_definition(witnesses=["王五=wang"])
    (d,) = tasks.create_tasks(ws, engine, write_def(ws.root.parent / "defs" / "w.toml", doc),
                              "tester")  # fmt: skip
    tasks.announce(ws, engine, d.id, OPERATOR, "tester", ANNOUNCE_AT)
    plan = draws.prepare(engine, d.id)
    values = gathering.committed_from_file(plan, FILE)
    env = commitments.sign(plan, commitments.build(plan, values, format_time(COMMIT_AT)),
                           OPERATOR, [])  # fmt: skip
    cosig = commitments.cosignature(env, own)
    signed_env, name = commitments.add_cosignature(ws, plan, env, cosig)
    assert name == "王五" and len(envelope.open_envelope(signed_env, "commitment").signatures) == 2
    c = commitments.log(ws, engine, plan, signed_env, None, "tester", redraw=False, now=COMMIT_AT)
    assert c.witnesses == ("王五",) and c.anchors() == ["witnesses"]
    other = commitments.sign(plan, commitments.build(plan, values, format_time(DRAWN)),
                             OPERATOR, [])  # fmt: skip
    stranger = signing.private_from_seed(bytes([8]) * 32)
    forged = {**cosig, "sig": "00" * 64}
    for bad, reason in ((commitments.cosignature(other, own), "cosign.other_commitment"),
                        (commitments.cosignature(env, stranger), "proto.witness_undeclared"),
                        (forged, "proto.witness_bad_signature"),
                        ({"kind": "x"}, "cosign.bad_file")):  # fmt: skip
        with pytest.raises(InputError) as exc:
            commitments.add_cosignature(ws, plan, env, bad)
        assert exc.value.code == "cosign.rejected" and exc.value.params["reason_key"] == reason


def test_a_redraw_s_commitment_must_be_later_than_what_it_answers(
    ws: Workspace, engine: Engine, task: str
) -> None:
    """Second review item 1: a redraw's committed_at is strictly later than the log time and
    the committed_at of every pending attempt it answers; otherwise the office could date the
    redraw's commitment before the one it replaces (an earlier, already public round)."""
    from datetime import timedelta

    first_at = COMMIT_AT - timedelta(seconds=10)
    plan = draws.prepare(engine, task)
    witness = keys.load_private_key(ws, "lisi", PASS)
    values = gathering.committed_from_file(plan, FILE)

    def signed(at: datetime) -> bytes:
        body = commitments.build(plan, values, format_time(at))
        return commitments.sign(plan, body, OPERATOR, [("lisi", witness)])

    # commitment 1: committed_at first_at, logged 5 s later (its log time)
    c1 = commitments.log(ws, engine, plan, signed(first_at), None, "tester", redraw=False,
                         now=first_at + timedelta(seconds=5))  # fmt: skip
    plan = draws.prepare(engine, task)
    assert plan.pending == (c1.seq,)
    for at in (first_at - timedelta(seconds=1), first_at, first_at + timedelta(seconds=5)):
        with pytest.raises(InputError) as exc:
            commitments.log(ws, engine, plan, signed(at), None, "tester", redraw=True, now=at)
        assert exc.value.code == "ceremony.v2_redraw_not_later"
        assert exc.value.params["seq"] == c1.seq
    assert draws.prepare(engine, task).pending == (c1.seq,)  # nothing was logged
    at = first_at + timedelta(seconds=6)
    c2 = commitments.log(ws, engine, plan, signed(at), None, "tester", redraw=True, now=at)
    assert c2.seq > c1.seq and draws.prepare(engine, task).pending == (c1.seq, c2.seq)
