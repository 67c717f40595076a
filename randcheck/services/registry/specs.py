"""What each registry holds: its fields, their kinds (``kinds.KINDS``), the headers a file may
use for them (Chinese and English synonyms seen in office exports), the columns recognised and
deliberately not stored, its key, filters and list columns.

A field's first Chinese synonym is its header in templates and docs; its name is the English
header.  ``ignored`` columns (address, legal representative, phone, ID-card number …) are
named after an import as "not stored, never published"; their values are never read into a
record, so they cannot reach the database or a published file.  ``序号`` (a row number column
that every office export has) is accepted and ignored silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Table

from randcheck.errors import UsageError
from randcheck.services.registry.kinds import KINDS
from randcheck.store.models import Conflict, Entity, Inspector, Item

SENSITIVE = frozenset({"risk_class", "risk_as_of"})  # internal only: never published
#: fields whose old and new values an ``*.edit`` log entry records as ``<redacted>``: the log is
#: published (a bundle carries its tail, SPEC §14.6), and a 回避 declaration's relation and source
#: are personal.  The registry's state digest in the same entry still binds the change.
LOG_REDACTED = SENSITIVE | {"relation", "source"}
SILENT = ("序号", "行号", "编号序号", "no", "#")  # row-number columns: accepted, not reported


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # a key of kinds.KINDS
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:  # every kind has its reference parser and its fast twin
            raise ValueError(f"field {self.name}: unknown kind {self.kind!r}")

    @property
    def header_zh(self) -> str:
        """The Chinese header of templates and docs: the first non-ASCII synonym."""
        return next((a for a in self.aliases if not a.isascii()), self.name)

    def headers(self) -> tuple[str, ...]:
        """Every header this field is read from: its name, then its synonyms."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class RegistrySpec:
    name: str  # entities, inspectors, items, conflicts
    table: Table
    key: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    required_columns: tuple[tuple[str, ...], ...]
    filters: Mapping[str, tuple[str, str]]  # option -> (column, mode: eq|prefix|list|bool)
    list_columns: tuple[str, ...]
    ignored: tuple[str, ...] = ()  # headers recognised and deliberately not stored

    @property
    def table_name(self) -> str:
        return str(self.table.name)

    def aliases(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in self.fields:
            for alias in f.headers():
                out[alias] = f.name
        return out

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise UsageError("registry.unknown_field", field=name, registry=self.name)


_ACTIVE = FieldSpec("active", "active", ("有效", "是否有效", "有效状态", "enabled"), example="是")

# what office exports carry and randcheck does not keep (personal data, addresses …)
_PERSONAL = (
    "身份证号",
    "身份证号码",
    "公民身份号码",
    "证件号码",
    "联系电话",
    "电话",
    "手机",
    "手机号",
    "手机号码",
)

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
            example="91330481MA2B3C4D14",
        ),
        FieldSpec(
            "legacy_reg_no",
            "legacy",
            ("注册号", "工商注册号", "reg_no", "regno"),
            example="330481000012345",
        ),
        FieldSpec(
            "name",
            "text",
            ("名称", "企业名称", "主体名称", "市场主体名称", "单位名称", "经营者名称", "entname"),
            True,
            example="海宁市某某贸易有限公司",
        ),
        FieldSpec(
            "subject_type",
            "text",
            ("主体类别", "主体类型", "市场主体类型", "企业类型", "type"),
            example="有限责任公司",
        ),
        FieldSpec(
            "registration_authority",
            "text",
            ("登记机关", "注册机关", "regorg"),
            example="海宁市市场监督管理局",
        ),
        FieldSpec(
            "jurisdiction_unit",
            "text",
            ("管辖单位", "管辖机关", "监管单位", "localadm"),
            example="硖石市场监督管理所",
        ),
        FieldSpec(
            "region_code",
            "region",
            ("行政区划", "行政区划代码", "区划代码", "所属区划", "region"),
            example="330481",
        ),
        FieldSpec("grid", "text", ("片区", "网格", "片区网格", "商圈"), example="硖石片区"),
        FieldSpec(
            "industry",
            "text",
            ("行业", "行业代码", "所属行业", "国民经济行业", "行业门类", "行业类别"),
            example="F5191",
        ),
        FieldSpec(
            "status",
            "text",
            ("登记状态", "经营状态", "企业状态", "状态"),
            example="存续（在营、开业、在册）",
        ),
        FieldSpec("tags", "list", ("监管标签", "标签", "tag"), example="食品经营|网络交易"),
        FieldSpec(
            "risk_class",
            "risk",
            ("风险等级", "风险分类", "信用风险分类", "信用风险等级", "风险类别", "risk"),
            example="B",
        ),
        FieldSpec(
            "risk_as_of",
            "date",
            ("风险分类日期", "风险等级日期", "风险评定日期"),
            example="2026-01-15",
        ),
        FieldSpec(
            "last_inspected_on",
            "date",
            ("上次检查日期", "最近检查日期", "上次检查时间", "最近一次检查日期"),
            example="2025-06-30",
        ),
        _ACTIVE,
    ),
    required_columns=(("code", "legacy_reg_no"), ("name",)),
    filters={
        "region": ("region_code", "prefix"),
        "industry": ("industry", "prefix"),
        "status": ("status", "status"),  # by vocabulary word (core/status.py)
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
    ignored=(
        "住所",
        "地址",
        "经营场所",
        "住所（经营场所）",
        "法定代表人",
        "法定代表人（负责人）",
        "负责人",
        "经营者",
        "成立日期",
        "注册资本",
        "经营范围",
        "核准日期",
        *_PERSONAL,
    ),
)

INSPECTORS = RegistrySpec(
    name="inspectors",
    table=Inspector.__table__,  # type: ignore[attr-defined]
    key=("badge_no",),
    fields=(
        FieldSpec(
            "badge_no",
            "badge",
            ("执法证号", "执法证编号", "执法证件号", "行政执法证号", "证件号", "badge", "cert_no"),
            True,
            example="33048120001",
        ),
        FieldSpec(
            "issuer", "text", ("发证机关", "发证部门", "cert_issuer"), example="浙江省人民政府"
        ),
        FieldSpec(
            "cert_valid_until",
            "date",
            ("有效期至", "证件有效期", "执法证有效期", "cert_expiry"),
            example="2028-12-31",
        ),
        FieldSpec("name", "text", ("姓名", "人员姓名", "执法人员姓名"), True, example="张三"),
        FieldSpec(
            "unit",
            "text",
            ("工作单位", "单位", "所在单位", "所属单位"),
            example="海宁市市场监督管理局",
        ),
        FieldSpec(
            "department",
            "text",
            ("业务部门", "所在业务部门", "部门", "所在部门", "科室"),
            example="硖石市场监督管理所",
        ),
        FieldSpec(
            "region", "text", ("所属地区", "单位所属地区", "地区", "region_code"), example="330481"
        ),
        FieldSpec(
            "specialties",
            "list",
            ("业务专长", "专长", "执法领域", "执法门类", "specialty"),
            example="食品|特种设备",
        ),
        FieldSpec(
            "qualifications",
            "list",
            ("执法资质", "岗位资质", "资质", "执法证类别", "qualification"),
            example="行政执法证",
        ),
        FieldSpec("is_expert", "bool", ("是否专家", "专家", "expert"), example="否"),
        FieldSpec("status", "text", ("人员状态", "在岗状态", "状态"), example="在岗"),
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
    ignored=("性别", "出生日期", "民族", "政治面貌", "职务", "职级", *_PERSONAL),
)

ITEMS = RegistrySpec(
    name="items",
    table=Item.__table__,  # type: ignore[attr-defined]
    key=("code",),
    fields=(
        FieldSpec(
            "code",
            "badge",
            ("事项编码", "编号", "事项编号", "事项代码", "抽查事项编码", "item_code"),
            True,
            example="SC-001",
        ),
        FieldSpec(
            "name",
            "text",
            ("抽查事项", "事项名称", "抽查事项名称", "检查事项", "名称"),
            True,
            example="食品经营者落实食品安全主体责任情况的检查",
        ),
        FieldSpec(
            "legal_basis",
            "text",
            ("抽查依据", "检查依据", "法律依据", "依据", "basis"),
            True,
            example="《中华人民共和国食品安全法》第一百一十条",
        ),
        FieldSpec(
            "department",
            "text",
            ("抽查主体", "实施部门", "检查主体", "实施主体", "部门"),
            example="食品经营监管科",
        ),
        FieldSpec("method", "text", ("抽查方式", "检查方式", "方式"), example="现场检查"),
        FieldSpec(
            "scope_tags",
            "list",
            ("抽查对象", "对象标签", "监管标签", "scope", "tags"),
            example="食品经营",
        ),
        FieldSpec("scope_filter", "text", ("对象范围", "范围条件", "filter")),
        FieldSpec(
            "required_qualification",
            "text",
            ("检查人员要求", "人员要求", "资质要求", "执法资质"),
            example="行政执法证",
        ),
        FieldSpec(
            "item_type",
            "item_type",
            ("事项类型", "事项类别", "抽查类别", "检查类别", "类型", "type"),
            True,
            example="一般检查事项",
        ),
        FieldSpec(
            "ratio_cap", "ratio", ("抽查比例", "比例上限", "抽查比例上限", "ratio"), example="5%"
        ),
        FieldSpec("frequency", "text", ("抽查频次", "检查频次", "频次"), example="每年一次"),
        _ACTIVE,
    ),
    required_columns=(("code",), ("name",), ("legal_basis",), ("item_type",)),
    filters={
        "department": ("department", "eq"),
        "type": ("item_type", "eq"),
        "tag": ("scope_tags", "list"),
    },
    list_columns=("code", "name", "item_type", "ratio_cap", "department", "scope_tags", "active"),
    ignored=("执法门类", "备注", "事项类别说明"),
)

CONFLICTS = RegistrySpec(
    name="conflicts",
    table=Conflict.__table__,  # type: ignore[attr-defined]
    key=("badge_no", "entity_code"),
    fields=(
        FieldSpec(
            "badge_no",
            "badge",
            ("执法证号", "执法证编号", "badge", "inspector"),
            True,
            example="33048120001",
        ),
        FieldSpec(
            "entity_code",
            "code",
            ("统一社会信用代码", "统一社会信用代码/注册号", "信用代码", "code", "entity", "uscc"),
            True,
            example="91330481MA2B3C4D14",
        ),
        FieldSpec("relation", "text", ("关系", "利害关系", "回避事由"), True, example="近亲属持股"),
        FieldSpec("source", "text", ("来源", "信息来源"), example="本人申报"),
        FieldSpec("declared_on", "date", ("申报日期", "登记日期", "date"), example="2026-02-01"),
        _ACTIVE,
    ),
    required_columns=(("badge_no",), ("entity_code",), ("relation",)),
    filters={"badge": ("badge_no", "eq"), "entity": ("entity_code", "eq")},
    list_columns=("badge_no", "entity_code", "relation", "source", "declared_on", "active"),
    ignored=("姓名", "企业名称", "名称", "备注", *_PERSONAL),
)

SPECS: dict[str, RegistrySpec] = {s.name: s for s in (ENTITIES, INSPECTORS, ITEMS, CONFLICTS)}
TABLES = ("entity", "inspector", "item", "conflict")


def spec_for(registry: str) -> RegistrySpec:
    try:
        return SPECS[registry]
    except KeyError:
        raise UsageError("registry.unknown_registry", registry=registry) from None
