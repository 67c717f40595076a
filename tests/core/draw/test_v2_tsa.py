"""``commitment.anchor`` and ``commitment.round`` with an RFC 3161 token from the test TSA: a
token by a listed, trusted TSA anchors the round; an untrusted one is unverified; a token over
another digest, by an unlisted TSA, or timestamped after the round used is refused."""

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
    assert all(c.ok for c in checks.values()), checks
    assert res.token is not None and res.token.trusted and res.token.tsa_name
    assert res.anchor is not None and res.anchor == h.ROUND_UNIX - h.MARGIN - 0.5


def test_an_untrusted_tsa_is_unverified_not_failed(tsa: TestTSA) -> None:
    d = listed(tsa)
    token = tsa.stamp(bytes.fromhex(d.commitment_digest), at(h.MARGIN + 1))
    checks, _ = run(d, token)
    assert checks["commitment.anchor"].status == "unverified"
    assert checks["commitment.anchor"].code == "proto.tsa_untrusted"
    assert checks["commitment.round"].ok  # the round still follows from the token's time


def test_a_token_timestamped_after_the_round_used_is_refused(tsa: TestTSA) -> None:
    """The forged ordering: the office's commitment_at says before the round, but the TSA saw
    the commitment only after the round was published."""
    d = listed(tsa)
    token = tsa.stamp(bytes.fromhex(d.commitment_digest), at(-30))  # 30 s after the round
    checks, _ = run(d, token, [tsa.ca_cert_der])
    assert checks["commitment.anchor"].ok
    bad = checks["commitment.round"]
    assert not bad.ok and bad.code == "proto.commitment_round"


def test_a_token_over_another_digest_is_refused(tsa: TestTSA) -> None:
    d = listed(tsa)
    token = tsa.stamp(hashlib.sha256(b"another commitment").digest(), at(h.MARGIN + 1))
    checks, _ = run(d, token, [tsa.ca_cert_der])
    assert checks["commitment.anchor"].code == "tsa.imprint_mismatch"
    assert checks["commitment.round"].code == "proto.check_skipped"


def test_a_tsa_the_announcement_does_not_list_is_refused(tsa: TestTSA) -> None:
    d = h.make_v2()  # ordering.tsa is empty
    token = tsa.stamp(bytes.fromhex(d.commitment_digest), at(h.MARGIN + 1))
    checks, _ = run(d, token, [tsa.ca_cert_der])
    assert checks["commitment.anchor"].code == "proto.tsa_undeclared"


def test_the_anchor_is_gen_time_plus_accuracy(tsa: TestTSA) -> None:
    """ "Existed no later than genTime + accuracy": an accuracy that reaches past the last
    second giving the record's round moves the round on, and the record is refused."""
    d = listed(tsa)
    digest = bytes.fromhex(d.commitment_digest)
    ok = tsa.stamp(digest, at(h.MARGIN + 1.5), accuracy=timedelta(seconds=1))
    checks, res = run(d, ok, [tsa.ca_cert_der])
    assert checks["commitment.round"].ok and res.anchor == h.ROUND_UNIX - h.MARGIN - 0.5
    late = tsa.stamp(digest, at(h.MARGIN + 1.5), accuracy=timedelta(seconds=2))
    checks, _ = run(d, late, [tsa.ca_cert_der])
    assert checks["commitment.round"].code == "proto.commitment_round"
