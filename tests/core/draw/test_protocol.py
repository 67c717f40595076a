"""Rules a draw must obey, each failure mode once, asserting the error code (SPEC §4–§10)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from randcheck.core.draw import entropy
from randcheck.core.draw.addenda import substitute
from randcheck.core.draw.announce import announce
from randcheck.core.draw.commit import canonical_codes, parse_population_file, population_file
from randcheck.core.draw.envelope import cosign, open_envelope, signed, verify
from randcheck.core.draw.model import Inspector, Item, Roster, Rule, StratumSpec
from randcheck.core.draw.record import draw
from randcheck.core.draw.replay import replay
from randcheck.core.draw.select import sample_size
from randcheck.errors import InputError, ReplayMismatchError, SignatureError, VerificationError
from tests.core.draw.helpers import KEY, KEYS, make_announcement, make_draw
from tests.drawfixtures import passes_without_bls
from tests.vectors import generate as g


def test_sample_size_rounds_up_and_never_zero() -> None:
    assert sample_size(Rule.ratio(3, 100), 1000) == 30
    assert sample_size(Rule.ratio(3, 100), 1001) == 31  # 30.03 rounds up
    assert sample_size(Rule.ratio(1, 100), 5) == 1  # 不免抽: at least one
    assert sample_size(Rule.count(0), 7) == 1
    assert sample_size(Rule.count(10), 4) == 4
    assert sample_size(Rule.ratio(1, 2), 0) == 0


def test_cap_for_general_items_is_enforced_not_clamped() -> None:
    t, _, _ = g.small_task()
    with pytest.raises(InputError) as exc:
        make_announcement(task=t, strata=[StratumSpec("A", Rule.ratio(1, 2)),
                                          StratumSpec("B", Rule.count(1)),
                                          StratumSpec("C", Rule.count(1)),
                                          StratumSpec("D", Rule.count(1))])  # fmt: skip
    assert exc.value.code == "proto.cap_exceeded"
    assert exc.value.params["stratum"] == "A"
    no_cap = dataclasses.replace(t, ratio_cap=None)
    with pytest.raises(InputError) as exc:
        make_announcement(task=no_cap)
    assert exc.value.code == "proto.cap_required"
    only_key = dataclasses.replace(t, ratio_cap=None, items=(Item("X", "key"),))
    make_announcement(task=only_key)  # 重点 items: no upper limit


def test_population_must_be_sorted_unique_and_in_one_stratum() -> None:
    with pytest.raises(InputError) as exc:
        canonical_codes(["B", "A", "B"], "S")
    assert exc.value.code == "proto.duplicate_code"
    with pytest.raises(InputError) as exc:
        canonical_codes(["A B"], "S")
    assert exc.value.code == "proto.bad_code"
    pop = g.small_population()
    pop["B"] = canonical_codes([*pop["B"], pop["A"][0]])
    with pytest.raises(InputError) as exc:
        make_announcement(population=pop)
    assert exc.value.code == "proto.code_in_two_strata"
    with pytest.raises(InputError) as exc:
        parse_population_file(b"B\nA\n", "S")
    assert exc.value.code == "proto.unsorted"
    assert parse_population_file(population_file(pop["A"]), "A") == pop["A"]


def test_official_draw_needs_a_public_source_and_one_nonce() -> None:
    nonce_only = g.sources()[:1]
    with pytest.raises(InputError) as exc:
        make_announcement(sources=nonce_only)
    assert exc.value.code == "proto.public_source_required"
    make_announcement(sources=nonce_only, practice=True)
    with pytest.raises(InputError) as exc:
        make_announcement(sources=g.sources()[1:])
    assert exc.value.code == "proto.nonce_count"


def test_nonce_must_match_its_commitment() -> None:
    ev = g.evidence()
    ev[0] = entropy.nonce_evidence(bytes(32))
    with pytest.raises(VerificationError) as exc:
        make_draw(evidence=ev)
    assert exc.value.code == "proto.nonce_mismatch"


def test_dice_count_and_range_are_checked() -> None:
    ev = g.evidence()
    ev[1] = entropy.dice_evidence("张三", [1, 2, 3, 4, 5, 7])
    with pytest.raises(VerificationError) as exc:
        make_draw(evidence=ev)
    assert exc.value.code == "proto.evidence_range"
    ev[1] = entropy.dice_evidence("张三", [1, 2, 3])
    with pytest.raises(VerificationError) as exc:
        make_draw(evidence=ev)
    assert exc.value.code == "proto.evidence_count"


def test_drand_round_must_be_published_after_the_announcement() -> None:
    with pytest.raises(VerificationError) as exc:
        make_draw(announced_at="2023-09-15T11:00:03Z")  # exactly the round's time: too late
    assert exc.value.code == "proto.drand_timing"


def test_drand_signature_is_verified_offline() -> None:
    ann, pop, ros = make_announcement()
    ev = g.evidence()
    sig = g.QUICKNET_SIG[:-2] + ("00" if g.QUICKNET_SIG[-2:] != "00" else "01")
    ev[3] = entropy.drand_evidence(g.QUICKNET, g.QUICKNET_ROUND, sig, None)
    with pytest.raises(VerificationError) as exc:
        draw(ann, pop, ros, ev, g.DRAWN_AT)
    assert exc.value.code.startswith("drand.") or exc.value.code == "proto.evidence_shape"


def test_unstaffable_target_fails_before_signing_naming_target_and_reasons() -> None:
    pop = g.small_population()
    ros = g.small_roster(pop)
    expired = Roster(
        tuple(
            dataclasses.replace(i, cert_to="2023-10-15") if i.department == "农业农村局" else i
            for i in ros.inspectors
        ),
        ros.conflicts,
        ros.previous,
    )
    ann, _, _ = make_announcement(roster=expired)
    with pytest.raises(InputError) as exc:
        draw(ann, pop, expired, g.evidence(), g.DRAWN_AT, verify_bls=False)
    assert exc.value.code == "proto.unstaffable"
    assert exc.value.params["step"] == "department:农业农村局"
    assert "certificate=" in exc.value.params["reasons"]
    assert exc.value.params["target"]


def test_every_team_obeys_every_rule_in_the_vector() -> None:
    _ann, rec, _pop, ros = make_draw()
    body = open_envelope(rec).doc
    by_id = {i.id: i for i in ros.inspectors}
    loads: dict[str, int] = {}
    for team in body["teams"]:
        regular = [by_id[m["id"]] for m in team["members"] if not m["expert"]]
        experts = [by_id[m["id"]] for m in team["members"] if m["expert"]]
        assert len(regular) >= 2 and len(experts) == 1
        assert {i.department for i in regular} == {"市场监管局", "农业农村局"}
        for i in regular + experts:
            assert i.cert_to >= "2023-10-31" and "食品" in i.qualifications
            assert (i.id, team["target"]) not in ros.conflicts
            assert (team["target"], i.id) not in ros.previous
            loads[i.id] = loads.get(i.id, 0) + 1
    assert max(loads.values()) <= 5


def test_signatures_layout_and_witnesses() -> None:
    _ann, rec, _, _ = make_draw()
    env = open_envelope(rec, "record")
    assert verify(env, KEYS) == list(KEYS)
    with pytest.raises(SignatureError):
        verify(env, {})
    witness = g.signing.private_from_seed(bytes([7]) * 32)
    both = cosign(rec, witness)
    assert len(open_envelope(both).signatures) == 2
    assert open_envelope(both).body == env.body  # co-signing never re-serialises the body
    with pytest.raises(InputError):
        cosign(both, witness)
    with pytest.raises(VerificationError) as exc:
        open_envelope(rec + b" ")
    assert exc.value.code == "proto.envelope_layout"
    with pytest.raises(VerificationError) as exc:
        open_envelope(rec.replace(b'{"signed":', b'{"signed": '))
    assert exc.value.code == "proto.not_canonical"
    with pytest.raises(VerificationError):
        open_envelope(rec, "announcement")


def test_redraw_and_chain_are_recorded() -> None:
    ann, pop, ros = make_announcement()
    first = draw(ann, pop, ros, g.evidence(), g.DRAWN_AT, verify_bls=False)
    again = draw(
        ann, pop, ros, g.evidence(), g.DRAWN_AT, verify_bls=False,
        previous_record="ab" * 32, redraw_reason="设备故障",
    )  # fmt: skip
    assert first["redraw"] is None and first["previous_record"] is None
    assert again["redraw"] == {"reason": "设备故障"} and again["previous_record"] == "ab" * 32


def test_replay_names_the_failing_check() -> None:
    ann, rec, pop, ros = make_draw()
    ok = replay(ann, rec, pop, ros, KEYS, verify_bls=False)
    assert passes_without_bls(ok), ok.first_failure
    # SPEC §9: a drand round whose BLS signature was not checked is unverified, never passed
    assert not ok.ok and ok.status == "unverified"
    assert [c.name for c in ok.unverified] == ["entropy"]
    assert replay(ann, rec, pop, ros, KEYS).ok  # with the BLS check: every check passes
    # A changed pool (one code swapped) breaks the population commitment.
    bad_pop = dict(pop, A=canonical_codes([*pop["A"][1:], b"91330100MA9999999X"]))
    report = replay(ann, rec, bad_pop, ros, KEYS, verify_bls=False)
    assert not report.ok and report.first_failure is not None
    assert report.first_failure.name == "population.A"
    # A different roster breaks the roster commitment and teams are not checked.
    other = Roster(ros.inspectors[:-1], ros.conflicts, ros.previous)
    report = replay(ann, rec, pop, other, KEYS, verify_bls=False)
    assert report.first_failure is not None and report.first_failure.name == "roster"
    # A record signed by the operator but with a changed team is caught by recomputation.
    body = open_envelope(rec).doc
    body["teams"][0]["members"].reverse()
    forged = signed(body, KEY)
    report = replay(ann, forged, pop, ros, KEYS, verify_bls=False)
    assert report.first_failure is not None and report.first_failure.name == "teams"
    assert report.first_failure.code == "proto.replay_mismatch"


def test_substitutions_are_deterministic_and_replayed() -> None:
    ann, rec, pop, ros = make_draw()
    body = open_envelope(rec).doc
    target = body["strata"][0]["drawn"][0]["code"]
    a1 = substitute(ann, rec, ros, [], action="replace_target", target=target,
                    inspector=None, reason="已注销", issued_at="2023-09-20T00:00:00Z")  # fmt: skip
    assert a1["replacement"]["code"] == body["strata"][0]["reserve"][0]["code"]
    assert a1 == substitute(ann, rec, ros, [], action="replace_target", target=target,
                            inspector=None, reason="已注销", issued_at="2023-09-20T00:00:00Z")  # fmt: skip
    env1 = signed(a1, KEY)
    new = a1["replacement"]["code"]
    a2 = substitute(ann, rec, ros, [env1], action="replace_target", target=new,
                    inspector=None, reason="无法联系", issued_at="2023-09-21T00:00:00Z")  # fmt: skip
    assert a2["replacement"]["code"] == body["strata"][0]["reserve"][1]["code"]
    assert a2["previous"] == open_envelope(env1).digest and a2["seq"] == 2
    env2 = signed(a2, KEY)
    assert passes_without_bls(replay(ann, rec, pop, ros, KEYS, [env1, env2], verify_bls=False))
    # An addendum that picks another replacement is caught even when properly signed.
    forged = dict(
        a1, replacement=dict(a1["replacement"], code=body["strata"][0]["reserve"][2]["code"])
    )
    report = replay(ann, rec, pop, ros, KEYS, [signed(forged, KEY)], verify_bls=False)
    assert report.first_failure is not None and report.first_failure.name == "addendum.1"
    # Inspector recusal: the recused inspector never returns to that target.
    team = body["teams"][1]
    gone = team["members"][0]["id"]
    a3 = substitute(ann, rec, ros, [], action="replace_inspector", target=team["target"],
                    inspector=gone, reason="申请回避", issued_at="2023-09-20T00:00:00Z")  # fmt: skip
    assert gone not in {m["id"] for m in a3["team"]}
    assert [m for m in a3["team"] if m["id"] != gone][: len(team["members"]) - 1] == [
        m for m in team["members"] if m["id"] != gone
    ]
    with pytest.raises(InputError) as exc:
        substitute(ann, rec, ros, [], action="replace_target", target="NOPE", inspector=None,
                   reason="x", issued_at="2023-09-20T00:00:00Z")  # fmt: skip
    assert exc.value.code == "proto.not_a_target"


def test_reserve_exhaustion_is_an_error() -> None:
    ann, rec, _pop, ros = make_draw()
    body = open_envelope(rec).doc
    c_target = body["strata"][2]["drawn"][0]["code"]  # stratum C has a reserve of one
    a1 = signed(substitute(ann, rec, ros, [], action="replace_target", target=c_target,
                           inspector=None, reason="x", issued_at="2023-09-20T00:00:00Z"), KEY)  # fmt: skip
    second = open_envelope(a1).doc["replacement"]["code"]
    with pytest.raises(InputError) as exc:
        substitute(ann, rec, ros, [a1], action="replace_target", target=second,
                   inspector=None, reason="y", issued_at="2023-09-20T00:00:00Z")  # fmt: skip
    assert exc.value.code == "proto.reserve_exhausted"


def test_announcement_is_checked_on_parse() -> None:
    ann, pop, ros = make_announcement()
    body = json.loads(open_envelope(ann).body)
    body["strata"][0]["sample_size"] += 1
    with pytest.raises(InputError) as exc:
        draw(signed(body, KEY), pop, ros, g.evidence(), g.DRAWN_AT, verify_bls=False)
    assert exc.value.code == "proto.bad_sample_size"


def test_text_must_be_nfc_and_roster_sorted() -> None:
    t, _, _ = g.small_task()
    with pytest.raises(InputError) as exc:
        make_announcement(task=dataclasses.replace(t, title="e\u0301"))
    assert exc.value.code == "proto.bad_text"
    doc = g.small_roster(g.small_population()).document()
    doc["inspectors"].reverse()
    with pytest.raises(InputError) as exc:
        Roster.from_document(doc)
    assert exc.value.code == "proto.unsorted_list"
    dup = Roster((Inspector("X", "d", False, "2020-01-01", "2030-01-01"),) * 2)
    with pytest.raises(InputError):
        dup.document()


def test_announce_rejects_strata_without_population() -> None:
    t, s, tm = g.small_task()
    with pytest.raises(InputError) as exc:
        announce(task=t, strata=s[:2], population=g.small_population(), exclusions={},
                 roster=g.small_roster(g.small_population()), teams=tm, sources=g.sources(),
                 announced_at=g.ANNOUNCED_AT)  # fmt: skip
    assert exc.value.code == "proto.strata_mismatch"


def test_replay_mismatch_is_a_verification_error() -> None:
    assert issubclass(ReplayMismatchError, VerificationError)


def test_signed_but_malformed_record_is_a_failed_check_not_a_crash() -> None:
    ann, rec, pop, ros = make_draw()
    body = open_envelope(rec).doc
    body["drawn_at"] = 20230915
    report = replay(ann, signed(body, KEY), pop, ros, KEYS, verify_bls=False)
    assert not report.ok
    failed = {c.name: c.code for c in report.checks if not c.ok}
    assert failed["entropy"] == "proto.malformed"
    body["strata"] = "none"
    report = replay(ann, signed(body, KEY), pop, ros, KEYS, verify_bls=False)
    assert report.first_failure is not None and report.first_failure.name == "record.binding"
