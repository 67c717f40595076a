"""The registries (一单两库 plus 回避): validation, bulk import, edits, queries, export, digests.

Import is one streaming pass: rows are read, validated and compared with the database in
batches of ``BATCH`` keys (``SELECT key, row_hash ... WHERE key IN (...)``) and written with
the driver's ``executemany`` of the SQL SQLAlchemy compiled for the dialect (no ORM object
per row).  Validation has a generated fast path for ordinary rows (``_fast_validator``); any
row it does not accept goes through ``validate_record``, the reference, and a test checks the
two agree.  Everything happens inside one
``AuditLog.transaction``: when any row is bad, every bad row is still collected, then
``InputError`` rolls the transaction back, so the database and the log stay as they were.
A row in the file replaces the whole record (columns absent from the file get their
defaults).  ``--replace`` marks active rows missing from the file inactive; nothing is deleted.

State digests (``state_digests``): each row has a content hash ``row_hash`` = SHA-256 of the
JSON array ``[registry, value, ...]`` of its columns in schema order (dates ISO, lists as
``|a|b|``, ``active`` excluded).  A table digest is SHA-256 over
``"randcheck/registry-state/v1\\n" + table + "\\n"`` followed by one line
``key<TAB>...<TAB>active(1|0)<TAB>row_hash\\n`` per row (keys are normalised codes and
never hold a tab or newline) in byte order of the key (``COLLATE "C"`` on
PostgreSQL, ``BINARY`` on SQLite, so both give the same order).  ``state_digests(session)``
recomputes every row hash from the row's content, so an edit made behind the tool's back
changes the digest; imports record the digest from the stored hashes they just wrote (same
value when nobody tampered; a mismatch later shows up in ``log verify``).  Limits: the
digest proves the table matches what the log recorded, as far as the log itself is trusted
(someone who can rewrite both the database and the log is caught by signed checkpoints, not
here); it is not secret (registries are guessable, so it must not be published as a
commitment to hide them); it does not say *which* row differs; and it costs one ordered scan
per table (about a second per million rows), paid on every import and edit.

Clean text: every imported value passes ``randcheck.io.readers``' text rule (line breaks become
one space, except in list fields where they separate items; control, bidirectional and
invisible characters are row errors), and so does every value given to ``set`` and the reason
given to ``deactivate``.  Exports for people (CSV, XLSX) write every cell through
``randcheck.bundle.table.inert`` (a leading ``'`` before ``= + - @``, tab, CR or ``'``, so that
no spreadsheet takes a cell for a formula; OWASP "CSV injection"), XLSX cells always as
strings; importing a CSV or XLSX takes that prefix off again, so an export imports back
exactly.  The JSON export is for machines and holds the values as stored.
"""

from __future__ import annotations

import gc
import hashlib
import json
import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    String,
    Table,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
    text,
    tuple_,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from randcheck.bundle.table import inert
from randcheck.core import uscc
from randcheck.core.draw import accel
from randcheck.core.text import one_line, problem, visible
from randcheck.errors import InputError, NotFoundError, RowError, UsageError
from randcheck.io.readers import MAX_FIELD_CHARS, Progress, RowReader, shown
from randcheck.store.models import Conflict, Entity, Inspector, Item
from randcheck.workspace import Workspace

BATCH = 5000
SQLITE_CACHE_KIB = 131_072  # page cache of the import connection on SQLite (128 MiB)
MAX_REPORTED_ERRORS = 100_000
DIGEST_TAG = "randcheck/registry-state/v1"
SENSITIVE = frozenset({"risk_class", "risk_as_of"})  # internal only: never published

# -- field specifications ---------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # text code legacy badge region date bool list ratio item_type risk active
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class RegistrySpec:
    name: str  # entities, inspectors, items, conflicts
    table: Table
    key: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    required_columns: tuple[tuple[str, ...], ...]
    filters: Mapping[str, tuple[str, str]]  # option -> (column, mode: eq|prefix|list|bool)
    list_columns: tuple[str, ...]

    @property
    def table_name(self) -> str:
        return str(self.table.name)

    def aliases(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in self.fields:
            out[f.name] = f.name
            for alias in f.aliases:
                out[alias] = f.name
        return out

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise UsageError("registry.unknown_field", field=name, registry=self.name)


_ACTIVE = FieldSpec("active", "active", ("有效", "是否有效", "有效状态", "enabled"))

ENTITIES = RegistrySpec(
    name="entities",
    table=Entity.__table__,  # type: ignore[attr-defined]
    key=("code",),
    fields=(
        FieldSpec(
            "code",
            "code",
            (
                "统一社会信用代码",
                "统一社会信用代码/注册号",
                "信用代码",
                "社会信用代码",
                "credit_code",
                "uscc",
                "unicode",
            ),
        ),
        FieldSpec("legacy_reg_no", "legacy", ("注册号", "工商注册号", "reg_no", "regno")),
        FieldSpec(
            "name", "text", ("名称", "企业名称", "主体名称", "市场主体名称", "entname"), True
        ),
        FieldSpec(
            "subject_type", "text", ("主体类别", "主体类型", "市场主体类型", "企业类型", "type")
        ),
        FieldSpec("registration_authority", "text", ("登记机关", "regorg")),
        FieldSpec("jurisdiction_unit", "text", ("管辖单位", "localadm")),
        FieldSpec("region_code", "region", ("行政区划", "行政区划代码", "区划代码", "region")),
        FieldSpec("grid", "text", ("片区", "网格", "片区网格", "商圈")),
        FieldSpec("industry", "text", ("行业", "行业代码", "所属行业", "国民经济行业")),
        FieldSpec("status", "text", ("登记状态", "经营状态", "状态")),
        FieldSpec("tags", "list", ("监管标签", "标签", "tag")),
        FieldSpec("risk_class", "risk", ("风险等级", "风险分类", "信用风险分类", "risk")),
        FieldSpec("risk_as_of", "date", ("风险分类日期", "风险等级日期", "风险评定日期")),
        FieldSpec("last_inspected_on", "date", ("上次检查日期", "最近检查日期", "上次检查时间")),
        _ACTIVE,
    ),
    required_columns=(("code", "legacy_reg_no"), ("name",)),
    filters={
        "region": ("region_code", "prefix"),
        "industry": ("industry", "prefix"),
        "status": ("status", "eq"),
        "tag": ("tags", "list"),
        "risk": ("risk_class", "eq"),
    },
    list_columns=(
        "code",
        "name",
        "region_code",
        "industry",
        "status",
        "tags",
        "risk_class",
        "active",
    ),
)

INSPECTORS = RegistrySpec(
    name="inspectors",
    table=Inspector.__table__,  # type: ignore[attr-defined]
    key=("badge_no",),
    fields=(
        FieldSpec(
            "badge_no", "badge", ("执法证号", "执法证编号", "证件号", "badge", "cert_no"), True
        ),
        FieldSpec("issuer", "text", ("发证机关", "发证部门", "cert_issuer")),
        FieldSpec(
            "cert_valid_until", "date", ("有效期至", "证件有效期", "执法证有效期", "cert_expiry")
        ),
        FieldSpec("name", "text", ("姓名", "人员姓名"), True),
        FieldSpec("unit", "text", ("工作单位", "单位")),
        FieldSpec("department", "text", ("业务部门", "所在业务部门", "部门", "科室")),
        FieldSpec("region", "text", ("所属地区", "单位所属地区", "地区", "region_code")),
        FieldSpec("specialties", "list", ("业务专长", "专长", "执法领域", "specialty")),
        FieldSpec("qualifications", "list", ("执法资质", "岗位资质", "资质", "qualification")),
        FieldSpec("is_expert", "bool", ("是否专家", "专家", "expert")),
        FieldSpec("status", "text", ("人员状态", "状态")),
        _ACTIVE,
    ),
    required_columns=(("badge_no",), ("name",)),
    filters={
        "unit": ("unit", "eq"),
        "department": ("department", "eq"),
        "region": ("region", "prefix"),
        "specialty": ("specialties", "list"),
        "qualification": ("qualifications", "list"),
        "status": ("status", "eq"),
        "expert": ("is_expert", "bool"),
    },
    list_columns=(
        "badge_no",
        "name",
        "unit",
        "department",
        "cert_valid_until",
        "is_expert",
        "active",
    ),
)

ITEMS = RegistrySpec(
    name="items",
    table=Item.__table__,  # type: ignore[attr-defined]
    key=("code",),
    fields=(
        FieldSpec("code", "badge", ("编号", "事项编号", "事项代码", "item_code"), True),
        FieldSpec("name", "text", ("抽查事项", "事项名称", "抽查事项名称", "名称"), True),
        FieldSpec("legal_basis", "text", ("抽查依据", "法律依据", "依据", "basis"), True),
        FieldSpec("department", "text", ("抽查主体", "实施部门", "部门")),
        FieldSpec("method", "text", ("抽查方式", "检查方式", "方式")),
        FieldSpec("scope_tags", "list", ("抽查对象", "对象标签", "监管标签", "scope", "tags")),
        FieldSpec("scope_filter", "text", ("对象范围", "范围条件", "filter")),
        FieldSpec("required_qualification", "text", ("检查人员要求", "人员要求", "资质要求")),
        FieldSpec("item_type", "item_type", ("事项类型", "类型", "type"), True),
        FieldSpec("ratio_cap", "ratio", ("抽查比例", "比例上限", "ratio")),
        FieldSpec("frequency", "text", ("抽查频次", "频次")),
        _ACTIVE,
    ),
    required_columns=(("code",), ("name",), ("legal_basis",), ("item_type",)),
    filters={
        "department": ("department", "eq"),
        "type": ("item_type", "eq"),
        "tag": ("scope_tags", "list"),
    },
    list_columns=("code", "name", "item_type", "ratio_cap", "department", "scope_tags", "active"),
)

CONFLICTS = RegistrySpec(
    name="conflicts",
    table=Conflict.__table__,  # type: ignore[attr-defined]
    key=("badge_no", "entity_code"),
    fields=(
        FieldSpec("badge_no", "badge", ("执法证号", "执法证编号", "badge", "inspector"), True),
        FieldSpec(
            "entity_code",
            "code",
            ("统一社会信用代码", "统一社会信用代码/注册号", "信用代码", "code", "entity", "uscc"),
            True,
        ),
        FieldSpec("relation", "text", ("关系", "利害关系", "回避事由"), True),
        FieldSpec("source", "text", ("来源", "信息来源")),
        FieldSpec("declared_on", "date", ("申报日期", "登记日期", "date")),
        _ACTIVE,
    ),
    required_columns=(("badge_no",), ("entity_code",), ("relation",)),
    filters={"badge": ("badge_no", "eq"), "entity": ("entity_code", "eq")},
    list_columns=("badge_no", "entity_code", "relation", "source", "declared_on", "active"),
)

SPECS: dict[str, RegistrySpec] = {s.name: s for s in (ENTITIES, INSPECTORS, ITEMS, CONFLICTS)}
TABLES = ("entity", "inspector", "item", "conflict")


def spec_for(registry: str) -> RegistrySpec:
    try:
        return SPECS[registry]
    except KeyError:
        raise UsageError("registry.unknown_registry", registry=registry) from None


# -- value parsing ------------------------------------------------------------------------

# a line break (any that randcheck.core.text.one_line knows) separates list items too
_LIST_SPLIT = re.compile("[,;，；、|\r\n\x0b\x0c\x85\u2028\u2029]")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TRUE = {"1", "true", "yes", "y", "t", "是", "有效", "专家", "√"}
_FALSE = {"0", "false", "no", "n", "f", "否", "无效", "失效", ""}
_ITEM_TYPES = {
    "重点": "重点",
    "重点检查事项": "重点",
    "key": "重点",
    "一般": "一般",
    "一般检查事项": "一般",
    "general": "一般",
}
_RISK_WORDS = {"低风险": "A", "一般风险": "B", "较高风险": "C", "高风险": "D"}


class _Bad(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def parse_date(text: str) -> date | None:
    text = uscc.normalise(text)
    if not text:
        return None
    m = _DATE.match(text) or _DATE8.match(text)
    if m is None:
        if "T" in text and len(text) >= 10:
            return parse_date(text[:10])
        raise _Bad("registry.bad_date")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise _Bad("registry.bad_date") from None


def parse_bool(text: str, default: bool) -> bool:
    low = text.strip().lower()
    if not low:
        return default
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise _Bad("registry.bad_bool")


def parse_list(text: str) -> str:
    return join_list(sorted({p.strip() for p in _LIST_SPLIT.split(text) if p.strip()}))


def join_list(values: Sequence[str]) -> str:
    """The stored form ``|a|b|`` of ``values`` in their order (``""`` when empty)."""
    return "|" + "|".join(values) + "|" if values else ""


def split_list(stored: str) -> list[str]:
    return [p for p in stored.split("|") if p]


def parse_ratio(text: str) -> str:
    """An exact ratio in (0, 1] as ``"p/q"`` in lowest terms; ``""`` for none."""
    raw = uscc.normalise(text)
    if not raw:
        return ""
    try:
        if raw.endswith("%"):
            value = Fraction(Decimal(raw[:-1])) / 100
        elif raw.endswith("‰"):
            value = Fraction(Decimal(raw[:-1])) / 1000
        elif "/" in raw:
            num, den = raw.split("/", 1)
            value = Fraction(int(num), int(den))
        else:
            value = Fraction(Decimal(raw))
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise _Bad("registry.bad_ratio") from None
    if value <= 0 or value > 1:
        raise _Bad("registry.ratio_range")
    return f"{value.numerator}/{value.denominator}"


def _p_text(text: str) -> str:
    return text.strip()


def _p_code(text: str) -> Any:
    value = uscc.normalise(text)
    if not value:
        return ""
    result = uscc.check(value)
    if result.error:
        raise _Bad(result.error, **result.params)
    return result if result.warnings else result.code


def _p_legacy(text: str) -> Any:
    value = uscc.normalise(text)
    if not value:
        return ""
    result = uscc.check(value)
    if result.kind != "legacy":
        raise _Bad("uscc.legacy_digits")
    return result if result.warnings else result.code


def _p_region(text: str) -> str:
    value = uscc.normalise(text)
    if value and not (len(value) == 6 and value.isdigit()):
        raise _Bad("registry.bad_region")
    return value


def _p_date(text: str) -> date | None:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return parse_date(text)


def _p_item_type(text: str) -> str:
    item_type = _ITEM_TYPES.get(text.strip().lower()) or _ITEM_TYPES.get(text.strip())
    if item_type is None:
        raise _Bad("registry.bad_item_type")
    return item_type


def _p_risk(text: str) -> str:
    value = text.strip()
    if not value:
        return ""
    value = _RISK_WORDS.get(value, uscc.normalise(value))
    if value not in ("A", "B", "C", "D", "E"):
        raise _Bad("registry.bad_risk")
    return value


_PARSERS: dict[str, Callable[[str], Any]] = {
    "text": _p_text,
    "badge": uscc.normalise,
    "code": _p_code,
    "legacy": _p_legacy,
    "region": _p_region,
    "date": _p_date,
    "bool": lambda text: parse_bool(text, False),
    "active": lambda text: parse_bool(text, True),
    "list": parse_list,
    "ratio": parse_ratio,
    "item_type": _p_item_type,
    "risk": _p_risk,
}


def _parse(spec_field: FieldSpec, text: str) -> Any:
    return _PARSERS[spec_field.kind](text)


@dataclass
class Validated:
    record: dict[str, Any] | None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


_PLANS: dict[str, list[tuple[str, Callable[[str], Any], bool]]] = {}


def _plan(spec: RegistrySpec) -> list[tuple[str, Callable[[str], Any], bool]]:
    plan = _PLANS.get(spec.name)
    if plan is None:
        plan = _PLANS[spec.name] = [(f.name, _PARSERS[f.kind], f.required) for f in spec.fields]
    return plan


def validate_record(
    spec: RegistrySpec, values: Mapping[str, str], file: str, row: int, names: Mapping[str, str]
) -> Validated:
    """Validate one row's text values; returns the typed record or its errors."""
    out: dict[str, Any] = {}
    errors: list[RowError] | None = None
    warnings: list[RowError] | None = None
    get = values.get
    for name, parser, required in _plan(spec):
        try:
            value = parser(get(name, ""))
        except _Bad as bad:
            errors = errors or []
            errors.append(_row_error(values, file, row, names, name, bad.code, bad.params))
            continue
        if value.__class__ is uscc.CodeCheck:
            warnings = warnings or []
            warnings.extend(
                RowError(file, row, names.get(name, name), value.code, w, dict(value.params))
                for w in value.warnings
            )
            value = value.code
        if required and (value == "" or value is None):
            errors = errors or []
            errors.append(_row_error(values, file, row, names, name, "registry.required", {}))
            continue
        out[name] = value
    if errors is None:
        problem = _cross_check(spec, out)
        if problem is not None:
            errors = [_row_error(values, file, row, names, problem[0], problem[1], {})]
    if errors:
        return Validated(None, errors, warnings or [])
    return Validated(out, [], warnings or [])


def _row_error(
    values: Mapping[str, str],
    file: str,
    row: int,
    names: Mapping[str, str],
    name: str,
    code: str,
    params: dict[str, Any],
) -> RowError:
    return RowError(file, row, names.get(name, name), values.get(name, "")[:60], code, params)


def _cross_check(spec: RegistrySpec, out: dict[str, Any]) -> tuple[str, str] | None:
    """Rules across fields; may fill ``out``.  Returns (field, catalog key) of a problem."""
    if spec is ENTITIES:
        if not out["code"]:
            if not out["legacy_reg_no"]:
                return ("code", "registry.required")
            out["code"] = out["legacy_reg_no"]
        elif len(out["code"]) == 15 and not out["legacy_reg_no"]:
            out["legacy_reg_no"] = out["code"]
    elif spec is ITEMS and out["item_type"] == "一般" and not out["ratio_cap"]:
        return ("ratio_cap", "registry.general_needs_cap")
    return None


# -- hashing and digests ------------------------------------------------------------------


_HASH_FIELDS: dict[str, list[str]] = {}
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# The same encoding through the C encoder made once (JSONEncoder.encode makes one per call,
# a third of the cost of hashing an imported row); falls back to _ENCODER without the C one.
_ROW_ENCODE: Callable[[Any, int], Any] = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    if json.encoder.c_make_encoder is not None  # type: ignore[attr-defined]
    else lambda value, _level: _ENCODER.iterencode(value)
)


def row_hash(spec: RegistrySpec, record: Mapping[str, Any]) -> str:
    """SHA-256 of the row content (schema order, ``active`` excluded)."""
    names = _HASH_FIELDS.get(spec.name)
    if names is None:
        names = _HASH_FIELDS[spec.name] = [f.name for f in spec.fields if f.name != "active"]
    items = [spec.name]
    for name in names:
        value = record[name]
        items.append(value.isoformat() if value.__class__ is date else value)
    return hashlib.sha256(_ENCODER.encode(items).encode("utf-8")).hexdigest()


def _col(spec: RegistrySpec, name: str) -> Column[Any]:
    return spec.table.c[name]


def _ordered(conn: Connection, spec: RegistrySpec) -> list[ColumnElement[Any]]:
    collation = "C" if conn.dialect.name == "postgresql" else "BINARY"
    return [_col(spec, k).collate(collation) for k in spec.key]


def _bind(session: Session | Connection) -> Connection:
    return session.connection() if isinstance(session, Session) else session


def table_digest(conn: Connection, spec: RegistrySpec, recompute: bool = True) -> str:
    """The digest of one registry table (see the module doc)."""
    h = hashlib.sha256(f"{DIGEST_TAG}\n{spec.table_name}\n".encode())
    names = [f.name for f in spec.fields]
    if recompute:
        stmt = select(*[_col(spec, n) for n in names]).order_by(*_ordered(conn, spec))
        result = conn.execute(stmt.execution_options(yield_per=10_000))
        for part in result.partitions():
            lines = []
            for r in part:
                record = dict(zip(names, r, strict=True))
                active = "1" if record["active"] else "0"
                keys = "\t".join(record[k] for k in spec.key)
                lines.append(f"{keys}\t{active}\t{row_hash(spec, record)}\n")
            h.update("".join(lines).encode("utf-8"))
        return h.hexdigest()
    # Stored hashes only: the database builds each line "keys<TAB>active<TAB>row_hash" (the
    # same text as above), read through the DB-API cursor of this same transaction (SQL
    # compiled by SQLAlchemy for the dialect) and joined in C: several times faster than
    # Core result rows or a Python loop on a million-row table.
    tab = literal("\t", String)
    line: ColumnElement[Any] = _col(spec, spec.key[0])
    for k in spec.key[1:]:
        line = line + tab + _col(spec, k)
    flag = case((_col(spec, "active").is_(True), literal("1", String)), else_=literal("0", String))
    line = line + tab + flag + tab + _col(spec, "row_hash")
    query = select(line)
    if conn.dialect.name == "sqlite":
        # "+k" (a no-op on text) makes SQLite scan the table and sort, instead of walking the
        # key index with one table lookup per row: twice as fast on a million rows, the same
        # order (COLLATE BINARY is the byte order of _ordered), and with SQLite's default
        # cache the sort spills to a temporary file rather than growing in memory.
        query = query.order_by(text(", ".join(f"+{k} COLLATE BINARY" for k in spec.key)))
    else:
        query = query.order_by(*_ordered(conn, spec))
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    first = operator.itemgetter(0)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled))
        while part := cursor.fetchmany(10_000):
            h.update(("\n".join(map(first, part)) + "\n").encode("utf-8"))
    finally:
        cursor.close()
    return h.hexdigest()


def state_digests(session: Session | Connection, recompute: bool = True) -> dict[str, str]:
    """One digest per registry table over its rows' content (for the audit log's ``state``)."""
    conn = _bind(session)
    return {s.table_name: table_digest(conn, s, recompute) for s in SPECS.values()}


# -- import -----------------------------------------------------------------------------


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
    dry_run: bool = False
    seq: int | None = None

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
        return _col(spec, spec.key[0]).in_([k[0] for k in keys])
    return tuple_(*(_col(spec, k) for k in spec.key)).in_(keys)


def _key_where(spec: RegistrySpec) -> ColumnElement[bool]:
    return and_(*(_col(spec, k) == bindparam(f"k_{k}") for k in spec.key))


class _Slow(Exception):
    """The fast path met something unusual; the row goes through ``validate_record``."""


# The bulk-import check of a clean USCC, in C when the extension is built (the twin of
# uscc.is_clean_valid_uscc, tested equal): a tenth of the per-row Python work of an import.
_uscc_ok: Callable[[str], bool] = (
    accel.native.uscc_ok if accel.native is not None else uscc.is_clean_valid_uscc
)


def _f_code(text: str) -> str:
    if _uscc_ok(text):
        return text
    raise _Slow


def _f_legacy(text: str) -> str:
    if not text or uscc.is_clean_valid_legacy(text):
        return text
    raise _Slow


def _f_region(text: str) -> str:
    if not text or (len(text) == 6 and text.isascii() and text.isdigit()):
        return text
    raise _Slow


_RISK_CLASSES = frozenset(("", "A", "B", "C", "D", "E"))


def _f_risk(text: str) -> str:
    if text in _RISK_CLASSES:
        return text
    raise _Slow


def _f_list(text: str) -> str:
    if _LIST_SPLIT.search(text) is None:
        item = text.strip()
        return f"|{item}|" if item else ""
    return parse_list(text)


def _f_date(text: str) -> str | None:
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        date.fromisoformat(text)  # ValueError -> slow path
        return text
    raise _Slow


def _f_simple(parser: Callable[[str], Any]) -> Callable[[str], Any]:
    def run(text: str) -> Any:
        try:
            return parser(text)
        except _Bad:
            raise _Slow from None

    return run


_FAST_PARSERS: dict[str, Callable[[str], Any]] = {
    "code": _f_code,
    "date": _f_date,
    "list": _f_list,
    **{
        k: _f_simple(v)
        for k, v in _PARSERS.items()
        if k not in ("code", "date", "list", "text", "legacy", "region", "badge", "risk")
    },
    "legacy": _f_legacy,
    "region": _f_region,
    "risk": _f_risk,
    "badge": uscc.normalise,
}


def _fast_validator(spec: RegistrySpec) -> Callable[[Mapping[str, str]], tuple[Any, ...]]:
    """A function from text values to the row tuple (schema order, dates as ISO text), for
    rows with nothing unusual; it raises ``_Slow`` (or ``ValueError``) otherwise, and the row
    then goes through ``validate_record``, which is the reference.  Generated once per
    registry so that the per-row cost is a handful of direct calls (the bulk-import budget)."""
    lines = ["def fast(v):", "    g = v.get"]
    names = []
    namespace: dict[str, Any] = {"_Slow": _Slow, "CodeCheck": uscc.CodeCheck}
    for i, f in enumerate(spec.fields):
        var = f"x{i}"
        names.append(var)
        if f.kind == "text":
            lines.append(f"    {var} = g({f.name!r}, '').strip()")
        else:
            namespace[f"p{i}"] = _FAST_PARSERS[f.kind]
            lines.append(f"    {var} = p{i}(g({f.name!r}, ''))")
        if f.required:
            lines.append(f"    if {var} == '' or {var} is None: raise _Slow")
    if spec is ENTITIES:
        lines.append("    if len(x0) != 18: raise _Slow")  # legacy-only or empty code
    if spec is ITEMS:
        lines.append("    raise _Slow")  # items are few: always the reference path
    lines.append(f"    return ({', '.join(names)},)")
    exec("\n".join(lines), namespace)  # the source is built above from the static specs
    fast: Callable[[Mapping[str, str]], tuple[Any, ...]] = namespace["fast"]
    return fast


_FAST: dict[str, Callable[[Mapping[str, str]], tuple[Any, ...]]] = {}


def _fast_for(spec: RegistrySpec) -> Callable[[Mapping[str, str]], tuple[Any, ...]]:
    fast = _FAST.get(spec.name)
    if fast is None:
        fast = _FAST[spec.name] = _fast_validator(spec)
    return fast


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
        self.hash_idx = self.index["row_hash"]
        self.active_idx = self.index["active"]
        self.update_stmt = (
            spec.table.update()
            .where(_key_where(spec))
            .values({c: bindparam(f"v_{c}") for c in self.cols if c not in spec.key})
        )
        self.added = self.updated = self.unchanged = 0
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

    def key(self, row: tuple[Any, ...]) -> Any:
        if len(self.key_idx) == 1:
            return row[self.key_idx[0]]
        return tuple(row[i] for i in self.key_idx)

    def add(self, row: tuple[Any, ...]) -> None:
        self.batch.append(row)
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
            cols = [_col(spec, k) for k in spec.key]
            stmt = select(*cols, _col(spec, "row_hash"), _col(spec, "active")).where(
                _key_filter(spec, keys)
            )
            nkey = len(spec.key)
            for r in self.conn.execute(stmt):
                existing[r[0] if nkey == 1 else tuple(r[:nkey])] = (r[-2], bool(r[-1]))
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
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
            self.conn.exec_driver_sql(self.insert_sql, params)
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

    def deactivate_missing(self, seen: Mapping[Any, int]) -> int:
        spec = self.spec
        cols = [_col(spec, k) for k in spec.key]
        nkey = len(spec.key)
        missing = [
            tuple(r)
            for r in self.conn.execute(select(*cols).where(_col(spec, "active").is_(True)))
            if (r[0] if nkey == 1 else tuple(r)) not in seen
        ]
        if self.write:
            stmt = spec.table.update().where(_key_where(spec)).values(active=False)
            for i in range(0, len(missing), BATCH):
                chunk = missing[i : i + BATCH]
                self.conn.execute(
                    stmt, [{f"k_{k}": key[j] for j, k in enumerate(spec.key)} for key in chunk]
                )
        return len(missing)


def _db_value(value: Any) -> Any:
    """A row-tuple value for a Core statement: ISO date text back to ``date``."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _row_tuple(spec: RegistrySpec, record: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(
        record[f.name].isoformat() if record[f.name].__class__ is date else record[f.name]
        for f in spec.fields
    )


def _tuple_hash(spec_name: str, row: tuple[Any, ...]) -> str:
    # == row_hash(spec, record): every field but the last (active), dates already ISO text
    return hashlib.sha256("".join(_ROW_ENCODE([spec_name, *row[:-1]], 0)).encode()).hexdigest()


def _run_import(
    conn: Connection,
    spec: RegistrySpec,
    reader: RowReader,
    result: ImportResult,
    replace: bool,
    write: bool,
) -> None:
    importer = _Importer(conn, spec, write)
    fast = _fast_for(spec)
    key_of = importer.key
    seen: dict[Any, int] = {}
    errors: list[RowError] = []
    error_count = 0
    names: dict[str, str] = {}
    file = reader.path.name
    name = spec.name
    rows = 0
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the bulk path makes no reference cycles; a growing key map makes GC costly
    try:
        for src in reader:
            rows += 1
            row_errors = src.errors
            row: tuple[Any, ...] | None = None
            if not row_errors:
                try:
                    row = fast(src.values)
                except (_Slow, ValueError):
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
                    row = _row_tuple(spec, checked.record)
            if row is not None and not row_errors:
                key = key_of(row)
                first = seen.get(key)
                if first is None:
                    seen[key] = src.row
                else:
                    if not names:
                        names = dict(reader.column_names)
                    shown = key if isinstance(key, str) else "/".join(key)
                    column = names.get(spec.key[-1], spec.key[-1])
                    row_errors = [
                        RowError(
                            file, src.row, column, shown, "registry.duplicate_key", {"first": first}
                        )
                    ]
            if row_errors:
                error_count += len(row_errors)
                errors.extend(row_errors[: max(MAX_REPORTED_ERRORS - len(errors), 0)])
                continue
            if error_count:
                continue  # keep validating to report every bad row, but write nothing more
            assert row is not None
            importer.add((*row, _tuple_hash(name, row)))
        result.rows = rows
        if error_count:
            raise InputError("registry.bad_rows", rows=errors, file=file, count=error_count)
        importer.flush()
        result.added, result.updated, result.unchanged = (
            importer.added,
            importer.updated,
            importer.unchanged,
        )
        if replace:
            result.deactivated = importer.deactivate_missing(seen)
    finally:
        if importer.cache_size is not None:  # give back the bulk path's page cache
            conn.exec_driver_sql(f"PRAGMA cache_size={int(importer.cache_size)}")
        if gc_was_enabled:
            gc.enable()


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
    )
    result = ImportResult(
        registry=spec.name,
        file=reader.path.name,
        sha256=file_sha256(reader.path),
        format=reader.format,
        unknown_columns=list(reader.unknown_columns),
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
        result.seq = tx.record(f"{spec.name}.import", payload)
    return result


# -- edits ------------------------------------------------------------------------------


def _key_tuple(spec: RegistrySpec, key: str) -> tuple[str, ...]:
    parts = key.split("/") if len(spec.key) > 1 else [key]
    if len(parts) != len(spec.key):
        raise UsageError("registry.bad_key", key=key, form="/".join(spec.key))
    return tuple(uscc.normalise(p) for p in parts)


def _fetch(conn: Connection, spec: RegistrySpec, key: tuple[str, ...]) -> dict[str, Any]:
    where = and_(*(_col(spec, k) == v for k, v in zip(spec.key, key, strict=True)))
    row = conn.execute(select(spec.table).where(where)).mappings().first()
    if row is None:
        raise NotFoundError("registry.not_found", registry=spec.name, key="/".join(key))
    return dict(row)


def to_text(spec: RegistrySpec, name: str, value: Any) -> str:
    """A stored value as the text a file would hold (the inverse of the import parsers)."""
    f = spec.field(name)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if f.kind in ("bool", "active"):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(value)
    if f.kind == "list":
        return "|".join(split_list(value))
    return str(value)


def set_fields(
    engine: Engine,
    workspace: Workspace,
    registry: str,
    key: str,
    assignments: Mapping[str, str],
    *,
    actor: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Change fields of one row (validated like an import); one audit entry ``<registry>.edit``."""
    from randcheck.services.audit import AuditLog

    spec = spec_for(registry)
    keyt = _key_tuple(spec, key)
    for name in assignments:
        spec.field(name)
        if name in spec.key:
            raise UsageError("registry.key_not_editable", field=name)
    clean: dict[str, str] = {}
    bad: list[RowError] = []
    for name, value in assignments.items():
        # the import rule: line breaks become a space (list fields: separate items)
        value = value if spec.field(name).kind == "list" else one_line(value)
        found = problem(value)
        if found is not None:
            bad.append(RowError("-", 0, name, shown(value, found[1]), found[0], {"char": found[1]}))
        clean[name] = value
    if bad:
        raise InputError("registry.bad_edit", rows=bad, key=key)
    with AuditLog(workspace, engine).transaction(actor, now) as tx:
        conn = tx.session.connection()
        current = _fetch(conn, spec, keyt)
        values = {f.name: to_text(spec, f.name, current[f.name]) for f in spec.fields}
        values.update(clean)
        checked = validate_record(spec, values, "-", 0, {})
        if checked.record is None:
            raise InputError("registry.bad_edit", rows=checked.errors, key=key)
        record = checked.record
        record["row_hash"] = row_hash(spec, record)
        changes = {
            name: (
                ["<redacted>", "<redacted>"]
                if name in SENSITIVE
                else [to_text(spec, name, current[name]), to_text(spec, name, record[name])]
            )
            for name in sorted(assignments)
            if record[name] != current[name]
        }
        if changes:
            conn.execute(
                spec.table.update()
                .where(_key_where(spec))
                .values({c: record[c] for c in record if c not in spec.key}),
                {f"k_{k}": v for k, v in zip(spec.key, keyt, strict=True)},
            )
            tx.record(
                f"{spec.name}.edit",
                {
                    "registry": spec.name,
                    "key": "/".join(keyt),
                    "changes": changes,
                    "state": state_digests(conn, recompute=False),
                },
            )
    return {"key": "/".join(keyt), "changes": changes}


def deactivate(
    engine: Engine,
    workspace: Workspace,
    registry: str,
    key: str,
    reason: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> bool:
    """Mark one row inactive with a reason (one audit entry); False if it already was."""
    from randcheck.services.audit import AuditLog

    spec = spec_for(registry)
    keyt = _key_tuple(spec, key)
    if not reason.strip():
        raise UsageError("registry.reason_required")
    reason = one_line(reason)
    found = problem(reason)
    if found is not None:
        raise InputError(
            "registry.bad_reason",
            rows=[
                RowError("-", 0, "--reason", shown(reason, found[1]), found[0], {"char": found[1]})
            ],
        )
    with AuditLog(workspace, engine).transaction(actor, now) as tx:
        conn = tx.session.connection()
        current = _fetch(conn, spec, keyt)
        if not current["active"]:
            return False
        conn.execute(
            spec.table.update().where(_key_where(spec)).values(active=False),
            {f"k_{k}": v for k, v in zip(spec.key, keyt, strict=True)},
        )
        tx.record(
            f"{spec.name}.deactivate",
            {
                "registry": spec.name,
                "key": "/".join(keyt),
                "reason": reason.strip(),
                "state": state_digests(conn, recompute=False),
            },
        )
    return True


# -- queries ----------------------------------------------------------------------------


def _where(
    spec: RegistrySpec, filters: Mapping[str, str | None], include_inactive: bool
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if not include_inactive:
        clauses.append(_col(spec, "active").is_(True))
    for option, value in sorted(filters.items()):
        if value is None or value == "":
            continue
        if option not in spec.filters:
            raise UsageError("registry.unknown_filter", filter=option, registry=spec.name)
        column, mode = spec.filters[option]
        col = _col(spec, column)
        if mode == "eq":
            clauses.append(col == value)
        elif mode == "prefix":
            clauses.append(col.startswith(value, autoescape=True))
        elif mode == "list":
            clauses.append(col.contains(f"|{value}|", autoescape=True))
        elif mode == "bool":
            clauses.append(col.is_(parse_bool(value, True)))
    return clauses


def typed_row(spec: RegistrySpec, row: Mapping[Any, Any]) -> dict[str, Any]:
    """A row as Python values: lists as ``list[str]``, dates as ``date``, flags as ``bool``."""
    out: dict[str, Any] = {}
    for f in spec.fields:
        value = row[f.name]
        if f.kind == "list" and not isinstance(value, list):
            value = split_list(value or "")
        elif f.kind in ("bool", "active"):
            value = bool(value)
        out[f.name] = value
    return out


def json_row(spec: RegistrySpec, row: Mapping[str, Any], public: bool = False) -> dict[str, Any]:
    """A typed row made JSON-safe (dates ISO); ``public`` drops internal fields."""
    out = {
        k: (v.isoformat() if isinstance(v, date) else v) for k, v in typed_row(spec, row).items()
    }
    if public:
        for name in SENSITIVE:
            out.pop(name, None)
    return out


def iter_rows(
    session: Session | Connection,
    registry: str,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Rows of ``registry`` matching ``filters``, in byte order of the key, as typed dicts."""
    spec = spec_for(registry)
    conn = _bind(session)
    stmt = (
        select(spec.table)
        .where(*_where(spec, filters or {}, include_inactive))
        .order_by(*_ordered(conn, spec))
    )
    if limit is not None and limit > 0:
        stmt = stmt.limit(limit)
    for part in conn.execute(stmt.execution_options(yield_per=5000)).mappings().partitions():
        for row in part:
            yield typed_row(spec, row)


def iter_entities(
    session: Session | Connection,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
) -> Iterator[dict[str, Any]]:
    """Active entities (filters: region, industry, status, tag, risk), ordered by code."""
    return iter_rows(session, "entities", filters, include_inactive=include_inactive)


def iter_inspectors(
    session: Session | Connection,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
) -> Iterator[dict[str, Any]]:
    """Active inspectors (filters: unit, department, region, specialty, qualification, status,
    expert), ordered by badge number."""
    return iter_rows(session, "inspectors", filters, include_inactive=include_inactive)


def iter_items(
    session: Session | Connection,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
) -> Iterator[dict[str, Any]]:
    """Active inspection items (filters: department, type, tag), ordered by code."""
    return iter_rows(session, "items", filters, include_inactive=include_inactive)


def iter_conflicts(
    session: Session | Connection,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
) -> Iterator[dict[str, Any]]:
    """Active conflicts (filters: badge, entity), ordered by (badge_no, entity_code)."""
    return iter_rows(session, "conflicts", filters, include_inactive=include_inactive)


def count_rows(
    session: Session | Connection,
    registry: str,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
) -> int:
    spec = spec_for(registry)
    conn = _bind(session)
    stmt = (
        select(func.count())
        .select_from(spec.table)
        .where(*_where(spec, filters or {}, include_inactive))
    )
    return int(conn.execute(stmt).scalar_one())


def get_row(session: Session | Connection, registry: str, key: str) -> dict[str, Any]:
    spec = spec_for(registry)
    return typed_row(spec, _fetch(_bind(session), spec, _key_tuple(spec, key)))


def _for_people(text: str) -> str:
    """A cell of an export for people: visible (``isprintable`` first: the common case is one
    C call), then inert."""
    return inert(text if text.isprintable() else visible(text))


def export_file(
    engine: Engine,
    registry: str,
    path: Path,
    *,
    public: bool = False,
    include_inactive: bool = True,
    filters: Mapping[str, str | None] | None = None,
) -> int:
    """Write the registry to ``path`` (.csv/.xlsx/.json by extension), atomically; returns rows.

    CSV and XLSX are for people: every cell is made inert (``randcheck.bundle.table.inert``),
    which a CSV/XLSX import undoes, and text stored before the clean-text rule is shown with
    its control, bidirectional and invisible characters made visible (``<U+0000>``: XLSX
    cannot even hold most of them).  JSON is for machines: the values as stored.
    """
    from randcheck.io.writers import write_table

    spec = spec_for(registry)
    columns = [f.name for f in spec.fields if not (public and f.name in SENSITIVE)]
    with engine.connect() as conn:
        rows = (
            {c: _for_people(to_text(spec, c, r[c])) for c in columns}
            for r in iter_rows(conn, registry, filters, include_inactive=include_inactive)
        )
        json_rows = (
            json_row(spec, r, public)
            for r in iter_rows(conn, registry, filters, include_inactive=include_inactive)
        )
        return write_table(Path(path), columns, rows, json_rows)


__all__ = [
    "MAX_FIELD_CHARS",
    "SPECS",
    "ImportResult",
    "count_rows",
    "deactivate",
    "export_file",
    "get_row",
    "import_file",
    "iter_conflicts",
    "iter_entities",
    "iter_inspectors",
    "iter_items",
    "iter_rows",
    "row_hash",
    "set_fields",
    "state_digests",
]
