"""The history index: what an announcement reads of the inspection history, kept sorted.

``task announce`` with ``recent_days``, ``annual_cap``, ``drawn_this_year`` or rotation reads
the whole inspection history (``history import``'s rows and randcheck's own results): some
5 s at 2 million rows when each read is a query and the pairs are Python tuples.  The index
keeps, sorted, exactly what those reads find, as population-file-like texts:

* ``pairs``: ``code NUL badge`` per badge of every inspection with inspectors (history and
  results), byte order, repeats kept (rotation; ``accel.pick`` takes the pool's lines);
* ``dated``: ``YYYY-MM-DD code`` per inspection (history and results), by date then code
  (``recent``: one binary search and a cut, as the pool index does for the registry);
* ``events``, per year and random or not: a code line per distinct (date, entity,
  department, ref) of the history table, random when a row of it is (``annual_cap``: one
  line per inspection, ``accel.repeated`` finds the codes with enough);
* ``items``, per year and item: a code line per random history row of that item
  (``drawn_this_year``).

What it answers is tested equal to ``history.inputs_reference`` (tests/results).

**Freshness.** Like the pool index (``services.poolindex``): kept in ``history_index_part``,
tagged with the history's change counter (``history_state``, moved by triggers on every
write to either table, migration ``results_0004``), used only while the counter has not
moved; else built again in one statement (one snapshot) and kept if nothing changed
meanwhile.  ``history import`` builds it after its commit.  Where it cannot be exact (a value
holding a tab or a newline, a date that is not ``YYYY-MM-DD``, a history too large for one
value) it is not built and the announcement reads the tables as before.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, case, func, literal, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from randcheck.core.draw import accel
from randcheck.core.draw.pairset import lines_ok
from randcheck.services.poolindex import DATED, dated_after
from randcheck.store.kept import KeptIndex
from randcheck.store.result_models import HistoryIndexPart, HistoryRow, HistoryState, ResultRow

FORMAT = "randcheck/history-index/v1"
#: bytes of the one result row per history row, at most (PostgreSQL builds the row in one
#: allocation of at most 1 GB; SQLite allows a value 1,000,000,000 bytes)
ROW_BYTES = 200
MAX_ROW = 900_000_000
_SINGLE = re.compile(rb"(?:[^\t\n|]*\t\|[^\t\n|]+\|\n)*")  # code TAB |badge|, the usual


@dataclass(frozen=True)
class HistoryIndex:
    generation: int
    pairs: bytes
    dated: bytes
    events: dict[tuple[str, bool], bytes]  # (year, random) -> codes, one line per inspection
    items: dict[tuple[str, str], bytes]  # (year, item) -> codes, one line per random row
    pairs_ok: bool = False  # every line of pairs is two well-formed ids (pairset.lines_ok)

    def recent(self, day: str) -> bytes:
        """Codes inspected after the ISO date ``day``, sorted (repeats kept)."""
        return dated_after(self.dated, day)

    def year_events(self, year: str, random_only: bool) -> bytes:
        """One code line per inspection of ``year`` in the history table (random ones only
        with ``random_only``), sorted."""
        random = self.events.get((year, True), b"")
        if random_only:
            return random
        return accel.merge([self.events.get((year, False), b""), random])

    def capped(self, year: str, random_only: bool, cap: int, own: Counter[str]) -> bytes:
        """Codes with ``cap`` or more inspections in ``year``: the history table's
        (:meth:`year_events`) and ``own`` (randcheck's draws, per code), sorted (repeats
        kept)."""
        events = self.year_events(year, random_only)
        found = [accel.repeated(events, cap)]
        by_count: dict[int, list[str]] = {}
        for code, n in own.items():
            by_count.setdefault(n, []).append(code)
        for n, codes in sorted(by_count.items()):
            mine = codes_blob(codes)
            found.append(mine if n >= cap else accel.sift(mine, accel.repeated(events, cap - n))[1])
        return accel.merge(found)

    def drawn(self, year: str, items: Iterable[str]) -> bytes:
        """Codes with a random inspection of one of ``items`` in ``year``, sorted (repeats
        kept)."""
        return accel.merge([self.items.get((year, item), b"") for item in sorted(set(items))])


def _groups(blob: bytes, head: Callable[[bytes], bytes]) -> dict[bytes, bytes]:
    """The lines of the sorted ``blob`` grouped by ``head`` (a prefix of each line that
    sorts as the lines do), each group without its head: still sorted.  One binary search
    over the line offsets per group, whatever the heads are (years, items)."""
    if not blob:
        return {}
    offsets = memoryview(accel.offsets(blob)).cast("Q")
    n = len(offsets) - 1

    def head_of(i: int) -> bytes:
        return head(blob[offsets[i] : offsets[i + 1]])

    out = {}
    i = 0
    while i < n:
        h = head_of(i)
        j = bisect.bisect_right(range(n), h, lo=i, key=head_of)
        out[h] = _cut(blob[offsets[i] : offsets[j]], h)
        i = j
    return out


def _event_head(line: bytes) -> bytes:
    return line[:7]  # "YYYY R "


def _item_head(line: bytes) -> bytes:
    return line[: line.index(b"\0", 5) + 1]  # "YYYY NUL item NUL"


def _cut(lines: bytes, head: bytes) -> bytes:
    """``lines``, each starting with ``head``, without it."""
    return (b"\n" + lines).replace(b"\n" + head, b"\n")[1:]


# -- building ---------------------------------------------------------------------------------


def _agg(pg: bool, column: Any) -> Any:
    return func.string_agg(column, "\n") if pg else func.group_concat(column, "\n")


def _cat(*parts: Any) -> Any:
    out = parts[0]
    for p in parts[1:]:
        out = out.op("||")(p)
    return out


def build(conn: Connection) -> HistoryIndex | None:
    """The index of the history and results tables as they are now, or None where it cannot
    be exact (see the module's note)."""
    dialect = conn.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return None
    pg = dialect == "postgresql"
    ht = HistoryRow.__table__  # type: ignore[attr-defined]
    rt = ResultRow.__table__  # type: ignore[attr-defined]
    h, r = ht.c, rt.c
    s = HistoryState.__table__.c  # type: ignore[attr-defined]
    counted = conn.execute(select(func.count()).select_from(ht)).scalar()
    results = conn.execute(select(func.count()).select_from(rt)).scalar()
    if (int(counted or 0) + int(results or 0)) * ROW_BYTES > MAX_ROW:
        return None
    tab = literal("\t", String)
    space = literal(" ", String)
    year = func.substr(h.inspected_on, 1, 4)
    flag = func.max(case((h.is_random.is_(True), "1"), else_="0"))
    event_rows = (
        select(_cat(year, space, flag, space, h.entity_code).label("line"))
        .group_by(h.inspected_on, h.entity_code, h.department, h.ref)
        .subquery()
    )
    def text(line: Any, *where: Any, source: Any = None) -> Any:
        """One row: the lines joined, and how many (one scan)."""
        q = select(_agg(pg, line).label("t"), func.count().label("n"))
        return (q if source is None else q.select_from(source)).where(*where)

    parts = [
        text(_cat(h.entity_code, tab, h.inspectors), h.inspectors != ""),
        text(_cat(r.entity_code, tab, r.inspectors), r.inspectors != ""),
        text(_cat(h.inspected_on, space, h.entity_code), source=ht),
        text(_cat(r.completed_on, space, r.entity_code), source=rt),
        text(event_rows.c.line, source=event_rows),
        text(_cat(year, tab, h.item_code, tab, h.entity_code), h.is_random.is_(True),
             h.item_code != ""),
    ]  # fmt: skip
    subs = [q.subquery(f"p{i}") for i, q in enumerate(parts)]
    joined: Any = subs[0]
    for sub in subs[1:]:
        joined = joined.join(sub, true())
    # one statement: the counter and the rows in one snapshot; one-row parts side by side
    generation = select(s.generation).where(s.name == "history").scalar_subquery()
    query = select(generation, *[c for sub in subs for c in (sub.c.t, sub.c.n)]).select_from(
        joined
    )
    try:
        if pg:  # a limit met after all leaves the transaction usable
            with conn.begin_nested():
                row = conn.execute(query).one()
        else:
            row = conn.execute(query).one()
    except DBAPIError:
        return None
    gen = row[0]
    got = [_lines(row[1 + 2 * i], int(row[2 + 2 * i] or 0)) for i in range(len(parts))]
    del row
    if gen is None or any(g is None for g in got):
        return None
    h_pairs, r_pairs, h_dated, r_dated, event_lines, item_lines = (g or b"" for g in got)
    pairs = _pairs(h_pairs + r_pairs)
    if pairs is None:
        return None
    dated = accel.sort_lines(h_dated + r_dated)
    if not DATED.fullmatch(dated):
        return None
    event_blob = accel.sort_lines(event_lines)
    if not re.fullmatch(rb"(?:\d{4} [01] [^\n]*\n)*", event_blob):
        return None
    events = {(h[:4].decode(), h[5:6] == b"1"): codes
              for h, codes in _groups(event_blob, _event_head).items()}  # fmt: skip
    del event_blob
    n_items = item_lines.count(b"\n")
    if item_lines.count(b"\t") != 2 * n_items or b"\0" in item_lines:
        return None
    item_blob = accel.sort_lines(item_lines.replace(b"\t", b"\0"))
    items = {(h[:4].decode(), h[5:-1].decode("utf-8")): codes
             for h, codes in _groups(item_blob, _item_head).items()}  # fmt: skip
    return HistoryIndex(int(gen), pairs, dated, events, items, lines_ok(pairs))


def _lines(text: str | None, n: int) -> bytes | None:
    """``n`` newline-joined values as a newline-terminated blob; None when a value holds a
    newline (the count would not match)."""
    if not n:
        return b""
    if text is None or text.count("\n") != n - 1:
        return None
    return (text + "\n").encode("utf-8")


def _pairs(lines: bytes) -> bytes | None:
    """``code TAB |b1|b2|`` lines as sorted ``code NUL badge`` lines, one per badge (the
    non-empty parts of the text between bars, as ``split_list`` reads it); None when a
    value holds a tab or a NUL."""
    n = lines.count(b"\n")
    if lines.count(b"\t") != n or b"\0" in lines:
        return None
    if _SINGLE.fullmatch(lines):  # one badge each: two replacements
        flat = lines.replace(b"\t|", b"\0").replace(b"|\n", b"\n")
    else:
        out: list[bytes] = []
        for line in lines.split(b"\n")[:-1]:
            code, _, text = line.partition(b"\t")
            out.extend(code + b"\0" + b for b in text.split(b"|") if b)
        flat = b"".join(x + b"\n" for x in out)
    return accel.sort_lines(flat)


# -- keeping ----------------------------------------------------------------------------------


def _pack(index: HistoryIndex) -> tuple[int, dict[str, Any], list[bytes]]:
    names: list[tuple[str, str, str]] = [("pairs", "", ""), ("dated", "", "")]
    texts = [index.pairs, index.dated]
    for (year, random), codes in sorted(index.events.items()):
        names.append(("events", year, "1" if random else "0"))
        texts.append(codes)
    for (year, item), codes in sorted(index.items.items()):
        names.append(("items", year, item))
        texts.append(codes)
    return index.generation, {"parts": names, "pairs_ok": index.pairs_ok}, texts


def _unpack(now: int, meta: dict[str, Any], texts: list[bytes]) -> HistoryIndex | None:
    kinds = meta.get("parts")
    if not isinstance(kinds, list) or len(kinds) != len(texts):
        return None
    one: dict[str, bytes] = {}
    events: dict[tuple[str, bool], bytes] = {}
    items: dict[tuple[str, str], bytes] = {}
    for (kind, a, b), part in zip(kinds, texts, strict=True):
        if kind == "events":
            events[(a, b == "1")] = part
        elif kind == "items":
            items[(a, b)] = part
        else:
            one[kind] = part
    if set(one) != {"pairs", "dated"}:
        return None
    ok = meta.get("pairs_ok") is True
    return HistoryIndex(now, one["pairs"], one["dated"], events, items, ok)


KEPT: KeptIndex[HistoryIndex] = KeptIndex(
    HistoryIndexPart.__table__,  # type: ignore[attr-defined]
    HistoryState.__table__,  # type: ignore[attr-defined]
    "history",
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


def codes_blob(codes: Collection[str]) -> bytes:
    """``codes`` as a sorted population-file-like text (repeats kept)."""
    if not codes:
        return b""
    return accel.sort_lines(("\n".join(codes) + "\n").encode("utf-8"))
