"""The eligible pool's registry pass in SQL: the fast path of ``eligible.compute_pool``.

The reference is the loop in :func:`randcheck.services.eligible.classify_rows`, one Python
step per registry row.  Here the database applies the same rules, in the same order, in a
few statements, and only the eligible codes cross into Python, as one text per column
(``group_concat`` / ``string_agg``), split into strata and sorted in C (``accel``):

1. the distinct raw statuses, judged in Python (``core.status``: one normalisation each);
2. one counting scan: ``invalid``, ``status`` and ``recent`` by the registry's own
   ``last_inspected_on``;
3. one scan concatenating the codes that pass those rules and their stratum key (the risk
   class if a stratum lists it, else ``*``), split per key in C (``accel.partition``);
4. in Python, per stratum, the codes the history excludes (the caller's ``verdict``:
   recent, annual_cap, drawn_this_year, first reason first) are counted and dropped, each a
   set lookup in C (``filter``), not a step of a Python loop.

Anything the fast path cannot read exactly (a NULL status, a code or risk class holding the
separator, a risk class no stratum takes, texts too long for one value: ``MAX_TEXT``) makes it
answer ``None``: the caller then runs
the reference loop.  Tests prove both equal on random registries and histories, on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import filterfalse
from typing import Any

from sqlalchemy import LargeBinary, and_, case, cast, func, literal, or_, select, true
from sqlalchemy.engine import Connection

from randcheck.core.draw import accel
from randcheck.store.models import Entity as EntityTable


@dataclass
class Classified:
    """What the registry pass found: each stratum's eligible codes (a population-file blob,
    unsorted), exclusion counts, uncovered risk classes, and rotation pairs of the pool."""

    blobs: dict[str, bytes]
    reasons: Counter[str]
    uncovered: Counter[str]
    kept: set[str]  # pool entities with earlier inspectors (rotation)


def _agg(conn: Connection, column: Any) -> Any:
    if conn.dialect.name == "postgresql":
        return func.string_agg(column, ",")
    return func.group_concat(column)  # SQLite's default separator "," is its fast path


#: the most bytes one aggregated column may hold: SQLite refuses a text over 1,000,000,000
#: bytes (SQLITE_MAX_LENGTH) and PostgreSQL over 1 GB; past half that (some 26 million
#: 18-character codes) the reference loop runs instead, its memory not four copies of it
MAX_TEXT = 500_000_000


def _bytes(conn: Connection, column: Any) -> Any:
    """The length of a text column in bytes (UTF-8), in SQL."""
    if conn.dialect.name == "postgresql":
        return func.octet_length(column)
    return func.length(cast(column, LargeBinary))


def _split(text: str | None, n: int) -> bytes | None:
    """``n`` comma-separated values as newline-terminated lines; None when a value holds a
    comma or a newline (the caller falls back to the reference loop)."""
    if not n:
        return b""
    if text is None or "\n" in text or text.count(",") != n - 1:
        return None
    return (text.replace(",", "\n") + "\n").encode("utf-8")


def classify_sql(
    conn: Connection,
    scope: list[Any],
    allowed: Mapping[str | None, bool],
    recent_limit: date | None,
    verdict: Mapping[str, str],
    listed: Mapping[str, str],
    star: str | None,
    strata: list[str],
    prev_codes: set[str],
) -> Classified | None:
    """The registry pass in SQL (module docstring), or None where only the loop is exact."""
    if conn.dialect.name not in ("sqlite", "postgresql"):
        return None
    e = EntityTable.__table__.c  # type: ignore[attr-defined]
    base = and_(*scope) if scope else true()
    statuses = [s for (s,) in conn.execute(select(e.status).where(base).distinct())]
    if any(s is None for s in statuses):
        return None
    ok = sorted(s for s in statuses if allowed[s])
    active = e.active.is_(True)
    good_status = e.status.in_(ok)
    recent = e.last_inspected_on > recent_limit if recent_limit is not None else None
    reasons: Counter[str] = Counter()

    def count_if(cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    names = list(listed)
    risk = func.coalesce(e.risk_class, "")
    key = case((risk.in_(names), risk), else_="*") if names else literal("*")
    # the size of the two texts below at most (every row in scope, its longest values)
    sizes = [func.count(), func.max(_bytes(conn, e.code)), func.max(_bytes(conn, key))]
    counts = [count_if(e.active.is_not(True)), count_if(and_(active, e.status.not_in(ok)))]
    if recent is not None:
        counts.append(count_if(and_(active, good_status, recent)))
    row = conn.execute(select(*sizes, *counts).where(base)).one()
    rows, longest = int(row[0]), max(int(row[1] or 0), int(row[2] or 0))
    if rows * (longest + 1) > MAX_TEXT:
        return None
    for name, n in zip(("invalid", "status", "recent"), row[3:], strict=False):
        if n:
            reasons[name] += int(n)
    row_ok = [base, active, good_status]
    if recent is not None:
        row_ok.append(or_(e.last_inspected_on.is_(None), e.last_inspected_on <= recent_limit))
    codes, keys, n = conn.execute(
        select(_agg(conn, e.code), _agg(conn, key), func.count()).where(*row_ok)
    ).one()
    code_blob, key_blob = _split(codes, int(n)), _split(keys, int(n))
    if code_blob is None or key_blob is None:
        return None
    del codes, keys
    outs = [*names, "*"] if star is not None else names
    parts, other = accel.partition(code_blob, key_blob, [x.encode("utf-8") for x in outs])
    del code_blob, key_blob
    if other:  # a risk class no stratum takes: the loop counts them per class
        return None
    blobs = dict.fromkeys(strata, b"")
    # the codes as bytes, as they came: one object per line, hashed once, no decoding
    judged = set(map(str.encode, verdict))
    earlier = set(map(str.encode, prev_codes))
    hits: set[bytes] = set()
    kept: set[bytes] = set()
    for name, part in zip(outs, parts, strict=True):
        lines = part.split(b"\n")
        lines.pop()  # after the last newline
        found = judged.intersection(lines)
        left = list(filterfalse(found.__contains__, lines)) if found else lines
        hits |= found
        kept |= earlier.intersection(left)
        sid = star if name == "*" else listed[name]
        assert sid is not None
        blobs[sid] += b"\n".join(left) + b"\n" if left else b""
    reasons.update(map(verdict.__getitem__, map(bytes.decode, hits)))
    return Classified(blobs, reasons, Counter(), set(map(bytes.decode, kept)))
