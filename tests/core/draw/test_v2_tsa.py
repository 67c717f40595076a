"""``commitment.anchor`` and ``commitment.round`` with an RFC 3161 token from the test TSA: the
round is fixed by ``committed_at``; a token by a listed, trusted TSA shows the commitment
existed before that round was published; an untrusted one is unverified; a token over another
digest, by an unlisted TSA, or later than the round's publication fails the anchor."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from randcheck.core.checks import Check
from randcheck.core.draw import envelope
from randcheck.core.draw.announce import parse_announcement
from randcheck.core.draw.commitment import OrderingResult, check_ordering
from tests.core.draw import v2helpers as h
from tests.tsa_fixture import TestTSA


@pytest.fixture(scope="module")
def tsa() -> TestTSA:
    return TestTSA()


def run(
    d: h.V2Draw, token: bytes | None, trusted: Sequence[bytes] = ()
) -> tuple[dict[str, Check], OrderingResult]:
    """The checks, the reader trusting both witnesses' keys."""
    ann_env = envelope.open_envelope(d.announcement, "announcement")
    res = check_ordering(
        ann_env,
        parse_announcement(ann_env.doc),
        envelope.open_envelope(d.record, "record").doc,
        d.commitment,
        token,
        operator_keys=h.KEYS,
        witness_keys=h.pubs(h.W1, h.W2),
        trusted_tsa=trusted,
        trusted_witnesses={h.kid(h.W1), h.kid(h.W2)},
    )
    return {c.name: c for c in res.checks}, res


def listed(tsa: TestTSA) -> h.V2Draw:
    return h.make_v2(order=h.ordering(tsa=[hashlib.sha256(tsa.cert_der).hexdigest()]))


def at(seconds_before_round: float) -> datetime:
    return datetime.fromtimestamp(h.ROUND_UNIX, UTC) - timedelta(seconds=seconds_before_round)


def test_a_trusted_listed_token_anchors_the_round(tsa: TestTSA) -> None:
    d = listed(tsa)
    token = tsa.stamp(bytes.fromhex(d.commitment_digest), at(h.MARGIN + 0.5))
    checks, res = run(d, token, [tsa.ca_cert_der])
    assert all(c.ok and not c.warn for c in checks.values()), checks
    assert res.token is not None and res.token.trusted and res.token.tsa_name
    # the round is fixed by committed_at, never by the token
    assert res.committed_at == h.ROUND_UNIX - h.MARGIN - 1


def test_an_untrusted_tsa_is_unverified_not_failed(tsa: TestTSA) -> None:
    d = listed(tsa)
    token = tsa.stamp(bytes.fromhex(d.commitment_digest), at(h.MARGIN + 1))
    checks, _ = run(d, token)
    assert checks["commitment.anchor"].status == "unverified"
    assert checks["commitment.anchor"].code == "proto.tsa_untrusted"
    assert checks["commitment.round"].ok


def test_a_token_timestamped_after_the_round_used_is_refused(tsa: TestTSA) -> None:
    """The forged ordering: the office's committed_at says before the round, but the TSA saw
    the commitment only after the round was published: ``commitment.anchor`` fails."""
    d = listed(tsa)
    token = tsa.stamp(bytes.fromhex(d.commitment_digest), at(-30))  # 30 s after the round
    checks, res = run(d, token, [tsa.ca_cert_der])
    bad = checks["commitment.anchor"]
    assert not bad.ok and bad.code == "proto.token_late"
    assert bad.params["published"] == "2023-09-15T11:00:03Z"
    assert res.token is None
    assert checks["commitment.round"].ok  # the round itself is the one committed_at fixes


def test_re_stamping_cannot_change_the_round(tsa: TestTSA) -> None:
    """The reviewer's A1 (/tmp/restamp.py): the same commitment stamped 0.5 s and 180.5 s after
    committed_at.  Both fix the same round (committed_at's); the later token, after that round
    was published, fails ``commitment.anchor``; a record using the round the later token would
    have given fails ``commitment.round``."""
    d = listed(tsa)
    digest = bytes.fromhex(d.commitment_digest)
    base = datetime.fromtimestamp(h.ROUND_UNIX - h.MARGIN - 1, UTC)
    first = tsa.stamp(digest, base + timedelta(seconds=0.5))
    second = tsa.stamp(digest, base + timedelta(seconds=180.5))
    checks, _ = run(d, first, [tsa.ca_cert_der])
    assert all(c.ok for c in checks.values()), checks
    checks, _ = run(d, second, [tsa.ca_cert_der])
    assert checks["commitment.anchor"].code == "proto.token_late"
    assert checks["commitment.round"].ok  # still round r1: the token does not move it
    # the office's record for the round the second token would have fixed (r1 + 60)
    from randcheck.core.draw import envelope as env_mod
    from randcheck.core.draw.record import draw
    from tests.vectors import generate as g

    ev = g.evidence()
    for e in ev:
        if e["type"] == "drand":
            e["round"] = g.QUICKNET_ROUND + 60
    body = draw(d.announcement, d.population, d.roster, ev, "2023-09-15T11:10:00Z",
                verify_bls=False, commitment=d.commitment_digest)  # fmt: skip
    moved = h.V2Draw(d.announcement, d.commitment, env_mod.signed(body, h.KEY), d.population,
                     d.roster)  # fmt: skip
    checks, _ = run(moved, second, [tsa.ca_cert_der])
    assert checks["commitment.round"].code == "proto.commitment_round"


def test_a_token_over_another_digest_is_refused(tsa: TestTSA) -> None:
    d = listed(tsa)
    token = tsa.stamp(hashlib.sha256(b"another commitment").digest(), at(h.MARGIN + 1))
    checks, _ = run(d, token, [tsa.ca_cert_der])
    assert checks["commitment.anchor"].code == "tsa.imprint_mismatch"
    assert checks["commitment.round"].ok  # B2: an invalid token does not hide the round check


def test_a_tsa_the_announcement_does_not_list_is_refused(tsa: TestTSA) -> None:
    d = h.make_v2()  # ordering.tsa is empty
    token = tsa.stamp(bytes.fromhex(d.commitment_digest), at(h.MARGIN + 1))
    checks, _ = run(d, token, [tsa.ca_cert_der])
    assert checks["commitment.anchor"].code == "proto.tsa_undeclared"


def test_the_token_bound_is_gen_time_plus_accuracy(tsa: TestTSA) -> None:
    """ "Existed no later than genTime + accuracy": it must be strictly before the round's
    publication; an accuracy that reaches it makes the token late."""
    d = listed(tsa)
    digest = bytes.fromhex(d.commitment_digest)
    ok = tsa.stamp(digest, at(1.5), accuracy=timedelta(seconds=1))
    checks, _ = run(d, ok, [tsa.ca_cert_der])
    assert checks["commitment.anchor"].ok and checks["commitment.round"].ok
    for acc in (timedelta(seconds=1.5), timedelta(seconds=2)):  # = and after publication
        late = tsa.stamp(digest, at(1.5), accuracy=acc)
        checks, _ = run(d, late, [tsa.ca_cert_der])
        assert checks["commitment.anchor"].code == "proto.token_late", acc
        assert checks["commitment.round"].ok
