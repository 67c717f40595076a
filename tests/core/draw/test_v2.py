"""randcheck/draw/v2 in the core: the announcement, the commitment, the round rule, the record
binding and the ``commitment.*`` checks (docs/SPEC-v2.md)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from randcheck.core.draw import entropy, envelope
from randcheck.core.draw.announce import parse_announcement
from randcheck.core.draw.commitment import check_ordering, commitment_body, values_for
from randcheck.core.draw.record import compute_seed, draw
from randcheck.core.draw.replay import replay
from randcheck.core.draw.spec import SPEC_V2_ID, unix_time
from randcheck.core.draw.v2 import parse_ordering, round_after
from randcheck.errors import InputError, VerificationError
from tests.core.draw import v2helpers as h
from tests.drawfixtures import passes_without_bls
from tests.vectors import generate as g


def _checks(d: h.V2Draw, token: bytes | None = None, **kw: object) -> dict[str, object]:
    ann_env = envelope.open_envelope(d.announcement, "announcement")
    rec = envelope.open_envelope(d.record, "record").doc
    res = check_ordering(
        ann_env,
        parse_announcement(ann_env.doc),
        rec,
        d.commitment,
        token,
        operator_keys=h.KEYS,
        witness_keys=kw.get("witness_keys", h.pubs(h.W1, h.W2, h.STRANGER)),  # type: ignore[arg-type]
        trusted_witnesses=kw.get("trusted_witnesses", {h.kid(h.W1), h.kid(h.W2)}),  # type: ignore[arg-type]
    )
    return {c.name: c for c in res.checks} | {"_res": res}


# --- the round rule --------------------------------------------------------------------------


def test_round_is_the_first_strictly_after_anchor_plus_margin() -> None:
    c = h.CHAIN
    t = h.ROUND_UNIX  # round R is published at t, R-1 at t-3
    r = g.QUICKNET_ROUND
    assert round_after(c, t - 61, 60) == r  # t-1 < t
    assert round_after(c, t - 60, 60) == r + 1  # exactly t: not strictly after
    assert round_after(c, t - 63, 60) == r  # t-3 is round R-1's time: not strictly after
    assert round_after(c, t - 64, 60) == r - 1
    # a fraction counts as its exact value: floor, not ceil
    assert round_after(c, Fraction(2 * t - 121, 2), 60) == r  # t - 0.5
    assert round_after(c, Fraction(2 * t - 119, 2), 60) == r + 1  # t + 0.5
    assert round_after(c, c.genesis_time - 5, 0) == 1
    assert round_after(c, c.genesis_time, 0) == 2


def test_round_is_monotone_and_after_the_anchor() -> None:
    c = h.CHAIN
    last = 0
    for step in range(0, 40):
        anchor = Fraction(h.ROUND_UNIX * 4 + step, 4)
        r = round_after(c, anchor, 7)
        assert r >= last
        published = c.genesis_time + (r - 1) * c.period
        assert published > anchor + 7
        assert published - c.period <= anchor + 7  # the first such round
        last = r


# --- the announcement ------------------------------------------------------------------------


def test_v2_announcement_parses_with_its_ordering() -> None:
    env = envelope.open_envelope(h.announcement_v2(), "announcement")
    ann = parse_announcement(env.doc)
    assert ann.spec == SPEC_V2_ID
    assert ann.ordering is not None
    assert sorted(ann.ordering.names().values()) == ["李四", "王五"]
    assert env.doc["entropy"][3] == {"type": "drand", "chain_hash": g.QUICKNET, "margin": 60}


def test_v2_announcement_refuses_a_round_and_requires_drand() -> None:
    doc = dict(envelope.open_envelope(h.announcement_v2(), "announcement").doc)
    with_round = [*doc["entropy"][:3], entropy.drand_source(g.QUICKNET, g.QUICKNET_ROUND)]
    with pytest.raises(InputError) as exc:
        parse_announcement({**doc, "entropy": with_round})
    assert exc.value.code == "proto.bad_source"
    with pytest.raises(InputError) as exc:
        parse_announcement({**doc, "entropy": doc["entropy"][:3]})
    assert exc.value.code == "proto.v2_drand_required"
    with pytest.raises(InputError) as exc:
        parse_announcement(
            {**doc, "entropy": [*doc["entropy"][:3], {**doc["entropy"][3], "margin": 3601}]}
        )
    assert exc.value.code == "proto.bad_int"
    missing = {k: v for k, v in doc.items() if k != "ordering"}
    with pytest.raises(InputError):
        parse_announcement(missing)


def test_ordering_lists_must_be_sorted_and_unique() -> None:
    good = h.ordering().to_json()
    assert parse_ordering(good).to_json() == good
    with pytest.raises(InputError):
        parse_ordering({**good, "witnesses": list(reversed(good["witnesses"]))})
    with pytest.raises(InputError):
        parse_ordering({**good, "tsa": ["b" * 64, "a" * 64]})
    with pytest.raises(InputError):
        parse_ordering({**good, "tsa": ["A" * 64]})


def test_v1_documents_are_unchanged() -> None:
    ann = envelope.open_envelope(envelope.signed(h.announcement_v1_body(), h.KEY))
    assert ann.doc["spec"] == "randcheck/draw/v1"
    assert "ordering" not in ann.doc


# --- commitment and record -------------------------------------------------------------------


def test_v2_draw_replays_and_its_ordering_checks_pass() -> None:
    d = h.make_v2()
    assert passes_without_bls(replay(d.announcement, d.record, d.population, d.roster, h.KEYS,
                                     verify_bls=False))  # fmt: skip
    rec = envelope.open_envelope(d.record, "record").doc
    assert rec["spec"] == SPEC_V2_ID and rec["commitment"] == d.commitment_digest
    checks = _checks(d)
    res = checks.pop("_res")
    assert all(c.ok for c in checks.values()), checks  # type: ignore[attr-defined]
    assert sorted(checks) == sorted(
        f"commitment.{n}" for n in ("envelope", "signature", "binding", "witnesses", "anchor",
                                    "round")
    )  # fmt: skip
    assert res.witnesses == ["李四", "王五"]  # type: ignore[attr-defined]
    assert res.committed_at == unix_time(h.COMMITTED_AT)  # type: ignore[attr-defined]


def test_a_record_using_another_round_is_refused() -> None:
    # committed one second later: the same record's round is no longer the first after it
    d = h.make_v2(committed_at=h.COMMITTED_AT.replace(":02Z", ":03Z"))
    bad = _checks(d)["commitment.round"]
    assert not bad.ok and bad.code == "proto.commitment_round"  # type: ignore[attr-defined]
    assert bad.params == {"got": str(g.QUICKNET_ROUND), "want": g.QUICKNET_ROUND + 1}  # type: ignore[attr-defined]


def test_dice_in_the_record_differing_from_the_commitment_are_refused() -> None:
    committed = g.evidence()
    committed[1] = entropy.dice_evidence("张三", [6, 6, 6, 6, 6, 6])
    d = h.make_v2(committed=committed)
    bad = _checks(d)["commitment.binding"]
    assert bad.code == "proto.commitment_values_differ"  # type: ignore[attr-defined]
    assert bad.params == {"index": 2}  # type: ignore[attr-defined]


def test_a_signature_by_an_undeclared_key_is_refused() -> None:
    d = h.make_v2(cosigners=(h.W1, h.STRANGER))
    bad = _checks(d)["commitment.witnesses"]
    assert bad.code == "proto.witness_undeclared"  # type: ignore[attr-defined]


def test_a_bad_witness_signature_is_refused() -> None:
    d = h.make_v2(cosigners=(h.W1,))
    env = envelope.open_envelope(d.commitment, "commitment")
    forged = envelope.wrap(env.body, [*env.signatures, (h.kid(h.W2), "00" * 64)])
    bad = _checks(h.V2Draw(d.announcement, forged, d.record, d.population, d.roster))
    assert bad["commitment.witnesses"].code == "proto.witness_bad_signature"  # type: ignore[attr-defined]


def test_only_the_present_witnesses_are_named_and_none_is_clock_only() -> None:
    one = _checks(h.make_v2(cosigners=(h.W2,)))
    assert one["_res"].witnesses == ["王五"]  # type: ignore[attr-defined]
    none = _checks(h.make_v2(cosigners=()))
    assert none["commitment.witnesses"].code == "proto.witnesses_none"  # type: ignore[attr-defined]
    assert none["commitment.anchor"].ok  # type: ignore[attr-defined]
    assert none["_res"].missing == ["witnesses"]  # type: ignore[attr-defined]


# --- A2: whose word the witnesses' co-signatures are ------------------------------------------


def test_witness_keys_the_reader_does_not_trust_are_unverified_and_named() -> None:
    """A co-signature proves something only if the reader trusts the witness's key: without it
    ``commitment.witnesses`` is unverified, naming the witnesses whose keys are unconfirmed."""
    d = h.make_v2()
    untrusted = _checks(d, trusted_witnesses=set())["commitment.witnesses"]
    assert untrusted.status == "unverified"  # type: ignore[attr-defined]
    assert untrusted.code == "proto.witnesses_unconfirmed"  # type: ignore[attr-defined]
    assert untrusted.params == {"names": "李四、王五"}  # type: ignore[attr-defined]
    one = _checks(d, trusted_witnesses={h.kid(h.W1)})["commitment.witnesses"]
    assert one.params == {"names": "王五"}  # type: ignore[attr-defined]
    assert _checks(d)["commitment.witnesses"].ok  # type: ignore[attr-defined]


def test_the_operator_declared_as_a_witness_is_refused() -> None:
    """The reviewer's /tmp/selfwit.py: the office's own key declared as witness 李四."""
    from randcheck.core.draw.v2 import Ordering, Witness

    order = Ordering((Witness("李四（独立见证人）", h.kid(h.KEY)),), ())
    d = h.make_v2(order=order, cosigners=())
    bad = _checks(d, witness_keys=h.pubs(h.KEY), trusted_witnesses={h.kid(h.KEY)})
    assert bad["commitment.witnesses"].code == "proto.witness_is_office"  # type: ignore[attr-defined]
    assert bad["_res"].witnesses == []  # type: ignore[attr-defined]


def test_the_operator_is_the_announcement_s_signer_not_whoever_the_reader_trusts() -> None:
    """B3: a commitment signed first by another trusted key than the announcement's is refused,
    and a trusted key's extra signature is not silently taken for the operator's."""
    d = h.make_v2(cosigners=())
    body = envelope.open_envelope(d.commitment, "commitment").doc
    other = envelope.signed(body, h.STRANGER)
    keys = {**h.KEYS, **h.pubs(h.STRANGER)}
    ann_env = envelope.open_envelope(d.announcement, "announcement")
    res = check_ordering(ann_env, parse_announcement(ann_env.doc),
                         envelope.open_envelope(d.record, "record").doc, other, None,
                         operator_keys=keys, witness_keys={})  # fmt: skip
    checks = {c.name: c for c in res.checks}
    assert checks["commitment.signature"].code == "proto.commitment_not_operator"
    # an undeclared co-signer is refused even when the reader trusts it as an office key
    extra = envelope.cosign(d.commitment, h.STRANGER)
    res = check_ordering(ann_env, parse_announcement(ann_env.doc),
                         envelope.open_envelope(d.record, "record").doc, extra, None,
                         operator_keys=keys, witness_keys={})  # fmt: skip
    assert {c.name: c for c in res.checks}["commitment.witnesses"].code == (
        "proto.witness_undeclared"
    )


def test_committed_after_drawn_at_is_refused() -> None:
    """B9: committed_at ≤ drawn_at."""
    d = h.make_v2(committed_at="2023-09-15T11:30:00Z")
    bad = _checks(d)["commitment.binding"]
    assert bad.params == {"field": "committed_at"}  # type: ignore[attr-defined]


def test_commitment_binding_refuses_another_announcement_or_early_time() -> None:
    d = h.make_v2()
    body = dict(envelope.open_envelope(d.commitment, "commitment").doc)
    body["committed_at"] = "2023-09-15T09:59:59Z"  # before the announcement
    early = envelope.signed(body, h.KEY)
    bad = _checks(h.V2Draw(d.announcement, early, d.record, d.population, d.roster))[
        "commitment.binding"
    ]
    assert bad.params == {"field": "committed_at"}  # type: ignore[attr-defined]
    other = h.make_v2(order=h.ordering(witnesses=(("李四", h.W1),)))
    mixed = h.V2Draw(d.announcement, other.commitment, d.record, d.population, d.roster)
    assert _checks(mixed)["commitment.binding"].params == {"field": "announcement"}  # type: ignore[attr-defined]


def test_missing_commitment_skips_the_rest() -> None:
    d = h.make_v2()
    ann_env = envelope.open_envelope(d.announcement, "announcement")
    res = check_ordering(ann_env, parse_announcement(ann_env.doc),
                         envelope.open_envelope(d.record, "record").doc, None, None,
                         operator_keys=h.KEYS, witness_keys={})  # fmt: skip
    assert res.checks[0].code == "proto.commitment_missing"
    assert all(not c.ok for c in res.checks)


def test_v2_record_needs_a_commitment_and_v1_refuses_one() -> None:
    ann = h.announcement_v2()
    pop = g.small_population()
    with pytest.raises(InputError):
        draw(ann, pop, g.small_roster(pop), g.evidence(), g.DRAWN_AT, verify_bls=False)
    v1 = envelope.signed(h.announcement_v1_body(), h.KEY)
    with pytest.raises(InputError):
        draw(v1, pop, g.small_roster(pop), g.evidence(), g.DRAWN_AT, verify_bls=False,
             commitment="0" * 64)  # fmt: skip


def test_commitment_values_must_answer_their_sources() -> None:
    env = envelope.open_envelope(h.announcement_v2(), "announcement")
    ann = parse_announcement(env.doc)
    values = values_for(ann.entropy, g.evidence())
    assert values[0] is None and values[3] is None
    bad = list(values)
    bad[1] = entropy.dice_evidence("张三", [7, 1, 1, 1, 1, 1])  # a 7 on a six-sided die
    with pytest.raises((InputError, VerificationError)):
        commitment_body(ann, env.digest, bad, h.COMMITTED_AT)
    bad = list(values)
    bad[0] = {"type": "nonce", "value": "00" * 32}
    with pytest.raises(InputError):
        commitment_body(ann, env.digest, bad, h.COMMITTED_AT)


def test_record_v1_replay_refuses_a_commitment_field() -> None:
    ann = envelope.signed(h.announcement_v1_body(), h.KEY)
    pop = g.small_population()
    body = draw(ann, pop, g.small_roster(pop), g.evidence(), g.DRAWN_AT, verify_bls=False)
    body["commitment"] = "0" * 64
    rec = envelope.signed(body, h.KEY)
    report = replay(ann, rec, pop, g.small_roster(pop), h.KEYS, verify_bls=False)
    assert report.first_failure is not None
    assert report.first_failure.name == "record.binding"


def test_the_seed_under_v2_is_v1_s_for_the_same_digest_and_evidence() -> None:
    v2 = parse_announcement(envelope.open_envelope(h.announcement_v2(), "announcement").doc)
    v1 = parse_announcement(h.announcement_v1_body())
    digest = "ab" * 32
    assert compute_seed(digest, v2, g.evidence()) == compute_seed(digest, v1, g.evidence())


def test_a_repeated_co_signature_is_refused_not_counted_twice() -> None:
    """Second review 3 (/tmp/dup.py): 李四's co-signature copied once more must not read as
    "2 名见证人联署：李四、李四" when 王五 never signed: ``commitment.envelope`` fails, named."""
    import json

    d = h.make_v2(cosigners=(h.W1,))
    raw = json.loads(d.commitment)
    raw["signatures"].append(dict(raw["signatures"][1]))
    dup = json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode()
    checks = _checks(h.V2Draw(d.announcement, dup, d.record, d.population, d.roster))
    bad = checks["commitment.envelope"]
    assert bad.status == "fail"  # type: ignore[attr-defined]
    assert bad.code == "proto.commitment_signer_repeated"  # type: ignore[attr-defined]
    assert bad.params == {"key_id": h.kid(h.W1)[:16]}  # type: ignore[attr-defined]
    assert checks["_res"].witnesses == []  # type: ignore[attr-defined]
    assert not checks["commitment.witnesses"].ok  # type: ignore[attr-defined]
    # the operator's own signature repeated is refused the same way
    raw = json.loads(d.commitment)
    raw["signatures"].insert(1, dict(raw["signatures"][0]))
    dup = json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode()
    again = _checks(h.V2Draw(d.announcement, dup, d.record, d.population, d.roster))
    assert again["commitment.envelope"].code == "proto.commitment_signer_repeated"  # type: ignore[attr-defined]


def test_the_result_names_confirmed_unconfirmed_and_absent_witnesses() -> None:
    """Nit b: what the words need — who co-signed under a trusted key, who under a key the
    reader does not trust, and which declared witness did not co-sign."""
    d = h.make_v2(cosigners=(h.W1,))
    res = _checks(d, trusted_witnesses=set())["_res"]
    assert (res.confirmed, res.unconfirmed, res.absent) == ([], ["李四"], ["王五"])  # type: ignore[attr-defined]
    res = _checks(d)["_res"]
    assert (res.confirmed, res.unconfirmed, res.absent) == (["李四"], [], ["王五"])  # type: ignore[attr-defined]
