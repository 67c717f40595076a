"""Bulk import of a registry file.

Import is one streaming pass: rows are read, validated and compared with the database in
batches of ``BATCH`` keys (``SELECT key, row_hash ... WHERE key IN (...)``) and written with
the driver's ``executemany`` of the SQL SQLAlchemy compiled for the dialect (no ORM object
per row).  Validation has a generated fast path for ordinary rows (``validate.fast_for``); any
row it does not accept goes through ``validate_record``, the reference, and a test checks the
two agree.  Everything happens inside one
``AuditLog.transaction``: when any row is bad, every bad row is still collected, then
``InputError`` rolls the transaction back, so the database and the log stay as they were.
A row in the file replaces the whole record (columns absent from the file get their
defaults).  ``--replace`` marks active rows missing from the file inactive; nothing is deleted.

Memory does not grow with the file: the keys read so far (for the duplicate check and
``--replace``) are kept in a scratch SQLite file in the system's temporary folder
(``SeenKeys``; about 40 bytes of disk a row, deleted when the import ends, whatever the
outcome), rows are held one batch at a time, and at most ``MAX_REPORTED_ERRORS`` errors and
warnings are kept (the rest are counted).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import heapq
import itertools
import operator
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select, tuple_, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from randcheck.errors import CannotRunError, InputError, RowError
from randcheck.io.readers import Progress, RowReader
from randcheck.services.registry.digests import state_digests, with_row_hashes
from randcheck.services.registry.kinds import Slow
from randcheck.services.registry.specs import SILENT, RegistrySpec, spec_for
from randcheck.services.registry.tables import col, key_where
from randcheck.services.registry.validate import fast_for, row_tuple, validate_record
from randcheck.store.models import RegistryGeneration
from randcheck.workspace import Workspace

BATCH = 5000
#: the registry whose import logs the codes it changed (``codes``: added, updated,
#: deactivated); the others log counts only (an entity import may change 10M rows)
TRACKED = "items"
SQLITE_CACHE_KIB = 131_072  # page cache of the import connection on SQLite (128 MiB)
MAX_REPORTED_ERRORS = 100_000


@dataclass
class ImportResult:
    registry: str
    file: str
    sha256: str
    format: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    warnings: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # recognised, never stored
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)  # above the header
    header_row: int = 1
    dry_run: bool = False
    seq: int | None = None
    #: items imports only: {"added"|"updated"|"deactivated": sorted codes}
    codes: dict[str, list[str]] | None = None

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
        }


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _key_of(spec: RegistrySpec, record: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(record[k] for k in spec.key)


def _key_filter(spec: RegistrySpec, keys: Sequence[tuple[str, ...]]) -> ColumnElement[bool]:
    if len(spec.key) == 1:
        return col(spec, spec.key[0]).in_([k[0] for k in keys])
    return tuple_(*(col(spec, k) for k in spec.key)).in_(keys)


AFTER_EVERY_ROW = sys.maxsize  # where the last chunk settles, in the order errors are found
KEY_SEP = "\t"  # between the parts of a composite key (a normalised code never holds one)


class SeenKeys:
    """The keys an import has read so far, each with the row it was first read in (within its
    chunk) and the chunk's number, kept in a scratch SQLite file (deleted on ``close``) so that
    memory does not grow with the file: the duplicate check and ``--replace`` need every key
    of the file, and a Python dict of ten million keys alone took over a gigabyte.

    Keys are appended a chunk at a time to a table without an index (a sequential write);
    ``duplicates`` finds the keys read in more than one chunk with one sort at the end, and
    ``present`` indexes the table on its first call.  Both cost far less than keeping a
    B-tree of random keys up to date on every chunk (over a third of a first import's writes).
    """

    LOOKUP = 500  # keys per lookup query (under SQLite's bound-parameter limit)
    CACHE_KIB = 16_384

    def __init__(self) -> None:
        with self._failing():
            self._dir = tempfile.TemporaryDirectory(prefix="randcheck-import-")
            self._db = sqlite3.connect(Path(self._dir.name) / "keys.sqlite")
            self._setup()
        self._indexed = False

    @staticmethod
    @contextlib.contextmanager
    def _failing() -> Iterator[None]:
        """A full or unwritable temporary folder is a clear 'cannot run', not a traceback;
        the import's transaction is rolled back by the caller as for any other error."""
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            folder = tempfile.gettempdir()
            raise CannotRunError("registry.scratch_failed", path=folder, reason=str(exc)) from exc

    def _setup(self) -> None:
        for pragma in (
            "journal_mode=OFF",  # scratch: never recovered, deleted with the folder
            "synchronous=OFF",
            f"cache_size=-{self.CACHE_KIB}",
            "temp_store=FILE",
        ):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute(
            "CREATE TABLE seen (k TEXT NOT NULL, row INTEGER NOT NULL, part INTEGER NOT NULL)"
        )

    def add(self, chunk: Mapping[str, int], part: int) -> None:
        """Adds ``chunk`` (key -> row; its keys distinct), the ``part``-th chunk."""
        with self._failing():
            self._db.executemany(
                "INSERT INTO seen VALUES (?, ?, ?)", [(k, r, part) for k, r in chunk.items()]
            )

    def duplicates(self) -> Iterator[tuple[str, int, int, int]]:
        """``(key, row, part, first)`` for every key read in an earlier chunk too: the later
        reads, in row order, with the row where the key was first read."""
        with self._failing():
            self._db.execute(
                "CREATE TEMP TABLE twice AS SELECT k, MIN(row) AS first FROM seen"
                " GROUP BY k HAVING COUNT(*) > 1"
            )
            if self._db.execute("SELECT 1 FROM twice LIMIT 1").fetchone() is None:
                return  # the usual case: one sort of the keys, nothing else
            cursor = self._db.execute(
                "SELECT s.k, s.row, s.part, t.first FROM seen AS s JOIN twice AS t ON t.k = s.k"
                " WHERE s.row > t.first ORDER BY s.row"
            )
            while part := cursor.fetchmany(self.LOOKUP):
                yield from part

    def present(self, keys: Sequence[str]) -> set[str]:
        """Which of ``keys`` were read."""
        with self._failing():
            if not self._indexed:
                self._db.execute("CREATE INDEX seen_k ON seen (k)")
                self._indexed = True
            return {key for key, _row in self._rows(keys)}

    def _rows(self, keys: Sequence[str]) -> Iterator[tuple[str, int]]:
        for i in range(0, len(keys), self.LOOKUP):
            part = keys[i : i + self.LOOKUP]
            marks = ",".join("?" * len(part))
            yield from self._db.execute(f"SELECT k, row FROM seen WHERE k IN ({marks})", part)

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()


class _Importer:
    """Upserts row tuples ``(field values in schema order..., row_hash)`` in batches."""

    def __init__(self, conn: Connection, spec: RegistrySpec, write: bool) -> None:
        self.conn = conn
        self.spec = spec
        self.write = write
        self.empty = conn.execute(select(func.count()).select_from(spec.table)).scalar_one() == 0
        self.batch: list[tuple[Any, ...]] = []
        self.cols = [f.name for f in spec.fields] + ["row_hash"]
        self.index = {c: i for i, c in enumerate(self.cols)}
        self.key_idx = [self.index[k] for k in spec.key]
        #: a row's key: the value for a one-column key, else the tuple of values (in C)
        self.key: Callable[[tuple[Any, ...]], Any] = operator.itemgetter(*self.key_idx)
        self.hash_idx = self.index["row_hash"]
        self.active_idx = self.index["active"]
        self.update_stmt = (
            spec.table.update()
            .where(key_where(spec))
            .values({c: bindparam(f"v_{c}") for c in self.cols if c not in spec.key})
        )
        self.added = self.updated = self.unchanged = 0
        self.clashed = False  # an insert of a first import broke the unique key (flush)
        # the items registry is small: its import logs which codes it added, updated and
        # deactivated, so that the public item list can show each item's dated changes
        self.track = spec.name == TRACKED
        self.changed: dict[str, list[str]] = {"added": [], "updated": [], "deactivated": []}
        self.cache_size: int | None = None  # SQLite's page cache before the import's
        # Inserts go straight to the driver's executemany with the statement SQLAlchemy
        # compiled for this dialect, skipping Core's per-row parameter processing (the bulk
        # path's budget is a few microseconds a row).  Dates are ISO text here, which is what
        # SQLAlchemy's SQLite Date type stores and what PostgreSQL casts to DATE.
        if conn.dialect.name == "sqlite":
            # Random-order keys touch pages all over the primary-key B-tree; SQLite's 2 MiB
            # default page cache turns a million-row import into disk-bound work.  A larger
            # cache for this connection (memory bound of the bulk path: see bench/).
            self.cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
            conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        compiled = spec.table.insert().compile(dialect=conn.dialect)
        self.insert_sql = str(compiled)
        self.positional = bool(compiled.positional)
        order = list(compiled.positiontup or []) if compiled.positional else self.cols
        self.insert_idx = [self.index[c] for c in order]
        self.in_order = self.positional and self.insert_idx == list(range(len(self.cols)))

    def extend(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self.batch.extend(rows)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        spec = self.spec
        existing: dict[Any, tuple[str, bool]] = {}
        if not self.empty:
            keys = [(k,) if isinstance(k, str) else k for k in map(self.key, batch)]
            cols = [col(spec, k) for k in spec.key]
            stmt = select(*cols, col(spec, "row_hash"), col(spec, "active")).where(
                _key_filter(spec, keys)
            )
            nkey = len(spec.key)
            for r in self.conn.execute(stmt):
                existing[r[0] if nkey == 1 else tuple(r[:nkey])] = (r[-2], bool(r[-1]))
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        if self.empty:  # a first import: every row is new (the file's keys are distinct)
            inserts = batch
        else:
            for row in batch:
                old = existing.get(self.key(row))
                if old is None:
                    inserts.append(row)
                elif old[0] != row[self.hash_idx] or old[1] != row[self.active_idx]:
                    updates.append(row)
                else:
                    self.unchanged += 1
        self.added += len(inserts)
        self.updated += len(updates)
        if self.track:
            self.changed["added"].extend("/".join(_as_key(self.key(r))) for r in inserts)
            self.changed["updated"].extend("/".join(_as_key(self.key(r))) for r in updates)
        if not self.write:
            return
        if inserts:
            idx = self.insert_idx
            if self.in_order:
                params: Any = inserts
            elif self.positional:
                params = [tuple([row[i] for i in idx]) for row in inserts]
            else:
                params = [dict(zip(self.cols, row, strict=True)) for row in inserts]
            try:
                self.conn.exec_driver_sql(self.insert_sql, params)
            except IntegrityError:
                if not self.empty:
                    raise
                # A first import writes without looking (the file's keys are distinct, but a
                # key that an earlier chunk held too is found only at the end of the file, by
                # late_duplicates): a repeated key breaks the table's unique key here.  Stop
                # writing; the end of the import reports that row by its number, and the
                # caller's transaction, already failed on PostgreSQL, is rolled back.
                self.write = False
                self.clashed = True
                return
        if updates:
            self.conn.execute(
                self.update_stmt,
                [
                    {
                        **{f"k_{k}": row[self.index[k]] for k in spec.key},
                        **{
                            f"v_{c}": _db_value(row[i])
                            for c, i in self.index.items()
                            if c not in spec.key
                        },
                    }
                    for row in updates
                ],
            )

    def deactivate_missing(self, seen: SeenKeys) -> int:
        """Marks active rows whose key the file did not hold inactive; returns how many."""
        spec = self.spec
        cols = [col(spec, k) for k in spec.key]
        missing: list[tuple[str, ...]] = []  # only these are held: not every active key
        active = self.conn.execute(
            select(*cols)
            .where(col(spec, "active").is_(True))
            .execution_options(yield_per=SeenKeys.LOOKUP)
        )
        for rows in active.partitions():
            part = [tuple(r) for r in rows]
            there = seen.present([KEY_SEP.join(k) for k in part])
            missing.extend(k for k in part if KEY_SEP.join(k) not in there)
        if self.track:
            self.changed["deactivated"].extend("/".join(k) for k in missing)
        if self.write:
            stmt = spec.table.update().where(key_where(spec)).values(active=False)
            for i in range(0, len(missing), BATCH):
                part = missing[i : i + BATCH]
                self.conn.execute(
                    stmt, [{f"k_{k}": key[j] for j, k in enumerate(spec.key)} for key in part]
                )
        return len(missing)


def _as_key(key: Any) -> tuple[str, ...]:
    return (key,) if isinstance(key, str) else tuple(key)


def _db_value(value: Any) -> Any:
    """A row-tuple value for a Core statement: ISO date text back to ``date``."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _run_import(
    conn: Connection,
    spec: RegistrySpec,
    reader: RowReader,
    result: ImportResult,
    replace: bool,
    write: bool,
) -> None:
    importer = _Importer(conn, spec, write)
    fast = fast_for(spec, reader.column_names)  # the file's columns: see fast_for
    key_of = importer.key
    seen = SeenKeys()
    chunk: dict[str, int] = {}  # key text -> row, of the rows since the last settle
    waiting: list[tuple[Any, ...]] = []  # their row tuples, to be hashed and written
    errors: list[RowError] = []
    error_count = 0
    names: dict[str, str] = {}
    file = reader.path.name
    name = spec.name
    rows = 0

    def duplicate(line: int, key: str, first: int) -> RowError:
        column = names.get(spec.key[-1], spec.key[-1])
        shown = key.replace(KEY_SEP, "/")
        return RowError(file, line, column, shown, "registry.duplicate_key", {"first": first})

    settled: list[int] = []  # per chunk: the row read last before it was settled

    def settle(last: int) -> None:
        """Adds the chunk's keys to ``seen`` (keys read in an earlier chunk too are found at
        the end, by ``late_duplicates``); writes its rows (when no row was bad so far)."""
        if not chunk:
            return
        seen.add(chunk, len(settled))
        settled.append(last)
        if not error_count:
            importer.extend(with_row_hashes(name, waiting))
        chunk.clear()
        waiting.clear()

    def late_duplicates() -> int:
        """Adds to ``errors`` the keys read in an earlier chunk too; returns how many.

        ``errors`` holds the first ``MAX_REPORTED_ERRORS`` in the order they were found, and
        these belong where checking each chunk against the earlier ones as it settled would
        have found them: after the errors of the rows read up to that chunk's settling, in
        row order.  So the kept errors are the same whichever way the keys are checked."""
        found: list[tuple[tuple[int, int, int], RowError]] = []
        count = 0
        for key, line, part, first in seen.duplicates():
            count += 1
            if len(found) < MAX_REPORTED_ERRORS:
                if not names:
                    names.update(reader.column_names)
                found.append(((settled[part], 1, line), duplicate(line, key, first)))
        if count:
            merged = heapq.merge(
                [((e.row, 0, 0), e) for e in errors], found, key=operator.itemgetter(0)
            )
            errors[:] = [e for _at, e in itertools.islice(merged, MAX_REPORTED_ERRORS)]
        return count

    gc_was_enabled = gc.isenabled()
    gc.disable()  # the bulk path makes no reference cycles
    try:
        for src in reader:
            rows += 1
            row_errors = src.errors
            row: tuple[Any, ...] | None = None
            if not row_errors:
                try:
                    row = fast(src.values)
                except (Slow, ValueError):
                    row = None
            if row is None and (src.values or not row_errors):  # {}: an unreadable line
                if not names:
                    names = dict(reader.column_names)
                checked = validate_record(spec, src.values, file, src.row, names)
                if row_errors:  # one error per cell: what the reader found comes first
                    told = {e.column for e in row_errors}
                    row_errors = row_errors + [e for e in checked.errors if e.column not in told]
                else:
                    row_errors = checked.errors
                room = max(0, MAX_REPORTED_ERRORS - len(result.warnings))
                result.warnings.extend(checked.warnings[:room])
                if checked.record is not None and not row_errors:
                    row = row_tuple(spec, checked.record)
            if row is not None and not row_errors:
                key = key_of(row)
                text_key = key if isinstance(key, str) else KEY_SEP.join(key)
                first = chunk.get(text_key)
                if first is None:
                    chunk[text_key] = src.row
                    if not error_count:
                        waiting.append(row)
                    if len(chunk) >= BATCH:
                        settle(src.row)
                    continue
                if not names:
                    names = dict(reader.column_names)
                row_errors = [duplicate(src.row, text_key, first)]
            error_count += len(row_errors)
            errors.extend(row_errors[: max(MAX_REPORTED_ERRORS - len(errors), 0)])
        settle(AFTER_EVERY_ROW)
        error_count += late_duplicates()
        result.rows = rows
        if error_count:
            errors.sort(key=lambda e: e.row)  # a duplicate is found at the end
            raise InputError("registry.bad_rows", rows=errors, file=file, count=error_count)
        importer.flush()
        if importer.clashed:  # not a repeated key of the file (late_duplicates found none)
            raise CannotRunError("registry.changed_meanwhile", table=spec.table.name)
        result.added, result.updated, result.unchanged = (
            importer.added,
            importer.updated,
            importer.unchanged,
        )
        if replace:
            result.deactivated = importer.deactivate_missing(seen)
        if importer.track:
            result.codes = {
                k: sorted(v, key=lambda c: c.encode("utf-8")) for k, v in importer.changed.items()
            }
    finally:
        seen.close()
        if importer.cache_size is not None:  # give back the bulk path's page cache
            conn.exec_driver_sql(f"PRAGMA cache_size={int(importer.cache_size)}")
        if gc_was_enabled:
            gc.enable()


@contextlib.contextmanager
def _counted_once(conn: Connection, registry: str) -> Iterator[None]:
    """The entity table's change counter bumped once for this whole transaction; on SQLite
    its per-row triggers (migration registries_0002) are set aside meanwhile and put back,
    as they were, before the commit.  SQLite's DDL is transactional: no other connection
    ever sees the table without them, and an error rolls the whole transaction back, the
    triggers' absence with it.  A trigger per row cost 1.9x the import of 10 million rows; a
    condition per row, 8 %.  PostgreSQL's trigger runs once per statement: it stays."""
    if registry != "entities":
        yield
        return
    state = RegistryGeneration.__table__  # type: ignore[attr-defined]
    conn.execute(
        update(state).where(state.c.name == "entity").values(generation=state.c.generation + 1)
    )
    kept: list[tuple[str, str]] = []
    if conn.dialect.name == "sqlite":
        kept = [
            (str(name), str(sql))
            for name, sql in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'entity' ORDER BY name"
            )
        ]
        for name, _sql in kept:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in kept:
        conn.exec_driver_sql(sql)


def import_file(
    engine: Engine,
    workspace: Workspace,
    registry: str,
    path: Path,
    *,
    actor: str,
    mapping: Mapping[str, str] | None = None,
    replace: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Import ``path`` into ``registry`` (upsert by key), all-or-nothing with one audit entry.

    Raises ``InputError`` (with every bad row) and changes nothing if any row is bad.
    """
    from randcheck.services.audit import AuditLog

    spec = spec_for(registry)
    reader = RowReader(
        Path(path),
        spec.aliases(),
        [list(g) for g in spec.required_columns],
        mapping,
        progress,
        keep_breaks=[f.name for f in spec.fields if f.kind == "list"],
        ignored=spec.ignored,
        silent=SILENT,
    )
    result = ImportResult(
        registry=spec.name,
        file=reader.path.name,
        sha256=file_sha256(reader.path),
        format=reader.format,
        unknown_columns=list(reader.unknown_columns),
        ignored_columns=list(reader.ignored_columns),
        skipped_rows=list(reader.skipped_rows),
        header_row=reader.header_row,
        dry_run=dry_run,
    )
    if dry_run:
        with engine.connect() as conn:
            try:
                _run_import(conn, spec, reader, result, replace, write=False)
            finally:
                conn.rollback()
        return result
    with AuditLog(workspace, engine).transaction(actor, now) as tx:
        conn = tx.session.connection()
        with _counted_once(conn, spec.name):
            _run_import(conn, spec, reader, result, replace, write=True)
        payload: dict[str, Any] = {
            "registry": spec.name,
            "file": result.file,
            "sha256": result.sha256,
            "format": result.format,
            "replace": replace,
            "counts": result.counts(),
            "warnings": len(result.warnings),
            "state": state_digests(conn, recompute=False),
        }
        if result.codes is not None:
            payload["codes"] = result.codes
        result.seq = tx.record(f"{spec.name}.import", payload)
    return result
