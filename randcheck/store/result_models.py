"""Tables of the 一公开 half: inspection results, their signed publications, the inspection
history from outside randcheck, and the office's working-day calendar.

A result row holds what the office entered for one target × item of a task; ``published``
is the seq of the results document that last published it (``None`` until then) and
``pending`` says that its current content is not yet published (new, or a correction whose
reason is ``correction``).  Signed documents are
stored as their envelope bytes, verbatim, like records and addenda.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, LargeBinary, String, Text
from sqlmodel import Field, SQLModel


class ResultRow(SQLModel, table=True):
    """检查结果: one target × item of a task's current official record."""

    __tablename__ = "inspection_result"
    __table_args__ = (Index("inspection_result_entity", "entity_code"),)

    task_id: str = Field(sa_column=Column(String(64), primary_key=True))
    entity_code: str = Field(sa_column=Column(String(18), primary_key=True))
    item_code: str = Field(sa_column=Column(String(64), primary_key=True))
    record_digest: str = Field(sa_column=Column(String(64), nullable=False))
    completed_on: str = Field(sa_column=Column(String(10), nullable=False))  # ISO date
    terms: str = Field(sa_column=Column(Text, nullable=False))  # |t1|t2| in vocabulary order
    findings: str = Field(default="", sa_column=Column(Text, nullable=False))
    followup: str = Field(default="", sa_column=Column(Text, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    inspectors: str = Field(default="", sa_column=Column(Text, nullable=False))  # |b1|b2|
    late_reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    vocabulary: str = Field(sa_column=Column(String(128), nullable=False))  # version id
    entered_by: str = Field(sa_column=Column(String(128), nullable=False))
    entered_at: str = Field(sa_column=Column(String(20), nullable=False))
    content: str = Field(sa_column=Column(String(64), nullable=False))  # digest of the content
    correction: str = Field(default="", sa_column=Column(Text, nullable=False))  # its reason
    pending: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    published: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    first_published_on: str | None = Field(
        default=None, sa_column=Column(String(10), nullable=True)
    )


class ResultsDocRow(SQLModel, table=True):
    """A signed results document (检查结果公示) of a task, numbered from 1 per task."""

    __tablename__ = "results_document"

    task_id: str = Field(sa_column=Column(String(64), primary_key=True))
    seq: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    digest: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    record_digest: str = Field(sa_column=Column(String(64), nullable=False))
    envelope: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    vocabulary: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # canonical doc
    issued_at: str = Field(sa_column=Column(String(20), nullable=False))
    log_seq: int = Field(sa_column=Column(Integer, nullable=False))


class HistoryRow(SQLModel, table=True):
    """An inspection done outside randcheck (another department, a 个案/专项 check, ...)."""

    __tablename__ = "inspection_history"
    __table_args__ = (
        Index("inspection_history_entity", "entity_code", "inspected_on", "department", "ref",
              "is_random"),  # results_0002: covers stats' grouping
        Index("inspection_history_day", "inspected_on", "entity_code", "department", "ref",
              "is_random", "item_code"),  # results_0003: covers the announce's reads
    )  # fmt: skip

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    entity_code: str = Field(sa_column=Column(String(18), nullable=False))
    inspected_on: str = Field(sa_column=Column(String(10), nullable=False))  # ISO date
    item_code: str = Field(default="", sa_column=Column(String(64), nullable=False))
    inspectors: str = Field(default="", sa_column=Column(Text, nullable=False))  # |b1|b2|
    result: str = Field(default="", sa_column=Column(Text, nullable=False))
    department: str = Field(default="", sa_column=Column(Text, nullable=False))
    source: str = Field(sa_column=Column(Text, nullable=False))  # where the office got it
    is_random: bool = Field(sa_column=Column(Boolean, nullable=False))
    ref: str = Field(default="", sa_column=Column(Text, nullable=False))  # its own task number
    content: str = Field(sa_column=Column(String(64), nullable=False, unique=True))


class CalendarDay(SQLModel, table=True):
    """One day of an office-entered year of the working-day calendar (holiday or make-up day)."""

    __tablename__ = "work_calendar"

    day: str = Field(sa_column=Column(String(10), primary_key=True))  # ISO date
    year: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    workday: bool = Field(sa_column=Column(Boolean, nullable=False))


__all__ = ["CalendarDay", "HistoryRow", "ResultRow", "ResultsDocRow"]


class HistoryState(SQLModel, table=True):
    """The history's change counter, bumped by triggers on every write to the history and
    results tables, and the history digest computed at ``digest_at`` (migration
    ``results_0004``)."""

    __tablename__ = "history_state"

    name: str = Field(primary_key=True, max_length=64)
    generation: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    digest_at: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    digest: str = Field(default="", max_length=64)


class HistoryIndexPart(SQLModel, table=True):
    """One part of the kept history index (``services.results.historyindex``), read at the
    history's ``generation`` (migration ``results_0005``)."""

    __tablename__ = "history_index_part"

    part: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    generation: int = Field(sa_column=Column(BigInteger, nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
