"""Frozen task snapshots and stored signed documents, read back for drawing and publishing."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from randcheck.core.draw import accel
from randcheck.errors import NotFoundError
from randcheck.store.draw_models import AddendumRow, AnnouncementRow, RecordRow, SnapshotPart
from randcheck.store.raw import raw_rows

PART_BYTES = 8 * 1024 * 1024  # population-file bytes per stored part (before compression)


def store_population(session: Session, task_id: str, population: Mapping[str, bytes]) -> None:
    """Store each stratum's population file (SPEC §3) compressed, in parts, replacing any old."""
    session.exec(delete(SnapshotPart).where(col(SnapshotPart.task_id) == task_id))
    keys: list[tuple[str, int]] = []
    chunks: list[bytes] = []
    for stratum in sorted(population):
        data = population[stratum]
        parts = [data[i : i + PART_BYTES] for i in range(0, len(data), PART_BYTES)] or [b""]
        for n, chunk in enumerate(parts):
            keys.append((stratum, n))
            chunks.append(chunk)
    # zlib lets go of the GIL while it deflates: the parts are compressed on every core
    for (stratum, n), packed in zip(keys, accel.parallel_map(_pack, chunks), strict=True):
        session.add(SnapshotPart(task_id=task_id, stratum=stratum, part=n, data=packed))


def _pack(chunk: bytes) -> bytes:
    return zlib.compress(chunk, 1)


def load_population(session: Session, task_id: str) -> dict[str, bytes]:
    """Each stratum's population file bytes, exactly as frozen at the announcement (the
    parts read through the driver, in binary on PostgreSQL)."""
    p = SnapshotPart.__table__.c  # type: ignore[attr-defined]
    query = (
        sa_select(p.stratum, p.data)
        .where(p.task_id == task_id)
        .order_by(p.stratum, p.part)
    )
    rows = list(raw_rows(session.connection(), query, binary=True))
    packed = [d if isinstance(d, bytes) else bytes(d) for _s, d in rows]
    out: dict[str, list[bytes]] = {}
    for (stratum, _d), data in zip(rows, accel.parallel_map(zlib.decompress, packed), strict=True):
        out.setdefault(stratum, []).append(data)
    return {s: b"".join(parts) for s, parts in out.items()}


@dataclass(frozen=True)
class DrawDocuments:
    """Everything signed for one record: announcement, record, addenda (envelope bytes)."""

    task_id: str
    announcement: bytes
    announcement_log_seq: int
    roster: bytes
    record: bytes
    record_digest: str
    record_log_seq: int
    addenda: tuple[bytes, ...]
    addenda_log_seqs: tuple[int, ...]


def announcement_row(session: Session, task_id: str) -> AnnouncementRow:
    row = session.get(AnnouncementRow, task_id)
    if row is None:
        raise NotFoundError("task.not_announced", task=task_id)
    return row


def find_record(session: Session, ref: str) -> RecordRow:
    """A record by digest (or a unique digest prefix of 8+ hex), or the newest of a task id."""
    row = session.get(RecordRow, ref)
    if row is not None:
        return row
    rows = list(
        session.exec(
            select(RecordRow)
            .where(col(RecordRow.task_id) == ref)
            .order_by(col(RecordRow.chain_index).desc())
        ).all()
    )
    if rows:
        return rows[0]
    if len(ref) >= 8:
        matches = [
            r for r in session.exec(select(RecordRow)).all() if r.digest.startswith(ref.lower())
        ]
        if len(matches) == 1:
            return matches[0]
    raise NotFoundError("record.not_found", ref=ref)


def addenda_rows(session: Session, record_digest: str) -> list[AddendumRow]:
    """The addenda of a record, in ``seq`` order."""
    return list(
        session.exec(
            select(AddendumRow)
            .where(col(AddendumRow.record_digest) == record_digest)
            .order_by(col(AddendumRow.seq))
        ).all()
    )


def documents(session: Session, ref: str) -> DrawDocuments:
    """The signed documents of the record ``ref`` (digest, digest prefix, or task id)."""
    rec = find_record(session, ref)
    ann = announcement_row(session, rec.task_id)
    adds = addenda_rows(session, rec.digest)
    return DrawDocuments(
        task_id=rec.task_id,
        announcement=ann.envelope,
        announcement_log_seq=ann.log_seq,
        roster=ann.roster,
        record=rec.envelope,
        record_digest=rec.digest,
        record_log_seq=rec.log_seq,
        addenda=tuple(a.envelope for a in adds),
        addenda_log_seqs=tuple(a.log_seq for a in adds),
    )
