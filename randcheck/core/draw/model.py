"""Frozen inputs of a draw (task, strata rules, team rules, roster) and their JSON forms."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from operator import methodcaller
from typing import Any, cast

from randcheck.core import canonical as jcs
from randcheck.core.bulk import no_gc
from randcheck.core.draw import accel
from randcheck.core.draw.pairset import PairSet
from randcheck.core.draw.pairset import pair_text_ok as _pair_text_ok
from randcheck.core.draw.spec import (
    CODE_BYTES,
    check_bool,
    check_date,
    check_id,
    check_int,
    check_text,
)
from randcheck.errors import InputError

ITEM_KINDS = ("key", "general")  # 重点 / 一般


@dataclass(frozen=True)
class Item:
    code: str
    kind: str  # "key" (重点) or "general" (一般)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "kind": self.kind}


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    departments: tuple[str, ...]  # 发起部门 first
    items: tuple[Item, ...]
    batches: int = 1
    ratio_cap: tuple[int, int] | None = None  # (num, den), required when any item is general

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "departments": list(self.departments),
            "items": [i.to_json() for i in self.items],
            "batches": self.batches,
            "ratio_cap": (
                None
                if self.ratio_cap is None
                else {"num": self.ratio_cap[0], "den": self.ratio_cap[1]}
            ),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Task:
        _keys(doc, {"id", "title", "departments", "items", "batches", "ratio_cap"}, "task")
        deps = tuple(check_text(d, "task.departments") for d in _list(doc["departments"], "task"))
        if not deps or len(set(deps)) != len(deps):
            raise InputError("proto.bad_departments")
        items = []
        for it in _list(doc["items"], "task.items"):
            _keys(it, {"code", "kind"}, "task.items")
            if it["kind"] not in ITEM_KINDS:
                raise InputError("proto.bad_item_kind", value=repr(it["kind"]))
            items.append(Item(check_text(it["code"], "task.items.code"), it["kind"]))
        if not items:
            raise InputError("proto.no_items")
        cap = doc["ratio_cap"]
        ratio_cap = None
        if cap is not None:
            _keys(cap, {"num", "den"}, "task.ratio_cap")
            den = check_int(cap["den"], "task.ratio_cap.den", 1)
            ratio_cap = (check_int(cap["num"], "task.ratio_cap.num", 1, den), den)
        if ratio_cap is None and any(i.kind == "general" for i in items):
            raise InputError("proto.cap_required")
        return cls(
            id=check_text(doc["id"], "task.id"),
            title=check_text(doc["title"], "task.title"),
            departments=deps,
            items=tuple(items),
            batches=check_int(doc["batches"], "task.batches", 1),
            ratio_cap=ratio_cap,
        )


@dataclass(frozen=True)
class Rule:
    """A stratum's sample-size rule: a count, or an exact ratio num/den (rounded up)."""

    kind: str  # "count" | "ratio"
    n: int = 0
    num: int = 0
    den: int = 0

    @classmethod
    def count(cls, n: int) -> Rule:
        return cls("count", n=n)

    @classmethod
    def ratio(cls, num: int, den: int) -> Rule:
        return cls("ratio", num=num, den=den)

    def to_json(self) -> dict[str, Any]:
        if self.kind == "count":
            return {"kind": "count", "n": self.n}
        return {"kind": "ratio", "num": self.num, "den": self.den}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Rule:
        if not isinstance(doc, Mapping) or doc.get("kind") not in ("count", "ratio"):
            raise InputError("proto.bad_rule", value=repr(doc)[:80])
        if doc["kind"] == "count":
            _keys(doc, {"kind", "n"}, "rule")
            return cls.count(check_int(doc["n"], "rule.n", 0))
        _keys(doc, {"kind", "num", "den"}, "rule")
        den = check_int(doc["den"], "rule.den", 1)
        return cls.ratio(check_int(doc["num"], "rule.num", 1, den), den)


@dataclass(frozen=True)
class StratumSpec:
    id: str
    rule: Rule
    reserve: int = 0


@dataclass(frozen=True)
class TeamRules:
    max_load: int
    inspect_from: str  # YYYY-MM-DD
    inspect_to: str
    min_inspectors: int = 2
    experts: int = 0
    per_department: bool = False
    rotation: bool = True
    qualifications: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "min_inspectors": self.min_inspectors,
            "experts": self.experts,
            "per_department": self.per_department,
            "rotation": self.rotation,
            "max_load": self.max_load,
            "inspect_from": self.inspect_from,
            "inspect_to": self.inspect_to,
            "qualifications": sorted(self.qualifications),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> TeamRules:
        names = {
            "min_inspectors",
            "experts",
            "per_department",
            "rotation",
            "max_load",
            "inspect_from",
            "inspect_to",
            "qualifications",
        }
        _keys(doc, names, "teams")
        quals = [check_text(q, "teams.qualifications") for q in _list(doc["qualifications"], "q")]
        if quals != sorted(set(quals)):
            raise InputError("proto.unsorted_list", field="teams.qualifications")
        start = check_date(doc["inspect_from"], "teams.inspect_from")
        end = check_date(doc["inspect_to"], "teams.inspect_to")
        if end < start:
            raise InputError("proto.bad_window", start=start, end=end)
        return cls(
            min_inspectors=check_int(doc["min_inspectors"], "teams.min_inspectors", 2),
            experts=check_int(doc["experts"], "teams.experts", 0),
            per_department=check_bool(doc["per_department"], "teams.per_department"),
            rotation=check_bool(doc["rotation"], "teams.rotation"),
            max_load=check_int(doc["max_load"], "teams.max_load", 1),
            inspect_from=start,
            inspect_to=end,
            qualifications=tuple(quals),
        )


@dataclass(frozen=True)
class Inspector:
    id: str
    department: str
    expert: bool
    cert_from: str  # YYYY-MM-DD
    cert_to: str
    qualifications: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "department": self.department,
            "expert": self.expert,
            "cert_from": self.cert_from,
            "cert_to": self.cert_to,
            "qualifications": sorted(set(self.qualifications)),
        }


@dataclass(frozen=True)
class Roster:
    """The pairing input: inspectors, 回避 pairs (inspector, code), previous (code, inspector).
    A pair set is a ``frozenset`` of tuples or, for the millions of rotation pairs, a
    :class:`~randcheck.core.draw.pairset.PairSet` (its canonical text)."""

    inspectors: tuple[Inspector, ...]
    conflicts: Set[tuple[str, str]] = field(default_factory=frozenset)
    previous: Set[tuple[str, str]] = field(default_factory=frozenset)

    def document(self) -> dict[str, Any]:
        """The canonical roster document (SPEC §7.1): every list sorted.  Its pair lists
        (millions with rotation) are sorted once per roster; each call gets new lists."""
        ids = [i.id for i in self.inspectors]
        if len(set(ids)) != len(ids):
            raise InputError("proto.duplicate_inspector")
        pairs: dict[str, list[list[str]]] | None = self.__dict__.get("_pairs")
        if pairs is None:
            with no_gc():
                pairs = {"conflicts": _sorted_pairs(self.conflicts),
                         "previous": _sorted_pairs(self.previous)}  # fmt: skip
            object.__setattr__(self, "_pairs", pairs)  # frozen: a cache, not a field
        return {
            "inspectors": [i.to_json() for i in sorted(self.inspectors, key=lambda i: i.id)],
            "conflicts": list(pairs["conflicts"]),
            "previous": list(pairs["previous"]),
        }

    def canonical(self) -> bytes:
        """``canonical(self.document())``, the bytes the roster digest is taken over and that
        are stored (SPEC §7.1), made once per roster.  With millions of pairs the pair lists
        are written as JSON straight from one sorted text (:func:`_pair_text`) instead of
        through two million small lists; any pair that is not two well-formed ids takes the
        reference path, which also names any error."""
        cached: bytes | None = self.__dict__.get("_canonical")
        if cached is not None:
            return cached
        out = None
        # a roster read by from_document has its pair lists in order already: encoding them
        # costs less than sorting the pairs again
        texts = {} if "_pairs" in self.__dict__ else self._pair_texts()
        conflicts, previous = texts.get("conflicts"), texts.get("previous")
        if conflicts is not None and previous is not None:
            ids = [i.id for i in self.inspectors]
            try:
                if len(set(ids)) == len(ids):
                    people = jcs.canonical(
                        [i.to_json() for i in sorted(self.inspectors, key=lambda i: i.id)]
                    )
                    out = b"".join((
                        b'{"conflicts":', _pairs_json(conflicts),
                        b',"inspectors":', people,
                        b',"previous":', _pairs_json(previous), b"}",
                    ))  # fmt: skip
            except InputError:
                out = None  # the reference path raises it, with its own path in the document
        if out is None:
            out = jcs.canonical(self.document())
        object.__setattr__(self, "_canonical", out)  # frozen: a cache, not a field
        return out

    def check(self) -> None:
        """Raise ``InputError`` exactly when ``Roster.from_document(self.document())`` would
        (the same error): what a verifier checks of the published roster.  A roster's pair
        lists are sorted and unique by construction, so when all their ids are well-formed
        only the inspectors are left to check; otherwise the reference check runs."""
        texts = self._pair_texts()
        clean = texts["conflicts"] is not None and texts["previous"] is not None
        if clean and len({i.id for i in self.inspectors}) == len(self.inspectors):
            try:
                _inspectors([i.to_json() for i in sorted(self.inspectors, key=lambda i: i.id)])
                return
            except InputError:
                pass
        Roster.from_document(self.document())  # the reference decides, and names the error

    def _pair_texts(self) -> dict[str, bytes | None]:
        texts: dict[str, bytes | None] | None = self.__dict__.get("_texts")
        if texts is None:  # texts and bytes only: nothing the cyclic GC tracks
            texts = {"conflicts": _pair_text(self.conflicts), "previous": _pair_text(self.previous)}
            object.__setattr__(self, "_texts", texts)
        return texts

    @classmethod
    def from_canonical(cls, data: bytes) -> Roster:
        """``Roster.from_document(parse(data))``: the stored roster bytes, parsed and checked,
        with the same result or error.  When ``data`` is this code's own canonical form (the
        roster stored at announce) its pair lists are split in bulk and the roster keeps
        ``data`` as its :meth:`canonical` bytes; anything else takes the reference path."""
        # the cyclic GC stays on: a pair tuple of two texts is untracked by the first
        # collection that sees it, cheap while it is new (with the GC off until the end, one
        # cold pass over 1.2 million tuples took 0.53 s; on, 0.07 s in all)
        roster = _from_canonical(data)
        if roster is not None:
            return roster
        return cls.from_document(jcs.parse(data))

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Roster:
        """Parse and check a roster document; it must already be in canonical order."""
        _keys(doc, {"inspectors", "conflicts", "previous"}, "roster")
        inspectors = _inspectors(_list(doc["inspectors"], "roster.inspectors"))
        pairs: list[frozenset[tuple[str, str]]] = []
        lists: dict[str, list[list[str]]] = {}
        with no_gc():
            for name in ("conflicts", "previous"):
                given = _list(doc[name], name)
                rows = _id_pairs(given)
                if rows is None:  # not all well-formed: the item-by-item check names the first
                    rows = [
                        (check_id(p[0], name), check_id(p[1], name))
                        if isinstance(p, list) and len(p) == 2
                        else _bad_pair(name, p)
                        for p in given
                    ]
                if not all(map(operator.lt, rows, itertools.islice(rows, 1, None))):
                    raise InputError("proto.unsorted_list", field=f"roster.{name}")
                pairs.append(frozenset(rows))
                lists[name] = list(map(list, rows))
        roster = cls(tuple(inspectors), pairs[0], pairs[1])
        # the pair lists just checked are in canonical order: document() reuses them
        object.__setattr__(roster, "_pairs", lists)
        return roster


def _inspectors(given: Sequence[Any]) -> list[Inspector]:
    """The roster document's inspector rows, checked; sorted by id with none repeated."""
    inspectors = []
    for row in given:
        _keys(row, {"id", "department", "expert", "cert_from", "cert_to", "qualifications"}, "i")
        quals = [check_text(q, "qualifications") for q in _list(row["qualifications"], "q")]
        if quals != sorted(set(quals)):
            raise InputError("proto.unsorted_list", field="roster.qualifications")
        inspectors.append(
            Inspector(
                id=check_id(row["id"], "roster.id"),
                department=check_text(row["department"], "roster.department"),
                expert=check_bool(row["expert"], "roster.expert"),
                cert_from=check_date(row["cert_from"], "roster.cert_from"),
                cert_to=check_date(row["cert_to"], "roster.cert_to"),
                qualifications=tuple(quals),
            )
        )
    ids = [i.id for i in inspectors]
    if ids != sorted(set(ids)):
        raise InputError("proto.unsorted_list", field="roster.inspectors")
    return inspectors


def _sorted_pairs(pairs: Set[tuple[str, str]]) -> list[list[str]]:
    """``pairs`` sorted, as lists.  Sorted as texts ``a NUL b``: the same order as the
    tuples (no text holds a NUL, checked), several times faster than comparing tuples."""
    keys = sorted(map("\0".join, pairs))
    if "".join(keys).count("\0") != len(keys):
        return list(map(list, sorted(pairs)))
    return list(map(methodcaller("split", "\0"), keys))


_SLICE = 8192


def _pair_text(pairs: Set[tuple[str, str]]) -> bytes | None:
    """``pairs`` sorted (as :func:`_sorted_pairs` sorts them) as ASCII lines ``a NUL b``
    joined by newlines, when every pair is a tuple of two ids (``check_id``); else None.

    The lines are sorted as bytes in C (``accel.sort_lines``): with no NUL inside an id, the
    order of the pairs.  A set of such tuples gives distinct lines, so the text is strictly
    sorted as a pair list must be.  No list per pair."""
    if not pairs:
        return b""
    if isinstance(pairs, PairSet):  # checked when made
        return pairs.text
    items = list(pairs)
    keys: list[str] = []
    try:
        # by slices, so that the type check and the join read each tuple while in cache
        for lo in range(0, len(items), _SLICE):
            part = items[lo : lo + _SLICE]
            if set(map(type, part)) != {tuple}:  # e.g. a text "ab" joins as ("a", "b")
                return None
            keys += map("\0".join, part)
        text = "\n".join(keys).encode("utf-8")
    except (TypeError, UnicodeEncodeError):  # not texts, or a lone surrogate
        return None
    if not _pair_text_ok(text, len(keys)):
        return None
    # a line of at most 66 bytes is two ids of at most 64 (neither is empty, checked above)
    if max(map(len, keys)) > 66 and any(len(x) > 64 for k in keys for x in k.split("\0")):
        return None
    return accel.sort_lines(text)[:-1]


def _pairs_json(text: bytes) -> bytes:
    """The canonical JSON (RFC 8785) of the pair list that a checked pair ``text`` holds."""
    if not text:
        return b"[]"
    if b"\\" in text or b'"' in text:  # the only visible ASCII that JSON escapes
        text = text.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return b'[["' + text.replace(b"\0", b'","').replace(b"\n", b'"],["') + b'"]]'


def _json_pairs(data: bytes) -> bytes | None:
    """The pair text of a pair list in canonical JSON whose ids need no escaping; None when
    ``data`` is anything else (then the caller takes the reference path)."""
    if data == b"[]":
        return b""
    if not (data.startswith(b'[["') and data.endswith(b'"]]')):
        return None
    inner = data[3:-3]
    if b"\\" in inner or b"\0" in inner or b"\n" in inner:
        return None
    text = inner.replace(b'"],["', b"\n").replace(b'","', b"\0")
    if b'"' in text or not _pair_text_ok(text, text.count(b"\n") + 1):
        return None
    return text


_HEAD = b'{"conflicts":'
_INSPECTORS = b',"inspectors":'
_PREVIOUS = b',"previous":'


def _from_canonical(data: bytes) -> Roster | None:
    """The roster whose canonical bytes are ``data``, checked; None when ``data`` is not that
    (then ``Roster.from_document(parse(data))`` answers, error included).

    ``data`` is cut into its five parts (the three keys are fixed); each pair list is split in
    bulk.  It is the roster's canonical form because each part is: a pair list's text, made by
    replacing its delimiters ``"],["`` and ``","`` with a newline and a NUL (neither in the
    list), gives the list back by the reverse replacements, which is what :func:`_pairs_json`
    does for ids that need no escaping; the inspectors' part is compared with theirs."""
    if not (data.startswith(_HEAD) and data.endswith(b"]}")):
        return None
    i = data.find(_INSPECTORS)
    j = data.rfind(_PREVIOUS)
    if i < 0 or j < i + len(_INSPECTORS):
        return None
    pairs: dict[str, PairSet] = {}
    parts = {"conflicts": data[len(_HEAD) : i], "previous": data[j + len(_PREVIOUS) : -1]}
    for name, part in parts.items():
        text = _json_pairs(part)
        found = None if text is None else PairSet.of_text(text)
        if found is None:
            return None  # e.g. unsorted or repeated: the reference names it
        pairs[name] = found
    people = data[i + len(_INSPECTORS) : j]
    try:
        inspectors = _inspectors(_list(jcs.parse(people), "roster.inspectors"))
        if jcs.canonical([x.to_json() for x in inspectors]) != people:
            return None  # e.g. spaces, or an escape where none is needed
    except InputError:
        return None
    roster = Roster(tuple(inspectors), pairs["conflicts"], pairs["previous"])
    object.__setattr__(roster, "_canonical", data)  # the stored bytes, not a copy
    return roster


def _id_pairs(given: Sequence[Any]) -> list[tuple[str, str]] | None:
    """``given`` as tuples when every item is a list of two ids (``check_id``: 1-64 bytes of
    visible ASCII), checked by type and by byte class in C over the whole list; else None."""
    if not given:
        return []
    if set(map(type, given)) != {list} or set(map(len, given)) != {2}:
        return None
    flat = list(itertools.chain.from_iterable(given))
    if set(map(type, flat)) != {str}:
        return None
    joined = "\n".join(flat).encode("utf-8")
    if joined.translate(None, CODE_BYTES) != b"\n" * (len(flat) - 1):
        return None  # a byte outside visible ASCII, or a newline inside an id
    if min(map(len, flat)) < 1 or max(map(len, flat)) > 64:  # ASCII: characters are bytes
        return None
    return cast(list[tuple[str, str]], list(map(tuple, given)))


def _bad_pair(name: str, value: object) -> tuple[str, str]:
    raise InputError("proto.bad_pair", field=name, value=repr(value)[:80])


def _keys(doc: object, names: set[str], where: str) -> None:
    if not isinstance(doc, Mapping) or set(doc) != names:
        got = sorted(doc) if isinstance(doc, Mapping) else type(doc).__name__
        raise InputError("proto.bad_fields", where=where, expected=sorted(names), got=got)


def _list(value: object, where: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise InputError("proto.bad_list", where=where)
    return value
