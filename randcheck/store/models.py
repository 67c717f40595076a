"""Registry tables: entities, inspectors, inspection items and conflicts of interest (一单两库).

Design notes:

* Rows are never deleted (past draws refer to them); ``active`` is False for a row that a
  ``--replace`` import no longer lists or that was deactivated by hand.
* List fields (tags, specialties, qualifications, scope tags) are stored as one text column in
  the form ``|a|b|c|`` (sorted, de-duplicated; ``""`` when empty).  A filter for one value is
  the portable ``LIKE '%|value|%'`` (``col.contains('|v|', autoescape=True)``) on SQLite and
  PostgreSQL alike, and the bulk import writes one row per record instead of one per list
  element.  A list value therefore may not contain ``|``; the importer reports that as a row
  error.
* ``row_hash`` is the SHA-256 of the row's content (every column except ``active`` and
  ``row_hash``), computed by ``randcheck.services.registry.row_hash``; the registry state
  digest is built from it (see ``state_digests``).
* ``ratio_cap`` is an exact rational as text, ``"p/q"`` in lowest terms (``"1/20"``), or
  ``""`` for no cap.  Never a float.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Column, LargeBinary
from sqlmodel import Field, SQLModel


class Entity(SQLModel, table=True):
    """检查对象名录库: one market entity (or product/project/behaviour) to inspect."""

    __tablename__ = "entity"

    code: str = Field(primary_key=True, max_length=18)  # USCC, or 15-digit 注册号 if none
    legacy_reg_no: str = Field(default="", max_length=15)
    name: str = ""
    subject_type: str = ""
    registration_authority: str = ""
    jurisdiction_unit: str = ""
    region_code: str = Field(default="", max_length=6)
    grid: str = ""
    industry: str = ""
    status: str = ""
    tags: str = ""
    risk_class: str = ""  # internal only: never exported with --public, never published
    risk_as_of: date | None = None
    last_inspected_on: date | None = None
    active: bool = True
    row_hash: str = Field(default="", max_length=64)


class Inspector(SQLModel, table=True):
    """执法检查人员名录库: one inspector, keyed by the enforcement badge number."""

    __tablename__ = "inspector"

    badge_no: str = Field(primary_key=True, max_length=64)
    issuer: str = ""
    cert_valid_until: date | None = None
    name: str = ""
    unit: str = ""
    department: str = ""
    region: str = ""
    specialties: str = ""
    qualifications: str = ""
    is_expert: bool = False
    status: str = ""
    active: bool = True
    row_hash: str = Field(default="", max_length=64)


class Item(SQLModel, table=True):
    """随机抽查事项清单: one inspection item."""

    __tablename__ = "item"

    code: str = Field(primary_key=True, max_length=64)
    name: str = ""
    legal_basis: str = ""
    department: str = ""
    method: str = ""
    scope_tags: str = ""
    scope_filter: str = ""
    required_qualification: str = ""
    item_type: str = ""  # 重点 or 一般
    ratio_cap: str = ""  # "p/q" in lowest terms, "" = no cap (重点 only)
    frequency: str = ""
    active: bool = True
    row_hash: str = Field(default="", max_length=64)


class Conflict(SQLModel, table=True):
    """回避: a declared relationship between an inspector and an entity."""

    __tablename__ = "conflict"

    badge_no: str = Field(primary_key=True, max_length=64)
    entity_code: str = Field(primary_key=True, max_length=18)
    relation: str = ""
    source: str = ""
    declared_on: date | None = None
    active: bool = True
    row_hash: str = Field(default="", max_length=64)


class RegistryGeneration(SQLModel, table=True):
    """A change counter per watched registry table, bumped by a database trigger on every
    insert, update and delete (migration ``registries_0002``)."""

    __tablename__ = "registry_generation"

    name: str = Field(primary_key=True, max_length=64)
    generation: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class PoolIndexPart(SQLModel, table=True):
    """One part of the stored pool index (``services.poolindex``), read at ``generation``."""

    __tablename__ = "pool_index_part"

    part: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    generation: int = Field(sa_column=Column(BigInteger, nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
