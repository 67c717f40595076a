"""Inspection history: results entered in randcheck plus inspections done outside it
(``history import``, in ``historyimport``: other departments, 个案/专项 checks, earlier
systems), and the per-entity facts the next announcement's exclusion rules and rotation read
from it (row by row here; kept sorted in ``historyindex``).

What an announcement used is frozen in it: the exclusion counts and the rotation pairs are
part of the signed announcement and roster, and the ``task.announce`` log entry holds the
digest of the history inputs (:attr:`HistoryInputs.digest`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import itemgetter, sub
from typing import Any

from sqlalchemy import LargeBinary, and_, cast, func, literal, select, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from randcheck.services.registry import split_list
from randcheck.services.results import historyindex
from randcheck.store.aside import write_aside
from randcheck.store.raw import raw_rows
from randcheck.store.result_models import HistoryRow, HistoryState, ResultRow


def keep_for_announcements(engine: Engine) -> None:
    """After a write to the history or the results (``history import``, ``results import``),
    their own transaction committed: keep the history digest and the history index, so that
    the next announcement finds both ready.  Never raises for the database: what could not
    be kept is computed by the next reader."""
    keep_digest(engine)
    historyindex.refresh(engine)


def keep_digest(engine: Engine) -> str | None:
    """Compute and keep the history digest unless the kept one is current (after a write to
    the history or the results); the digest, or None where it could not be computed so."""
    try:
        with engine.connect() as conn:
            at = _state(conn)
            if at is None or at[1] is not None:
                return None if at is None else at[1]
            digest = _content_digest(conn, whole=False)
    except SQLAlchemyError:  # after the caller's commit: an announcement computes it again
        return None
    if digest is not None:
        _remember(engine, at[0], digest)
    return digest


# -- what the next announcement reads ---------------------------------------------------------


class Inspections:
    """The inspectors of every inspection with inspectors (rotation): ``codes[i]`` was
    inspected by the stored ``|b1|b2|`` text ``texts[i]``, one line per history or result
    row, in no particular order.  Kept as two lists rather than 2 million tuples; the pairs are
    split only for the codes a pool keeps (:meth:`pairs_of`)."""

    __slots__ = ("codes", "texts")

    def __init__(self, codes: list[str] | None = None, texts: list[str] | None = None) -> None:
        self.codes: list[str] = codes if codes is not None else []
        self.texts: list[str] = texts if texts is not None else []

    def rows(self) -> list[tuple[str, str]]:
        """(code, ``|b1|b2|``) per inspection."""
        return list(zip(self.codes, self.texts, strict=True))

    def pairs_of(self, kept: Collection[str]) -> set[tuple[str, str]]:
        """:func:`pairs_of_reference` of :meth:`rows`, in bulk: the rows of the ``kept`` codes
        picked in C (``compress``), their texts joined and split once when every one has the
        usual form ``|b1|...|bn|`` (n >= 1, no empty badge); any other text sends the picked
        rows to the reference loop (same result, one step per row)."""
        mask = list(map(kept.__contains__, self.codes))
        codes = list(compress(self.codes, mask))
        texts = list(compress(self.texts, mask))
        if not codes:
            return set()
        joined = "\n".join(texts)
        # the usual form: each line starts and ends with "|", holds no "||" and is not "|"
        # alone, and holds no newline (a result's text is read as it is stored)
        framed = f"\n{joined}\n"
        n = len(texts)
        if (
            joined.count("\n") != n - 1
            or framed.count("\n|") != n
            or framed.count("|\n") != n
            or "||" in joined
            or "\n|\n" in framed
        ):
            return pairs_of_reference(list(zip(codes, texts, strict=True)), kept)
        badges = joined.replace("|\n|", "|")[1:-1].split("|")
        if len(badges) == n:  # one badge each, the common case
            return set(zip(codes, badges, strict=True))
        per_row = map(sub, map(str.count, texts, repeat("|")), repeat(1))
        return set(zip(chain.from_iterable(map(repeat, codes, per_row)), badges, strict=True))


def pairs_of_reference(rows: list[tuple[str, str]], kept: Collection[str]) -> set[tuple[str, str]]:
    """(code, badge) for each badge of the stored ``|b1|b2|`` rows of the ``kept`` codes
    (``split_list``'s parts: the non-empty ones); the reference of
    :meth:`Inspections.pairs_of` (it was ``eligible._pairs_of``)."""
    out: set[tuple[str, str]] = set()
    add = out.update
    for code, badges in compress(rows, map(kept.__contains__, map(itemgetter(0), rows))):
        add(zip(repeat(code), filter(None, badges.split("|"))))
    return out


@dataclass
class HistoryInputs:
    """Per-entity facts from the inspection history (results and imported inspections)."""

    last: dict[str, str] = field(default_factory=dict)  # latest inspection date (ISO text)
    per_year: Counter[str] = field(default_factory=Counter)  # inspections this year (outside draws)
    item_pairs: set[tuple[str, str]] = field(default_factory=set)  # random, this year
    # the inspectors of every inspection with inspectors, all years (only with rotation)
    rotation: Inspections = field(default_factory=Inspections)
    digest: str = ""

    @property
    def inspectors(self) -> list[tuple[str, str]]:
        """(code, ``|b1|b2|``) of every inspection with inspectors, as stored."""
        return self.rotation.rows()

    @property
    def previous(self) -> set[tuple[str, str]]:
        """(code, badge) of every inspection's inspectors."""
        return {(code, b) for code, badges in self.inspectors for b in split_list(badges)}


def inputs_reference(
    conn: Connection,
    year: str,
    *,
    random_only: bool,
    items: Collection[str] = (),
    rotation: bool = True,
    last_after: str | None = "",
) -> HistoryInputs:
    """:func:`inputs` one row at a time where the rows are many: the reference it is tested
    equal to (the implementation before issue #9's speed work)."""
    out = HistoryInputs()
    h = HistoryRow.__table__.c  # type: ignore[attr-defined]
    r = ResultRow.__table__.c  # type: ignore[attr-defined]
    if last_after is not None:
        # imported history first (the big one: a dict straight from the rows), then results;
        # an entity's latest date after last_after is its latest date among those after it
        last = out.last = dict(
            raw_rows(
                conn,
                select(h.entity_code, func.max(h.inspected_on))
                .where(h.inspected_on > last_after)
                .group_by(h.entity_code),
            )
        )
        _latest_results(conn, last, last_after)
    first, final = f"{year}-01-01", f"{year}-12-31"
    in_year = and_(h.inspected_on >= first, h.inspected_on <= final)
    events = select(h.entity_code, h.inspected_on, h.department, h.ref).where(in_year)
    if random_only:
        events = events.where(h.is_random.is_(True))
    sub = events.distinct().subquery()
    per = select(sub.c.entity_code, func.count()).group_by(sub.c.entity_code)
    out.per_year.update(dict(raw_rows(conn, per)))
    if items:
        pairs = (
            select(h.entity_code, h.item_code)
            .where(in_year, h.is_random.is_(True), h.item_code.in_(sorted(items)))
            .distinct()
        )
        out.item_pairs = set(raw_rows(conn, pairs))
    if rotation:
        for cols in (h, r):
            q = select(cols.entity_code, cols.inspectors).where(cols.inspectors != "")
            for code, text in raw_rows(conn, q):
                out.rotation.codes.append(code)
                out.rotation.texts.append(text)
    hasher = hashlib.sha256(DIGEST_TAG)
    for cols in (h, r):
        contents = raw_rows(conn, select(cols.content).order_by(cols.content))
        hasher.update("".join(c for (c,) in contents).encode("ascii"))
        hasher.update(b"\n")
    out.digest = hasher.hexdigest()
    return out


DIGEST_TAG = b"randcheck/history-inputs/v1\n"

#: the most history rows read as one aggregated text per column (``inputs``): 10 million
#: 18-character codes are 190 MB, well under the 1,000,000,000 bytes SQLite allows a value
#: (PostgreSQL 1 GB); a bigger history is read row by row (``inputs_reference``)
MAX_ROWS = 10_000_000
#: content digests hashed per aggregated text (256 MB of 64-character digests)
DIGEST_CHUNK = 4_000_000


def inputs(
    conn: Connection,
    year: str,
    *,
    random_only: bool,
    items: Collection[str] = (),
    rotation: bool = True,
    last_after: str | None = "",
) -> HistoryInputs:
    """Read the history once, aggregated in SQL where it can be.

    ``last`` holds the latest inspection date of each entity inspected after ``last_after``
    (ISO text; ``""``: every entity, ``None``: none are read) -- the dates of the others are
    not needed to tell whether they are recent.  ``per_year`` counts the inspections of this
    Beijing year recorded in ``history import`` (random and not, or random only), one per
    distinct (date, department, ref); inspections of randcheck's own tasks are counted from
    their records by the caller.  ``item_pairs`` are this year's random inspections of
    ``items``; ``rotation`` (only with ``rotation``) the inspectors of every inspection,
    as stored (``previous`` and ``rotation.pairs_of`` split them).  ``digest`` identifies the
    history read: SHA-256 over the sorted content digests of every history and result row.

    The history table's many rows cross into Python as one text per column
    (``group_concat`` / ``string_agg``, lines split once in C) rather than one tuple per row,
    its year and recent rows found by the index ``inspection_history_day`` (results_0003);
    :func:`inputs_reference` is the row-by-row reference, tested equal on SQLite and
    PostgreSQL.  Anything the texts could not carry exactly (a value holding a newline, a
    history over ``MAX_ROWS``, another database) is read by the reference instead.
    """
    args: dict[str, Any] = {"random_only": random_only, "items": items, "rotation": rotation,
                            "last_after": last_after}  # fmt: skip
    h = HistoryRow.__table__.c  # type: ignore[attr-defined]
    r = ResultRow.__table__.c  # type: ignore[attr-defined]
    dialect = conn.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return inputs_reference(conn, year, **args)
    # ids are distinct integers: at most this many rows (min and max apart: each an index seek)
    high = conn.execute(select(func.max(h.id))).scalar()
    rows = 0 if high is None else high - conn.execute(select(func.min(h.id))).scalar() + 1
    if rows > MAX_ROWS:
        return inputs_reference(conn, year, **args)
    out = HistoryInputs()
    if last_after is not None:
        # rows after last_after by date: the dict keeps an entity's last line, its latest date
        recent = h.inspected_on > last_after
        got = _lines(conn, [h.entity_code, h.inspected_on], recent, order=[h.inspected_on],
                     tie=[h.id])  # fmt: skip
        if got is None:
            return inputs_reference(conn, year, **args)
        out.last = dict(zip(*got, strict=True))
        _latest_results(conn, out.last, last_after)
    first, final = f"{year}-01-01", f"{year}-12-31"
    in_year = and_(h.inspected_on >= first, h.inspected_on <= final)
    # one line per distinct (date, entity, department, ref) of the year: its entity
    events = [in_year, h.is_random.is_(True)] if random_only else [in_year]
    keys = [h.inspected_on, h.entity_code, h.department, h.ref]
    got = _lines(conn, [h.entity_code], *events, group=keys)
    if got is None:
        return inputs_reference(conn, year, **args)
    out.per_year = Counter(got[0])
    if items:
        cond = [in_year, h.is_random.is_(True), h.item_code.in_(sorted(items))]
        got = _lines(conn, [h.entity_code, h.item_code], *cond, tie=[h.id])
        if got is None:
            return inputs_reference(conn, year, **args)
        out.item_pairs = set(zip(*got, strict=True))
    if rotation:
        got = _lines(conn, [h.entity_code, h.inspectors], h.inspectors != "", tie=[h.id])
        if got is None:
            return inputs_reference(conn, year, **args)
        out.rotation = Inspections(*got)
        for code, text in raw_rows(
            conn, select(r.entity_code, r.inspectors).where(r.inspectors != "")
        ):
            out.rotation.codes.append(code)
            out.rotation.texts.append(text)
    digest = current_digest(conn, rows)
    if digest is None:
        return inputs_reference(conn, year, **args)
    out.digest = digest
    return out


def current_digest(conn: Connection, rows: int | None = None) -> str | None:
    """:attr:`HistoryInputs.digest` of the history as ``conn`` sees it: the one kept at the
    current counter, or computed (and kept); None where only :func:`inputs_reference` can
    compute it (a content that is not ASCII).  ``rows``: at most as many history rows, when
    the caller knows (else they are counted)."""
    at = _state(conn)
    if at is not None and at[1] is not None:
        return at[1]
    if rows is None:
        h = HistoryRow.__table__.c  # type: ignore[attr-defined]
        rows = int(conn.execute(select(func.count(h.id))).scalar() or 0)
    digest = _content_digest(conn, whole=rows <= DIGEST_CHUNK)
    if digest is not None and at is not None:
        _remember(conn.engine, at[0], digest)
    return digest


def generation(conn: Connection) -> int | None:
    """The history's change counter (moved by every write to the history and the results)."""
    at = _state(conn)
    return None if at is None else at[0]


def _state(conn: Connection) -> tuple[int, str | None] | None:
    """The history's change counter and the digest cached at that counter (or None)."""
    s = HistoryState.__table__.c  # type: ignore[attr-defined]
    row = conn.execute(
        select(s.generation, s.digest_at, s.digest).where(s.name == "history")
    ).one_or_none()
    if row is None:
        return None
    generation, digest_at, digest = int(row[0]), row[1], str(row[2])
    return generation, (digest if digest_at == generation and digest else None)


def _remember(engine: Engine, generation: int, digest: str) -> bool:
    """Keep ``digest`` for the next announcement, if the history is still at ``generation``
    (the counter moved: a write came between, and the digest may not be of what it left)."""
    s = HistoryState.__table__  # type: ignore[attr-defined]

    def work(conn: Connection) -> bool:
        done = conn.execute(
            update(s)
            .where(s.c.name == "history", s.c.generation == generation)
            .values(digest=digest, digest_at=generation)
        ).rowcount
        return bool(done == 1)

    return write_aside(engine, work)


def _latest_results(conn: Connection, last: dict[str, str], after: str) -> None:
    """Results completed after ``after`` into ``last`` where later than what it holds."""
    r = ResultRow.__table__.c  # type: ignore[attr-defined]
    mine = (
        select(r.entity_code, func.max(r.completed_on))
        .where(r.completed_on > after)
        .group_by(r.entity_code)
    )
    for code, day in raw_rows(conn, mine):
        if day > last.get(code, ""):
            last[code] = day


def _lines(
    conn: Connection,
    columns: list[Any],
    *where: Any,
    order: Sequence[Any] = (),
    tie: Sequence[Any] = (),
    group: Sequence[Any] = (),
) -> list[list[str]] | None:
    """The history rows ``where`` (grouped by ``group``), each of ``columns`` as one list of
    values, all in the same row order (by ``group`` or ``order``); read as one newline-joined
    text per column.  None when a value holds a newline (the lines would not be the rows)."""
    h = HistoryRow.__table__  # type: ignore[attr-defined]
    by = list(group or order)
    if conn.dialect.name == "postgresql":
        # string_agg orders each column on its own: by a unique key (``tie`` breaks the ties
        # of ``order``; grouped rows are unique by ``group``), the same order for every column
        if group:
            keyed = select(*columns, *[c.label(f"k{i}") for i, c in enumerate(by)])
            grouped = keyed.where(*where).group_by(*group).subquery()
            cols = [grouped.c[c.name] for c in columns]
            by = [grouped.c[f"k{i}"] for i in range(len(group))]
            base = select().select_from(grouped)
        else:
            cols, by = list(columns), [*by, *tie]
            base = select().select_from(h).where(*where)
        nl = literal("\n")
        aggs = [func.string_agg(c, aggregate_order_by(nl, *by)) for c in cols]
        q = base.add_columns(*aggs, func.count())
    else:
        # SQLite: every column is aggregated from the same row sequence, a subquery's (in its
        # ORDER BY, as the project's other ordered aggregates)
        rows = select(*columns).where(*where)
        if group:
            rows = rows.group_by(*group)
        sub = rows.order_by(*by).subquery()
        q = select(*[func.group_concat(sub.c[c.name], "\n") for c in columns], func.count())
    *texts, n = conn.execute(q).one()
    if not n:
        return [[] for _ in columns]
    out = []
    for text in texts:
        lines = text.split("\n")
        if len(lines) != n:
            return None
        out.append(lines)
    return out


def _content_digest(conn: Connection, whole: bool) -> str | None:
    """:attr:`HistoryInputs.digest`: the contents in the order of the reference's ``ORDER BY
    content`` (the unique index on it), one text per table when ``whole`` (the history has at
    most ``DIGEST_CHUNK`` rows), else per chunk of as many; None when a content is not ASCII
    (the reference then raises its error)."""
    hasher = hashlib.sha256(DIGEST_TAG)
    pg = conn.dialect.name == "postgresql"
    for table in (HistoryRow.__table__, ResultRow.__table__):  # type: ignore[attr-defined]
        content = table.c.content
        after: str | None = None
        while True:
            sub = select(content).order_by(content)
            if not whole:
                sub = sub.limit(DIGEST_CHUNK)
            if after is not None:
                sub = sub.where(content > after)
            part = sub.subquery().c.content
            if pg:
                text: Any = func.string_agg(part, aggregate_order_by(literal(""), part))
            else:  # the UTF-8 bytes as stored, not decoded and encoded again
                text = cast(func.group_concat(part, ""), LargeBinary)
            q = select(text, func.count())
            joined, n, *rest = conn.execute(q if whole else q.add_columns(func.max(part))).one()
            if n:
                data = joined.encode("utf-8") if pg else bytes(joined)
                if not data.isascii():
                    return None
                hasher.update(data)
            if whole or n < DIGEST_CHUNK:
                break
            after = rest[0]
        hasher.update(b"\n")
    return hasher.hexdigest()


def entity_history(engine: Engine, code: str) -> list[dict[str, Any]]:
    """Every inspection of one entity, newest first (``entities show``)."""
    with Session(engine) as s:
        mine = s.exec(sm_select(ResultRow).where(col(ResultRow.entity_code) == code)).all()
        other = s.exec(sm_select(HistoryRow).where(col(HistoryRow.entity_code) == code)).all()
    out: list[dict[str, Any]] = [
        {
            "date": r.completed_on,
            "task": r.task_id,
            "item": r.item_code,
            "inspectors": split_list(r.inspectors),
            "result": "、".join(split_list(r.terms)),
            "source": "randcheck",
            "random": True,
        }
        for r in mine
    ]
    out.extend(
        {
            "date": x.inspected_on,
            "task": x.ref,
            "item": x.item_code,
            "inspectors": split_list(x.inspectors),
            "result": x.result,
            "source": x.source,
            "random": x.is_random,
        }
        for x in other
    )
    out.sort(key=lambda e: (e["date"], e["task"], e["item"]), reverse=True)
    return out
