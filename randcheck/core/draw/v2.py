"""The rules randcheck/draw/v2 adds to v1 (docs/SPEC-v2.md): the announced ``ordering`` and the
round that follows from the commitment's ``committed_at``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from randcheck.core.draw import drand
from randcheck.core.draw.model import _keys, _list
from randcheck.core.draw.spec import check_hex32, check_text
from randcheck.errors import InputError

ORDERING_KEYS = {"witnesses", "tsa"}


@dataclass(frozen=True)
class Witness:
    """A witness the announcement declares: who co-signs the commitment on the spot."""

    name: str
    keyid: str  # SHA-256 of the witness key's SPKI DER, hex (SPEC §2)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "keyid": self.keyid}


@dataclass(frozen=True)
class Ordering:
    """What the ordering of the randomness may rest on (SPEC-v2 §2)."""

    witnesses: tuple[Witness, ...] = ()
    tsa: tuple[str, ...] = ()  # SHA-256 hex of each accepted TSA signer certificate (DER)

    def to_json(self) -> dict[str, Any]:
        return {
            "witnesses": [w.to_json() for w in sorted(self.witnesses, key=lambda w: w.keyid)],
            "tsa": sorted(self.tsa),
        }

    def names(self) -> dict[str, str]:
        """Key id -> witness name."""
        return {w.keyid: w.name for w in self.witnesses}


def parse_ordering(doc: Any) -> Ordering:
    """Check an announcement's ``ordering`` value; raises ``InputError``.

    Both lists are sorted (witnesses by key id, certificates by fingerprint) without repeats,
    so that one ordering has one encoding."""
    if not isinstance(doc, Mapping):
        raise InputError("proto.bad_list", where="ordering")
    _keys(doc, ORDERING_KEYS, "ordering")
    witnesses = []
    for row in _list(doc["witnesses"], "ordering.witnesses"):
        _keys(row, {"name", "keyid"}, "ordering.witnesses")
        check_hex32(row["keyid"], "ordering.witnesses.keyid")
        witnesses.append(Witness(check_text(row["name"], "ordering.witnesses.name"), row["keyid"]))
    ids = [w.keyid for w in witnesses]
    if ids != sorted(set(ids)):
        raise InputError("proto.unsorted_list", field="ordering.witnesses")
    tsa = _list(doc["tsa"], "ordering.tsa")
    for fp in tsa:
        check_hex32(fp, "ordering.tsa")
    if tsa != sorted(set(tsa)):
        raise InputError("proto.unsorted_list", field="ordering.tsa")
    return Ordering(tuple(witnesses), tuple(tsa))


# --- the round ------------------------------------------------------------------------------


def round_after(chain: drand.DrandChain, committed_at: Fraction | int, margin: int) -> int:
    """The round a v2 draw must use (SPEC-v2 §5): the least ``r >= 1`` whose publication time
    ``genesis + (r − 1)·period`` is strictly after ``committed_at + margin``.

    With ``x = committed_at + margin``: ``r = 1`` if ``x < genesis``, else
    ``r = floor((x − genesis) / period) + 2``.  Exact arithmetic (``committed_at`` is whole
    seconds in a commitment; a fraction, as the property tests use, counts as its exact value,
    so only ``floor(x)`` matters)."""
    if type(margin) is not int or margin < 0:
        raise InputError("proto.bad_int", field="margin", value=repr(margin), lo=0, hi="-")
    x = Fraction(committed_at) + margin
    if x < chain.genesis_time:
        return 1
    return int((x - chain.genesis_time) // chain.period) + 2
