"""A small randcheck/draw/v2 draw for the core tests: announcement, commitment, record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from randcheck.core import signing
from randcheck.core.draw import drand, entropy, envelope
from randcheck.core.draw.announce import announce, parse_announcement
from randcheck.core.draw.commitment import commitment_body, values_for
from randcheck.core.draw.model import Roster
from randcheck.core.draw.record import draw
from randcheck.core.draw.v2 import Ordering, Witness
from tests.vectors import generate as g

KEY = signing.private_from_seed(bytes(32))
PUB = signing.public_raw(KEY)
KEYS = {signing.key_id(PUB): PUB}
W1 = signing.private_from_seed(bytes([1]) * 32)
W2 = signing.private_from_seed(bytes([2]) * 32)
STRANGER = signing.private_from_seed(bytes([3]) * 32)
MARGIN = 60
CHAIN = drand.CHAINS["quicknet"]
ROUND_UNIX = drand.round_time(CHAIN, g.QUICKNET_ROUND)  # 2023-09-15T11:00:03Z
#: the last second whose anchor still gives QUICKNET_ROUND: T + margin < round time,
#: and T + margin ≥ the previous round's time
COMMITTED_AT = datetime.fromtimestamp(ROUND_UNIX - MARGIN - 1, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def kid(key: Ed25519PrivateKey) -> str:
    return signing.key_id(signing.public_raw(key))


def pubs(*keys: Ed25519PrivateKey) -> dict[str, bytes]:
    return {kid(k): signing.public_raw(k) for k in keys}


def ordering(
    witnesses: Sequence[tuple[str, Ed25519PrivateKey]] = (("李四", W1), ("王五", W2)),
    tsa: Sequence[str] = (),
) -> Ordering:
    return Ordering(
        tuple(sorted((Witness(n, kid(k)) for n, k in witnesses), key=lambda w: w.keyid)),
        tuple(sorted(tsa)),
    )


def sources_v2(margin: int = MARGIN) -> list[dict[str, Any]]:
    return [
        entropy.nonce_source(entropy.nonce_commitment(g.NONCE)),
        entropy.dice_source("张三", 6, 6),
        entropy.lottery_source("福彩3D", "2023246", 3, 0, 9),
        entropy.drand_source_v2(g.QUICKNET, margin),
    ]


def announcement_v2(order: Ordering | None = None, margin: int = MARGIN) -> bytes:
    population = g.small_population()
    task, strata, teams = g.small_task()
    body = announce(
        task=task,
        strata=strata,
        population=population,
        exclusions={"status": 4, "recent": 2},
        roster=g.small_roster(population),
        teams=teams,
        sources=sources_v2(margin),
        announced_at=g.ANNOUNCED_AT,
        ordering=order or ordering(),
    )
    return envelope.signed(body, KEY)


def commitment_v2(
    ann_env: bytes,
    evidence: Sequence[dict[str, Any]] | None = None,
    committed_at: str = COMMITTED_AT,
    cosigners: Sequence[Ed25519PrivateKey] = (W1, W2),
) -> bytes:
    opened = envelope.open_envelope(ann_env, "announcement")
    ann = parse_announcement(opened.doc)
    values = values_for(ann.entropy, evidence or g.evidence())
    env = envelope.signed(commitment_body(ann, opened.digest, values, committed_at), KEY)
    for w in cosigners:
        env = envelope.cosign(env, w)
    return env


@dataclass(frozen=True)
class V2Draw:
    announcement: bytes
    commitment: bytes
    record: bytes
    population: dict[str, list[bytes]]
    roster: Roster

    @property
    def commitment_digest(self) -> str:
        return envelope.open_envelope(self.commitment, "commitment").digest


def make_v2(
    *,
    order: Ordering | None = None,
    committed_at: str = COMMITTED_AT,
    cosigners: Sequence[Ed25519PrivateKey] = (W1, W2),
    evidence: Sequence[dict[str, Any]] | None = None,
    committed: Sequence[dict[str, Any]] | None = None,
) -> V2Draw:
    """A signed v2 draw; ``committed``: other values for the commitment than the record's."""
    ann = announcement_v2(order)
    ev = list(evidence or g.evidence())
    com = commitment_v2(ann, committed or ev, committed_at, cosigners)
    digest = envelope.open_envelope(com, "commitment").digest
    population = g.small_population()
    roster = g.small_roster(population)
    body = draw(ann, population, roster, ev, g.DRAWN_AT, verify_bls=False, commitment=digest)
    return V2Draw(ann, com, envelope.signed(body, KEY), population, roster)


def announcement_v1_body() -> dict[str, Any]:
    """The same task announced under v1 (its drand source names the round)."""
    population = g.small_population()
    task, strata, teams = g.small_task()
    return announce(
        task=task,
        strata=strata,
        population=population,
        exclusions={"status": 4, "recent": 2},
        roster=g.small_roster(population),
        teams=teams,
        sources=g.sources(),
        announced_at=g.ANNOUNCED_AT,
    )
