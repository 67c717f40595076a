"""Tables of the draw: tasks, announcements with their frozen snapshots, records, addenda.

Signed documents are stored as their envelope bytes, verbatim: they are published and
verified exactly as signed, never re-serialised.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, LargeBinary, String, Text, text
from sqlmodel import Field, SQLModel


class TaskRow(SQLModel, table=True):
    """A task as defined by the office (the definition is canonical JSON)."""

    __tablename__ = "draw_task"

    id: str = Field(sa_column=Column(String(64), primary_key=True))
    title: str = Field(sa_column=Column(Text, nullable=False))
    definition: str = Field(sa_column=Column(Text, nullable=False))
    created_at: str = Field(sa_column=Column(String(20), nullable=False))
    status: str = Field(sa_column=Column(String(16), nullable=False))  # created|announced|drawn


class AnnouncementRow(SQLModel, table=True):
    """The signed announcement of a task, its roster document and the operator's secret nonce."""

    __tablename__ = "draw_announcement"

    task_id: str = Field(sa_column=Column(String(64), primary_key=True))
    envelope: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    digest: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    announced_at: str = Field(sa_column=Column(String(20), nullable=False))
    roster: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # canonical roster doc
    nonce: str = Field(sa_column=Column(String(64), nullable=False))  # hex; revealed at the draw
    log_seq: int = Field(sa_column=Column(Integer, nullable=False))


class SnapshotPart(SQLModel, table=True):
    """The frozen population of one stratum, as zlib-compressed population-file bytes in parts."""

    __tablename__ = "draw_snapshot"

    task_id: str = Field(sa_column=Column(String(64), primary_key=True))
    stratum: str = Field(sa_column=Column(String(64), primary_key=True))
    part: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class RecordRow(SQLModel, table=True):
    """A signed draw record; ``superseded`` marks an official draw replaced by a redraw."""

    __tablename__ = "draw_record"
    __table_args__ = (
        Index(
            "one_official_record",
            "task_id",
            unique=True,
            sqlite_where=text("superseded = 0"),
            postgresql_where=text("NOT superseded"),
        ),
    )

    digest: str = Field(sa_column=Column(String(64), primary_key=True))
    task_id: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    chain_index: int = Field(sa_column=Column(Integer, nullable=False, unique=True))
    envelope: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    drawn_at: str = Field(sa_column=Column(String(20), nullable=False))
    redraw_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    superseded: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    log_seq: int = Field(sa_column=Column(Integer, nullable=False))


class AddendumRow(SQLModel, table=True):
    """A signed substitution addendum to a record."""

    __tablename__ = "draw_addendum"

    record_digest: str = Field(sa_column=Column(String(64), primary_key=True))
    seq: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    digest: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    envelope: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    issued_at: str = Field(sa_column=Column(String(20), nullable=False))
    log_seq: int = Field(sa_column=Column(Integer, nullable=False))
