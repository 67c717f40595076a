"""Derived data kept in the database in parts, tagged with the change counter it was read at.

The pool index (``services.poolindex``, tagged with the registry's counter) and the history
index (``services.results.historyindex``, the history's counter) are each a few texts of up
to a few hundred MB.  They are stored as a manifest (part 0: JSON with the format, the
counter and the size of each text) and each text in parts of at most ``PART_BYTES`` (rows of
their own, in order), so that a text that fits in one part is read back as the very value
the driver returns, with no copy to join it (about 0.1 s per 100 MB), and no value nears what
a database allows one (SQLite 1,000,000,000 bytes, PostgreSQL 1 GB).  A reader takes the texts
only when every part carries the counter the caller gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from randcheck.store.aside import write_aside
from randcheck.store.raw import raw_rows

T = TypeVar("T")

PART_BYTES = 256 * 1024 * 1024


def _count(size: int) -> int:
    return -(-size // PART_BYTES)


def store_parts(
    conn: Connection, table: Table, generation: int, manifest: dict[str, Any], texts: list[bytes]
) -> None:
    """Replace what ``table`` holds with ``manifest`` and ``texts``, at ``generation``; in the
    caller's transaction."""
    conn.execute(delete(table))
    head = {**manifest, "generation": generation, "sizes": [len(t) for t in texts],
            "part_bytes": PART_BYTES}  # fmt: skip
    data = json.dumps(head, ensure_ascii=False).encode("utf-8")
    conn.execute(insert(table), {"part": 0, "generation": generation, "data": data})
    n = 0
    for text in texts:
        for at in range(0, len(text), PART_BYTES):  # one part's copy at a time
            n += 1
            chunk = text if len(text) <= PART_BYTES else text[at : at + PART_BYTES]
            conn.execute(insert(table), {"part": n, "generation": generation, "data": chunk})


def load_parts(
    conn: Connection, table: Table, generation: int, fmt: str
) -> tuple[dict[str, Any], list[bytes]] | None:
    """The manifest and the texts kept at ``generation`` in format ``fmt``, else None
    (nothing kept, or kept at another counter, in another format or layout)."""
    c = table.c
    head = conn.execute(select(c.generation, c.data).where(c.part == 0)).one_or_none()
    if head is None or int(head[0]) != generation:
        return None
    meta = json.loads(bytes(head[1]).decode("utf-8"))
    sizes = meta.get("sizes")
    if not _readable(meta, fmt) or meta.get("generation") != generation:
        return None
    if not isinstance(sizes, list):
        return None
    query = select(c.generation, c.data).where(c.part > 0).order_by(c.part)
    rows = list(raw_rows(conn, query, binary=True))
    if any(int(r[0]) != generation for r in rows) or len(rows) != sum(map(_count, sizes)):
        return None
    texts: list[bytes] = []
    at = 0
    for size in sizes:
        n = _count(size)
        parts = [r[1] if isinstance(r[1], bytes) else bytes(r[1]) for r in rows[at : at + n]]
        at += n
        text = parts[0] if len(parts) == 1 else b"".join(parts)
        if len(text) != size:
            return None
        texts.append(text)
    return meta, texts


def kept_at(conn: Connection, table: Table, fmt: str) -> int | None:
    """The counter the kept data in format ``fmt`` was read at, or None."""
    c = table.c
    head = conn.execute(select(c.generation, c.data).where(c.part == 0)).one_or_none()
    if head is None or not _readable(json.loads(bytes(head[1]).decode("utf-8")), fmt):
        return None
    return int(head[0])


def _readable(meta: dict[str, Any], fmt: str) -> bool:
    """Whether a manifest is of format ``fmt`` in this code's layout (its part size)."""
    return meta.get("format") == fmt and meta.get("part_bytes") == PART_BYTES


class KeptIndex(Generic[T]):
    """One kind of derived index kept in ``parts``, tagged with the counter in row ``name``
    of ``counter`` (a table of ``name``, ``generation``), which triggers move on every write
    to the tables the index is read from.  ``build`` reads it from those tables (None where
    it cannot be exact); ``pack`` gives its counter, manifest and texts, ``unpack`` takes
    them back (None when they are not what it expects)."""

    def __init__(
        self,
        parts: Table,
        counter: Table,
        name: str,
        fmt: str,
        build: Callable[[Connection], T | None],
        pack: Callable[[T], tuple[int, dict[str, Any], list[bytes]]],
        unpack: Callable[[int, dict[str, Any], list[bytes]], T | None],
    ) -> None:
        self.parts, self.counter, self.name, self.fmt = parts, counter, name, fmt
        self._build, self._pack, self._unpack = build, pack, unpack

    def generation(self, conn: Connection) -> int | None:
        c = self.counter.c
        value = conn.execute(select(c.generation).where(c.name == self.name)).scalar()
        return None if value is None else int(value)

    def store(self, engine: Engine, index: T) -> bool:
        """Keep ``index`` in a transaction of its own (``store.aside``), only if the counter
        is still at its generation (else nothing is written); False when it was not kept."""
        return self._keep(engine, lambda: self._pack(index))

    def _decline(self, engine: Engine, generation: int) -> bool:
        """Keep a note that the tables at ``generation`` cannot be indexed exactly, so that
        the readers after do not build again in vain (until the next write moves the
        counter)."""
        return self._keep(engine, lambda: (generation, {"declined": True}, []))

    def _keep(
        self, engine: Engine, pack: Callable[[], tuple[int, dict[str, Any], list[bytes]]]
    ) -> bool:
        c = self.counter.c

        def work(conn: Connection) -> bool:
            generation, manifest, texts = pack()
            # a write that takes the counter's row lock first: a writer of the tables waits
            # for it (or it for them), so the check stays true until the commit
            touched = conn.execute(
                update(self.counter)
                .where(c.name == self.name, c.generation == generation)
                .values(generation=c.generation)
            ).rowcount
            if touched != 1:
                return False
            store_parts(conn, self.parts, generation, {"format": self.fmt, **manifest}, texts)
            return True

        return write_aside(engine, work)

    def _kept(self, conn: Connection) -> tuple[int | None, dict[str, Any] | None, list[bytes]]:
        """The counter, and the manifest and texts kept at it (None when nothing is)."""
        now = self.generation(conn)
        got = None if now is None else load_parts(conn, self.parts, now, self.fmt)
        return (now, None, []) if got is None else (now, *got)

    def load(self, conn: Connection) -> T | None:
        """The kept index if it was read at the current counter, else None."""
        now, meta, texts = self._kept(conn)
        if now is None or meta is None or meta.get("declined"):
            return None
        return self._unpack(now, meta, texts)

    def is_current(self, conn: Connection) -> bool:
        """Whether the kept index was read at the current counter (in this layout)."""
        now = self.generation(conn)
        return now is not None and kept_at(conn, self.parts, self.fmt) == now

    def current(self, conn: Connection, engine: Engine | None = None) -> T | None:
        """The index for the tables as ``conn`` sees them: loaded, or built (and kept
        through ``engine`` when given); None where it cannot be exact, and then, the tables
        unchanged, not built again."""
        now, meta, texts = self._kept(conn)
        if now is not None and meta is not None:
            if meta.get("declined"):
                return None
            index = self._unpack(now, meta, texts)
            if index is not None:
                return index
        index = self._build(conn)
        if engine is not None and index is not None:
            self.store(engine, index)
        elif engine is not None and now is not None:
            self._decline(engine, now)
        return index

    def refresh(self, engine: Engine) -> T | None:
        """Build and keep the index unless the kept one is current (after an import); the
        index built, or None.  Never raises for the database: an index not kept is built by
        the next reader."""
        try:
            with engine.connect() as conn:
                if self.is_current(conn):
                    return None
                now = self.generation(conn)  # before the build: a note of this counter
                index = self._build(conn)
        except SQLAlchemyError:
            return None
        if index is not None:
            self.store(engine, index)
        elif now is not None:
            self._decline(engine, now)
        return index
