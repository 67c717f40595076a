"""The audit log: database rows first, then a JSONL mirror of canonical lines.

Every change is recorded as an *entry*::

    {"seq": int (0-based), "kind": "<area>.<event>", "actor": str,
     "time": "YYYY-MM-DDTHH:MM:SSZ" (UTC), "payload": {...}}

An entry's canonical RFC 8785 bytes are an RFC 6962 leaf (leaf hash SHA-256(0x00 || bytes)).

Write order (fixed, so a crash at any point is recoverable):

1. the caller's changes and the new ``audit_entry`` rows go into ONE database transaction;
2. the transaction commits (the database is the primary copy);
3. the new entries are appended to ``<workspace>/audit_logs/log.jsonl``, one canonical line each
   (``body + "\\n"``), and the file is fsynced.

If step 1 or 2 fails nothing is written anywhere.  If the process dies between 2 and 3, the
file lacks the newest lines; :meth:`AuditLog.sync_file` (run at the start of every transaction,
and after every commit) appends every database entry the file lacks, in ``seq`` order, under an
exclusive lock (``log.jsonl.lock`` next to it), so concurrent writers never interleave or
duplicate lines.  A torn last line (a crash in the middle of an append) is cut back only when
it is a prefix of the database entry that belongs there; anything else is left alone for
``randcheck log verify``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from randcheck.core import logverify, merkle, note, signing
from randcheck.core.canonical import canonical, parse
from randcheck.core.checks import Check, Report
from randcheck.errors import CannotRunError, ChainError, InputError, NotFoundError
from randcheck.io.atomic import atomic_write, fsync_dir, make_private_dir, set_mode
from randcheck.store.audit_models import AuditEntry, AuditLock
from randcheck.store.db import SQLITE_BUSY_SECONDS
from randcheck.workspace import AUDIT_MODE, FILE_MODE, Workspace

LOG_NAME = "log.jsonl"
LOCK_NAME = "log.jsonl.lock"  # held while the file is brought up to the database (sync_file)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold the exclusive lock file ``path`` (one writer at a time, across processes).

    The ``filelock`` library: ``flock`` on POSIX, ``msvcrt.locking`` on Windows, where
    locking the log file itself would block reading it.  Waits as long as SQLite waits for
    a writer (``SQLITE_BUSY_SECONDS``), then fails like a failed append.
    """
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(path), timeout=SQLITE_BUSY_SECONDS, mode=FILE_MODE):
            yield
    except Timeout as exc:
        raise CannotRunError(
            "audit.cannot_append", path=str(path), reason=f"locked for {SQLITE_BUSY_SECONDS} s"
        ) from exc


def format_time(now: datetime) -> str:
    """UTC ``YYYY-MM-DDTHH:MM:SSZ``; a naive datetime is taken to be UTC already."""
    if now.tzinfo is not None:
        now = now.astimezone(UTC)
    return now.strftime(TIME_FORMAT)


def make_entry(seq: int, kind: str, actor: str, time: str, payload: dict[str, Any]) -> bytes:
    """The canonical bytes of one entry (raises ``InputError`` on floats or bad types)."""
    if not kind or "." not in kind:
        raise InputError("audit.bad_kind", kind=kind)
    return canonical({"seq": seq, "kind": kind, "actor": actor, "time": time, "payload": payload})


@dataclass
class AuditTx:
    """One open transaction: ``session`` for the caller's changes, ``record`` for log entries."""

    session: Session
    actor: str
    time: str
    _next_seq: int | None = None
    new_seqs: list[int] = field(default_factory=list)

    def record(self, kind: str, payload: dict[str, Any]) -> int:
        """Insert one entry in this transaction; returns its ``seq``."""
        if self._next_seq is None:
            current = self.session.exec(select(func.max(AuditEntry.seq))).one()
            self._next_seq = 0 if current is None else int(current) + 1
        seq = self._next_seq
        body = make_entry(seq, kind, self.actor, self.time, payload)
        self.session.add(
            AuditEntry(seq=seq, leaf_hash=merkle.leaf_hash(body).hex(), body=body.decode("utf-8"))
        )
        try:
            self.session.flush()
        except IntegrityError as exc:  # another process took this seq at the same moment
            raise CannotRunError("audit.concurrent", seq=seq) from exc
        self._next_seq = seq + 1
        self.new_seqs.append(seq)
        return seq


class AuditLog:
    """The workspace's audit log (database table ``audit_entry`` + ``audit_logs/log.jsonl``)."""

    def __init__(self, workspace: Workspace, engine: Engine) -> None:
        self.workspace = workspace
        self.engine = engine

    @property
    def path(self) -> Path:
        return self.workspace.audit_dir / LOG_NAME

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def transaction(self, actor: str, now: datetime | None = None) -> Iterator[AuditTx]:
        """One database transaction plus the log entries it records (see the module doc).

        Its first statement updates the ``audit_lock`` row: that takes SQLite's write lock or
        PostgreSQL's row lock, so log-writing transactions run one at a time on both, and
        what a transaction reads after it is what it commits against (no other writer can
        slip in between a check and the write that relies on it).
        """
        self.sync_file()
        stamp = format_time(now if now is not None else datetime.now(UTC))
        with Session(self.engine) as session:
            with session.begin():
                if session.get_bind().dialect.name == "postgresql":  # wait as long as SQLite
                    session.execute(text(f"SET LOCAL lock_timeout = '{SQLITE_BUSY_SECONDS}s'"))
                session.execute(
                    update(AuditLock).where(col(AuditLock.id) == 1).values(n=AuditLock.n + 1)
                )
                tx = AuditTx(session=session, actor=actor, time=stamp)
                yield tx
        if tx.new_seqs:
            self.sync_file()

    def record(
        self, actor: str, kind: str, payload: dict[str, Any], now: datetime | None = None
    ) -> int:
        """A transaction holding only one entry (e.g. ``keys.init``, ``draw.aborted``)."""
        with self.transaction(actor, now) as tx:
            return tx.record(kind, payload)

    def sync_file(self) -> None:
        """Append to the file every database entry it lacks (crash recovery); see module doc.

        Raises ``ChainError`` when the file cannot be a prefix of the database log (it has
        more lines than the database, or its last line differs from the database entry), so
        that nothing is ever appended to a log that no longer matches.
        """
        if not self.path.exists() and self.size() == 0:
            return
        make_private_dir(self.path.parent, AUDIT_MODE)
        created = not self.path.exists()
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
            if created:
                set_mode(fd, self.path, FILE_MODE)  # the umask masked os.open's mode
        except OSError as exc:
            raise CannotRunError(
                "audit.cannot_append", path=str(self.path), reason=exc.strerror or str(exc)
            ) from exc
        try:
            # Lock first, then read the database: every writer appends only entries it has
            # seen committed, and only under this lock, so the file can never be ahead of
            # what is read here (reading the database first raced with another writer's
            # append: "the file has more lines than the database").
            with _file_lock(self.path.with_name(LOCK_NAME)):
                db_size = self.size()
                have = self._file_state(db_size, fd)
                if have < db_size:
                    data = b"".join(body + b"\n" for body in self._bodies(have, db_size))
                    os.write(fd, data)
                    os.fsync(fd)
        except OSError as exc:
            raise CannotRunError(
                "audit.cannot_append", path=str(self.path), reason=exc.strerror or str(exc)
            ) from exc
        finally:
            os.close(fd)
        if created:
            fsync_dir(self.path.parent)

    def _file_state(self, db_size: int, fd: int | None = None) -> int:
        """Complete lines in the file, after checking they can precede the database log.

        With ``fd`` (held under the lock) a torn last line that is a prefix of the expected
        entry is truncated away.
        """
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return 0
        except OSError as exc:
            raise CannotRunError(
                "io.cannot_read", path=str(self.path), reason=exc.strerror or str(exc)
            ) from exc
        cut = data.rfind(b"\n") + 1
        whole, tail = data[:cut], data[cut:]
        lines = whole.count(b"\n")
        if lines > db_size:
            raise ChainError("audit.file_ahead", file_lines=lines, db_entries=db_size)
        if lines:
            last = whole[:-1].rsplit(b"\n", 1)[-1]
            if last != self._bodies(lines - 1, lines)[0]:
                raise ChainError("audit.file_diverged", seq=lines - 1, line=lines)
        if tail:
            expected = self._bodies(lines, lines + 1)
            if not expected or not (expected[0] + b"\n").startswith(tail):
                raise ChainError("audit.file_torn", line=lines + 1)
            if fd is not None:
                os.ftruncate(fd, cut)
        return lines

    # -- reading -------------------------------------------------------------------------

    def size(self) -> int:
        """Number of entries in the database (``max(seq) + 1``)."""
        with Session(self.engine) as session:
            current = session.exec(select(func.max(AuditEntry.seq))).one()
        return 0 if current is None else int(current) + 1

    def _bodies(self, start: int, stop: int) -> list[bytes]:
        with Session(self.engine) as session:
            rows = session.exec(
                select(AuditEntry.body)
                .where(col(AuditEntry.seq) >= start, col(AuditEntry.seq) < stop)
                .order_by(col(AuditEntry.seq))
            ).all()
        return [b.encode("utf-8") for b in rows]

    def db_rows(self) -> list[tuple[int, str, bytes]]:
        """Every database row as ``(seq, leaf_hash_hex, body_bytes)`` in seq order."""
        with Session(self.engine) as session:
            rows = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
            return [(r.seq, r.leaf_hash, r.body.encode("utf-8")) for r in rows]

    def entries(self) -> list[dict[str, Any]]:
        """Every entry from the database, parsed, in seq order."""
        out: list[dict[str, Any]] = []
        for _seq, _leaf, body in self.db_rows():
            entry = parse(body)
            if not isinstance(entry, dict):
                raise ChainError("audit.not_object", seq=_seq)
            out.append(entry)
        return out

    def file_bytes(self) -> bytes:
        """The raw log file (empty when it does not exist yet)."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""

    def leaf_hashes(self) -> list[bytes]:
        """RFC 6962 leaf hashes of the database entries, in seq order."""
        return [merkle.leaf_hash(body) for _s, _h, body in self.db_rows()]


# -- checkpoints, verification and proofs (``randcheck log``) ------------------------------

CHECKPOINT = "checkpoint.txt"
CHECKPOINT_DIR = "checkpoints"


@dataclass(frozen=True)
class LogReport(Report):
    """What ``randcheck log verify`` found: its checks (failures first, in file order) and the
    tree it looked at."""

    size: int = 0
    db_size: int = 0
    root: bytes = b""
    checkpoints: tuple[tuple[str, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "size": self.size,
            "db_size": self.db_size,
            "root": self.root.hex(),
            "checkpoints": [{"file": f, "size": n} for f, n in self.checkpoints],
        }


def checkpoint_files(ws: Workspace) -> list[Path]:
    """Every stored checkpoint: ``checkpoints/<size>.txt`` by size, then ``checkpoint.txt``."""
    folder = ws.audit_dir / CHECKPOINT_DIR
    found = sorted((p for p in folder.glob("*.txt") if p.stem.isdigit()), key=lambda p: int(p.stem))
    latest = ws.audit_dir / CHECKPOINT
    return [*found, *([latest] if latest.exists() else [])]


def write_checkpoint(
    ws: Workspace, audit: AuditLog, key: Ed25519PrivateKey, region_code: str
) -> tuple[note.Checkpoint, str, Path]:
    """Sign the current tree head and store it; returns (checkpoint, signed note, path).

    Appends nothing to the log (an entry would change the very tree being signed).  Refuses
    (``ChainError``) when the file and the database disagree: only a verified log is signed.
    Writes ``checkpoints/<size>.txt`` and ``checkpoint.txt`` atomically; an existing
    ``<size>.txt`` with different content is never overwritten.
    """
    audit.sync_file()
    checked = logverify.check_lines(audit.file_bytes(), audit.db_rows())
    if checked.problems:
        bad = checked.problems[0]
        raise ChainError(
            "log.checkpoint_refused", seq=bad.params.get("seq"), line=bad.params.get("line")
        )
    kid = signing.key_id(signing.public_raw(key))
    origin = note.origin_for(region_code, kid)
    cp = note.Checkpoint(origin, len(checked.hashes), merkle.root_from_hashes(checked.hashes))
    signed = note.sign(cp.body(), origin, key)
    path = ws.audit_dir / CHECKPOINT_DIR / f"{cp.size}.txt"
    if path.exists() and path.read_text(encoding="utf-8") != signed:
        raise ChainError("log.checkpoint_exists", path=str(path))
    data = signed.encode("utf-8")
    atomic_write(path, data)
    atomic_write(ws.audit_dir / CHECKPOINT, data)
    return cp, signed, path


def verify_log(
    ws: Workspace,
    audit: AuditLog,
    keys: Mapping[str, bytes],
    state_provider: Callable[[Session], dict[str, str]] | None = None,
) -> LogReport:
    """Check the log file against itself, the database, every checkpoint and the DB state.

    ``keys`` are the public keys a checkpoint may be signed with ({key id: raw}).  Does NOT
    repair anything: a file that lacks database entries is reported.
    """
    db_rows = audit.db_rows()
    checked = logverify.check_lines(audit.file_bytes(), db_rows)
    problems = list(checked.problems)
    cps: list[tuple[str, int]] = []
    for path in checkpoint_files(ws):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        cp, found = logverify.check_checkpoint(text, str(path), keys, checked.hashes)
        problems.extend(found)
        if cp is not None:
            cps.append((str(path), cp.size))
    current: dict[str, str] | None = None
    if state_provider is not None:
        with Session(audit.engine) as session:
            current = state_provider(session)
        problems.extend(logverify.check_state(checked.entries, current))
    problems.sort(key=logverify.sort_key)
    failed = {p.name for p in problems}
    passed = [
        Check.passed(name, f"log.c.{name.removeprefix('log.')}_ok", count=count)
        for name, count in (
            (logverify.ENTRIES, len(checked.lines)),
            (logverify.MIRROR, len(db_rows)),
            (logverify.CHECKPOINTS, len(cps)),
            (logverify.STATE, len(current or {})),
        )
        if name not in failed and (name != logverify.STATE or current is not None)
    ]
    return LogReport(
        checks=(*problems, *passed),
        size=len(checked.lines),
        db_size=len(db_rows),
        root=merkle.root_from_hashes(checked.hashes),
        checkpoints=tuple(cps),
    )


def prove(ws: Workspace, audit: AuditLog, index: int) -> str:
    """A c2sp.org/tlog-proof@v1 bundle for entry ``index`` against the latest checkpoint."""
    latest = ws.audit_dir / CHECKPOINT
    try:
        signed = latest.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFoundError("log.no_checkpoint") from exc
    cp = note.parse_checkpoint(note.parse(signed).text)
    if not 0 <= index < cp.size:
        raise NotFoundError("log.index_beyond_checkpoint", index=index, size=cp.size)
    lines, _tail = logverify.split_lines(audit.file_bytes())
    hashes = [merkle.leaf_hash(x) for x in lines[: cp.size]]
    if len(hashes) < cp.size or merkle.root_from_hashes(hashes) != cp.root:
        raise ChainError("log.checkpoint_mismatch", size=cp.size)
    bundle = note.ProofBundle(index, tuple(merkle.inclusion_proof(index, hashes)), signed)
    return bundle.format()


def entry_line(ws: Workspace, index: int) -> bytes:
    """Line ``index`` (0-based) of the workspace's log file, without its newline."""
    try:
        data = (ws.audit_dir / LOG_NAME).read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError("log.no_entry", index=index) from exc
    lines, _tail = logverify.split_lines(data)
    if not 0 <= index < len(lines):
        raise NotFoundError("log.no_entry", index=index)
    return lines[index]
