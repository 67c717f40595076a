"""The pool index: the entity registry read once, kept sorted, reused by every announcement.

``compute_pool`` needs, for each task, the registry's codes sorted per stratum with the
exclusion rules applied.  Read from the table each time, that is two scans of every row and a
sort (``services.poolsql``): some 15 s at 10 million entities.  The index keeps what those
scans find, ready:

* the codes grouped by ``(active, status, risk_class)``, each group a sorted population file
  (SPEC §3): a task's strata are merges of whole groups (``accel.merge``);
* the codes that have a ``last_inspected_on``, sorted by that date, so that the registry's
  own ``recent`` rule is a binary search and a cut.

A task's pool is then a few merge walks in C (``accel.sift``: the codes the history excludes,
reason by reason, in the same order as the reference loop ``eligible.classify_rows``, which
it is tested equal to).

**Freshness.** The index is stored in the database (``pool_index_part``) tagged with the entity
table's change counter (``registry_generation``), which a trigger bumps on every insert,
update and delete of an entity, in the writer's transaction, whoever the writer is (migration
``registries_0002``).  An index whose tag differs from the counter is never used: it is built
again from the table (one statement, so the rows and the counter read are one snapshot) and
stored if nothing changed meanwhile.  ``registry import`` only moves the counter (once per
import, not once per row); the first ``task check`` or ``task announce`` after it builds the
index (about 10 s and 1 GB at 10 million entities, past what an import may use) and stores it
for the next one: 19 bytes per entity and 30 more per ``last_inspected_on`` (190 MB at 10
million entities without dates) rewritten, and the database's write-ahead log grows by as
much, once per registry change, not once per announcement.  A command that stops
on an error stores nothing (``store.aside.held``).

Where the index cannot be exact it is not built (``build`` answers ``None``) and the SQL pass
or the loop answers: a directed task (its scope filters read other columns), a value holding
the aggregation's separators, a date that is not ``YYYY-MM-DD``, texts too long for one value.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    String,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from randcheck.core.draw import accel
from randcheck.services.poolsql import MAX_TEXT, Classified
from randcheck.store.kept import KeptIndex
from randcheck.store.models import Entity as EntityTable
from randcheck.store.models import PoolIndexPart, RegistryGeneration

FORMAT = "randcheck/pool-index/v1"
CODE_BYTES = 19  # an 18-character code and its separator
MAX_ROW = 900_000_000  # the sum of the columns build() reads in one row (PostgreSQL: 1 GB)
DATED = re.compile(rb"(?:\d{4}-\d\d-\d\d [^\n ]+\n)*")  # no space in a code
_DAY_PREFIX = re.compile(rb"(?m)^.{11}")


@dataclass(frozen=True)
class Group:
    active: bool
    status: str
    risk: str
    codes: bytes  # sorted population file

    @property
    def count(self) -> int:
        return self.codes.count(b"\n")


@dataclass(frozen=True)
class PoolIndex:
    generation: int
    groups: tuple[Group, ...]
    dated: bytes  # "YYYY-MM-DD code\n" per code with a last_inspected_on, sorted

    def recent(self, limit: date) -> bytes:
        """The codes with a ``last_inspected_on`` after ``limit``, sorted."""
        return dated_after(self.dated, limit.isoformat())


def dated_after(dated: bytes, day: str) -> bytes:
    """The codes of the sorted lines ``YYYY-MM-DD code`` of ``dated`` whose date is after the
    ISO date ``day``, sorted by code (one binary search and a cut)."""
    if not dated:
        return b""
    offsets = memoryview(accel.offsets(dated)).cast("Q")
    n = len(offsets) - 1
    text = day.encode("ascii")
    k = bisect.bisect_right(range(n), text, key=lambda i: dated[offsets[i] : offsets[i] + 10])
    if k == n:
        return b""
    return accel.sort_lines(_DAY_PREFIX.sub(b"", dated[offsets[k] :]))


# -- the counter ------------------------------------------------------------------------------


def generation(conn: Connection) -> int | None:
    return KEPT.generation(conn)


# -- building ---------------------------------------------------------------------------------


def _agg(conn: Connection, column: Any) -> Any:
    if conn.dialect.name == "postgresql":
        return func.string_agg(column, ",")
    return func.group_concat(column)


def _cat(*parts: Any) -> Any:
    """``a || b || ...`` in SQL (both databases)."""
    out = parts[0]
    for p in parts[1:]:
        out = out.op("||")(p)
    return out


def _lines(text: str | None, n: int) -> bytes | None:
    """``n`` comma-separated values as a newline-terminated blob; None if a value holds a
    comma or a newline (the count would not match)."""
    if not n:
        return b""
    if text is None or "\n" in text or text.count(",") != n - 1:
        return None
    return (text.replace(",", "\n") + "\n").encode("utf-8")


def build(conn: Connection) -> PoolIndex | None:
    """The index of the entity table as it is now, or None where it cannot be exact.

    Each column is aggregated on its own (building a key per row in SQL costs more than the
    scan); the codes are then split by status, risk class and ``active`` in C, each split
    keeping the order, so the columns stay aligned line by line."""
    if conn.dialect.name not in ("sqlite", "postgresql"):
        return None
    e = EntityTable.__table__.c  # type: ignore[attr-defined]
    g = RegistryGeneration.__table__.c  # type: ignore[attr-defined]
    pg = conn.dialect.name == "postgresql"
    counted = conn.execute(select(func.count(), func.count(e.last_inspected_on))).one()
    rows, dated_rows = int(counted[0] or 0), int(counted[1] or 0)
    if rows * CODE_BYTES > MAX_TEXT:  # codes of 18 characters (one of 64 would not be one)
        return None
    names: dict[str, set[str]] = {"status": set(), "risk": set()}
    for status, risk in conn.execute(select(e.status, e.risk_class).distinct()):
        names["status"].add(status)
        names["risk"].add(risk)
    values = names["status"] | names["risk"]
    if any(v is None or "," in v or "\n" in v for v in values):
        return None
    widths = [
        max((len(v.encode("utf-8")) for v in column), default=0) + 1 for column in names.values()
    ]
    if any(rows * w > MAX_TEXT for w in widths):  # half of what one text may hold, as in poolsql
        return None
    # PostgreSQL builds the one result row in one allocation of at most 1 GB: bound its sum
    # (a little more than the dated codes counted, as rows may come between the two reads)
    whole = rows * (CODE_BYTES + 2 + sum(widths)) + (dated_rows + rows // 100) * (CODE_BYTES + 11)
    if pg and whole > MAX_ROW:
        return None
    flag = case((e.active.is_(True), "1"), else_="0") if pg else e.active
    day = (
        func.to_char(e.last_inspected_on, "YYYY-MM-DD", type_=String)
        if pg
        else cast(e.last_inspected_on, String)
    )
    dated = e.last_inspected_on.is_not(None)
    # one statement: the counter and the rows are read in one snapshot
    query = select(
        select(g.generation).where(g.name == "entity").scalar_subquery(),
        func.count(),
        _agg(conn, e.code),
        _agg(conn, flag),
        _agg(conn, e.status),
        _agg(conn, e.risk_class),
        select(func.count()).where(dated).scalar_subquery(),
        select(_agg(conn, _cat(day, literal(" "), e.code))).where(dated).scalar_subquery(),
    )
    if pg:  # a limit met after all (a server's smaller memory) leaves the transaction usable
        try:
            with conn.begin_nested():
                row = conn.execute(query).one()
        except DBAPIError:
            return None
    else:
        row = conn.execute(query).one()
    gen, n = row[0], int(row[1])
    blobs = [_lines(text, n) for text in row[2:6]]
    day_blob = _lines(row[7], int(row[6]))
    del row
    if gen is None or day_blob is None or any(b is None for b in blobs):
        return None
    codes, flags, statuses, risks = [b or b"" for b in blobs]
    del blobs
    status_names = sorted(names["status"])
    risk_names = sorted(names["risk"])
    groups = []
    by_status = _split([codes, flags, risks], statuses, status_names)
    if by_status is None:  # a value that appeared after the DISTINCT
        return None
    del codes, flags, risks, statuses
    for status, (s_codes, s_flags, s_risks) in zip(status_names, by_status, strict=True):
        by_risk = _split([s_codes, s_flags], s_risks, risk_names)
        if by_risk is None:
            return None
        for risk, (r_codes, r_flags) in zip(risk_names, by_risk, strict=True):
            by_flag = _split([r_codes], r_flags, [b"1", b"0"])
            if by_flag is None:  # an ``active`` stored as something else than 1 / 0
                return None
            for active, (part,) in zip((True, False), by_flag, strict=True):
                if part:
                    groups.append(Group(active, status, risk, accel.sort_lines(part)))
    groups.sort(key=lambda x: (x.active, x.status, x.risk))
    dated_lines = accel.sort_lines(day_blob)  # "YYYY-MM-DD code": by date, then code
    del day_blob
    if not DATED.fullmatch(dated_lines):
        return None
    return PoolIndex(int(gen), tuple(groups), dated_lines)


def _split(
    blobs: list[bytes], keys: bytes, names: list[str] | list[bytes]
) -> list[list[bytes]] | None:
    """Each of ``blobs`` split by the line-aligned ``keys`` into one part per name (in the
    order of ``names``); None when some key is none of them."""
    raw = [n if isinstance(n, bytes) else n.encode("utf-8") for n in names]
    outs: list[list[bytes]] = [[] for _ in raw]
    for blob in blobs:
        parts, other = accel.partition(blob, keys, raw)
        if other:
            return None
        for out, part in zip(outs, parts, strict=True):
            out.append(part)
    return outs


# -- storing and loading ----------------------------------------------------------------------


def _pack(index: PoolIndex) -> tuple[int, dict[str, Any], list[bytes]]:
    groups = [[g.active, g.status, g.risk] for g in index.groups]
    return index.generation, {"groups": groups}, [*(g.codes for g in index.groups), index.dated]


def _unpack(now: int, meta: dict[str, Any], texts: list[bytes]) -> PoolIndex | None:
    if len(meta.get("groups", ())) + 1 != len(texts):
        return None
    groups = tuple(
        Group(bool(active), str(status), str(risk), codes)
        for (active, status, risk), codes in zip(meta["groups"], texts, strict=False)
    )
    return PoolIndex(now, groups, texts[-1])


KEPT: KeptIndex[PoolIndex] = KeptIndex(
    PoolIndexPart.__table__,  # type: ignore[attr-defined]
    RegistryGeneration.__table__,  # type: ignore[attr-defined]
    "entity",
    FORMAT,
    lambda conn: build(conn),  # looked up when called
    _pack,
    _unpack,
)


# the index's keeping, by KeptIndex (store.kept): each a method of KEPT
store = KEPT.store
load = KEPT.load
current = KEPT.current
refresh = KEPT.refresh
is_current = KEPT.is_current


# -- a task's pool ----------------------------------------------------------------------------


def _blob(codes: Any) -> bytes | None:
    """Codes (str) as a sorted population file; None when one holds a newline."""
    items = list(codes)
    if not items:
        return b""
    blob = ("\n".join(items) + "\n").encode("utf-8")
    if blob.count(b"\n") != len(items):
        return None
    return accel.sort_lines(blob)


def classify(
    index: PoolIndex,
    allowed: Mapping[str | None, bool],
    recent_limit: date | None,
    verdict: Mapping[str, str],
    listed: Mapping[str, str],
    star: str | None,
    strata: list[str],
    prev_codes: Iterable[str],
    excluded: Mapping[str, bytes] | None = None,
) -> Classified | None:
    """``eligible.classify_rows`` over the index: whole groups judged by their key, the
    history's and the registry's exclusions removed by merge walks, in the loop's order
    (invalid, status, recent, then the history's other reasons, then strata or uncovered).
    ``prev_codes`` may repeat a code (they are sorted into one file here, not a set).
    ``excluded`` adds, per reason, codes the history excludes as a sorted file (repeats
    allowed: ``services.results.historyindex``), as if they were in ``verdict``; a code
    under two reasons counts under the first, as ``verdict`` keeps the first."""
    reasons: Counter[str] = Counter()
    uncovered: Counter[str] = Counter()
    runs: dict[str, list[bytes]] = {}  # stratum id, or "\0" + risk class for uncovered
    for grp in index.groups:
        if not grp.active:
            reasons["invalid"] += grp.count
        elif not allowed[grp.status]:
            reasons["status"] += grp.count
        elif grp.codes:
            sid = listed.get(grp.risk or "", star)
            runs.setdefault("\0" + grp.risk if sid is None else sid, []).append(grp.codes)
    by_reason: dict[str, list[str]] = {}
    for code, why in verdict.items():
        by_reason.setdefault(why, []).append(code)
    recent = _blob(by_reason.pop("recent", ()))
    found_blobs = {why: _blob(codes) for why, codes in by_reason.items()}
    earlier = _blob(prev_codes)
    if recent is None or earlier is None or any(b is None for b in found_blobs.values()):
        return None
    extra = {why: blob for why, blob in (excluded or {}).items() if blob}
    if recent_limit is not None:
        recent = accel.merge([recent, index.recent(recent_limit), extra.pop("recent", b"")])
    elif "recent" in extra:
        recent = accel.merge([recent, extra.pop("recent")])
    for why, blob in extra.items():
        mine = found_blobs.get(why)
        found_blobs[why] = accel.merge([mine, blob]) if mine else blob
    # reason by reason, first reason first; one walk over the pool takes them all out
    ordered = [(why, b) for why, b in [("recent", recent), *sorted(found_blobs.items())] if b]
    every = b""
    if ordered:
        every = ordered[0][1] if len(ordered) == 1 else accel.merge([b for _, b in ordered])
    blobs = dict.fromkeys(strata, b"")
    kept: list[str] = []
    for target, parts in sorted(runs.items()):
        pool = parts[0] if len(parts) == 1 else accel.merge(parts)
        if every:
            pool, hit = accel.sift(pool, every)
            for why, blob in ordered:
                hit, found = accel.sift(hit, blob)
                if found:
                    reasons[why] += found.count(b"\n")
        if target.startswith("\0"):
            if pool:
                uncovered[target[1:]] += pool.count(b"\n")
            continue
        blobs[target] = pool
        found = accel.sift(pool, earlier)[1] if earlier else b""
        if found:
            kept.extend(found.decode("utf-8").split("\n")[:-1])
    return Classified(blobs, reasons, uncovered, set(kept))
