"""The audit log table: one row per log entry, written in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, String, Text
from sqlmodel import Field, SQLModel


class AuditEntry(SQLModel, table=True):
    """One audit-log entry.

    ``seq`` is the 0-based leaf index; ``body`` is the entry's canonical RFC 8785 JSON (UTF-8
    text, exactly the bytes of its line in ``audit_logs/log.jsonl`` without the newline);
    ``leaf_hash`` is the hex RFC 6962 leaf hash SHA-256(0x00 || body).
    """

    __tablename__ = "audit_entry"

    seq: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    leaf_hash: str = Field(sa_column=Column(String(64), nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))


class AuditLock(SQLModel, table=True):
    """One row that every log-writing transaction updates first, which serialises them."""

    __tablename__ = "audit_lock"

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    n: int = Field(sa_column=Column(BigInteger, nullable=False))
