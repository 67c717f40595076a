"""Sample sizes (SPEC §5) and per-stratum selection by keyed SHA-256 tickets (SPEC §6.3)."""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from randcheck.core.draw import accel
from randcheck.core.draw.codes import Codes
from randcheck.core.draw.model import Rule, Task
from randcheck.errors import InputError

#: ``u32(len)`` for every possible code length, so the hot loop does no integer formatting.
_LEN_PREFIX = [n.to_bytes(4, "big") for n in range(65)]


def sample_size(rule: Rule, count: int) -> int:
    """``min(m, count)`` with ``m`` from the rule, rounded up, and at least 1 if count > 0."""
    if rule.kind == "count":
        m = rule.n
    else:
        m = (count * rule.num + rule.den - 1) // rule.den
    if count > 0:
        m = max(m, 1)
    return min(m, count)


def check_cap(task: Task, stratum: str, count: int, size: int) -> None:
    """For 一般 items the sample may not exceed ``max(1, floor(count · cap))`` (SPEC §5)."""
    if task.ratio_cap is None or all(i.kind == "key" for i in task.items) or count == 0:
        return
    num, den = task.ratio_cap
    limit = max(1, count * num // den)
    if size > limit:
        raise InputError("proto.cap_exceeded", stratum=stratum, size=size, limit=limit)


def ticket(key: bytes, code: bytes) -> bytes:
    """``H(K_s || lp(code))``: one code's ticket (32 bytes)."""
    return hashlib.sha256(key + _LEN_PREFIX[len(code)] + code).digest()


def tickets(key: bytes, codes: Sequence[bytes]) -> Iterator[bytes]:
    """The tickets of ``codes`` in input order, from one pre-keyed SHA-256 state."""
    copy = hashlib.sha256(key).copy
    prefix = _LEN_PREFIX
    for code in codes:
        h = copy()
        h.update(prefix[len(code)] + code)
        yield h.digest()


@dataclass(frozen=True)
class StratumDraw:
    """The first ``sample_size`` of the ranking (drawn) and the next ``reserve`` (reserve list)."""

    drawn: tuple[tuple[bytes, bytes], ...]  # (ticket, code) in rank order
    reserve: tuple[tuple[bytes, bytes], ...]


def draw_stratum(key: bytes, codes: Sequence[bytes], size: int, reserve: int) -> StratumDraw:
    """Rank by ``(ticket, code)``, keeping only the ``size + reserve`` smallest (O(k) memory)."""
    if isinstance(codes, Codes):  # one pass over the population file (C when built)
        best = accel.lowest(key, codes.blob, size + reserve)
        return StratumDraw(tuple(best[:size]), tuple(best[size:]))
    best = heapq.nsmallest(size + reserve, zip(tickets(key, codes), codes, strict=True))
    return StratumDraw(tuple(best[:size]), tuple(best[size:]))


def batch(rank: int, batches: int, size: int) -> int:
    """``1 + (rank · batches) div size``: the random batch order of 重点 items."""
    return 1 + rank * batches // size
