"""Synthetic, realistic registries for tests, benchmarks and ``randcheck demo``.

Everything is a pure function of ``seed``: values come from SHA-256 in counter mode
(``SHA-256(seed ‖ label ‖ index ‖ counter)``), never from ``random``.  Entity ``i`` depends
only on ``(seed, i)``, so a million rows stream without being held in memory, and conflicts can
name entities by index.  The city is 苏州市 (320500) with its districts; 320584 (the former
吴江市, now 吴江区 320509) is left out because it no longer exists.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from randcheck.core.uscc import ALPHABET, make_legacy, make_uscc
from randcheck.io.atomic import atomic_open

T = TypeVar("T")

CITY = ("320500", "苏州市")
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("320505", "虎丘区"),
    ("320506", "吴中区"),
    ("320507", "相城区"),
    ("320508", "姑苏区"),
    ("320509", "吴江区"),
    ("320571", "苏州工业园区"),
    ("320581", "常熟市"),
    ("320582", "张家港市"),
    ("320583", "昆山市"),
    ("320585", "太仓市"),
)
# GB/T 4754-2017 industry codes with the supervision tag they usually carry.
INDUSTRIES: tuple[tuple[str, str, str], ...] = (
    ("H6210", "餐饮", "食品经营"),
    ("H6220", "快餐", "食品经营"),
    ("F5211", "百货", "公示信息"),
    ("F5212", "超市", "食品经营"),
    ("F5221", "粮油", "食品经营"),
    ("F5251", "大药房", "药品零售"),
    ("C1469", "食品", "食品生产"),
    ("C2710", "制药", "药品生产"),
    ("C2922", "塑料制品", "产品质量"),
    ("L7251", "广告", "广告发布"),
    ("K7010", "置业", "特种设备使用"),
    ("O8010", "家政服务", "公示信息"),
)
STATUSES = (("存续", 90), ("注销", 4), ("吊销", 3), ("迁出", 2), ("撤销", 1))
RISKS = (("A", 50), ("B", 30), ("C", 15), ("D", 5))
SUBJECTS = (("企业", "1", 80), ("个体工商户", "2", 17), ("农民专业合作社", "3", 3))
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞婷雪琳晨宇浩"
    "然欣怡子轩梓涵一诺佳琪思远志明海燕春梅秋菊冬梅晓东晓红国强建华"
)
_TRADE = (
    "恒瑞华润新达鑫盛金源天诚宏远瑞丰嘉禾永信盛世东方泰和景福德隆万通长青博雅润泽华美"
    "富康安泰兴旺顺达汇丰锦程鸿运"
)
TAGS_EXTRA = ("重点工业产品", "网络交易", "电梯使用")


class Stream:
    """Deterministic bytes: SHA-256(seed ‖ 0x00 ‖ label ‖ 0x00 ‖ counter)."""

    def __init__(self, seed: str, label: str) -> None:
        self._prefix = seed.encode("utf-8") + b"\x00" + label.encode("utf-8") + b"\x00"
        self._counter = 0
        self._buf = b""

    def _more(self) -> None:
        self._buf += hashlib.sha256(self._prefix + self._counter.to_bytes(8, "big")).digest()
        self._counter += 1

    def below(self, n: int) -> int:
        """An integer in [0, n), unbiased (rejection sampling on 32-bit words)."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = (1 << 32) - (1 << 32) % n
        while True:
            if len(self._buf) < 4:
                self._more()
            value, self._buf = int.from_bytes(self._buf[:4], "big"), self._buf[4:]
            if value < limit:
                return value % n

    def choice(self, options: Sequence[T]) -> T:
        return options[self.below(len(options))]

    def weighted(self, options: Sequence[tuple[T, int]]) -> T:
        total = sum(w for _o, w in options)
        pick = self.below(total)
        for option, weight in options:
            if pick < weight:
                return option
            pick -= weight
        raise AssertionError("unreachable")  # pragma: no cover

    def chance(self, per_cent: int) -> bool:
        return self.below(100) < per_cent


_PERM = 387_420_489  # a multiplier coprime to 31**6: index -> unique organisation-code body
_SPACE = 31**6


def _org_body(index: int) -> str:
    n = (index * _PERM + 12345) % _SPACE
    chars = []
    for _ in range(6):
        n, r = divmod(n, 31)
        chars.append(ALPHABET[r])
    return "MA" + "".join(reversed(chars))


def _date(s: Stream, start_year: int, years: int) -> str:
    year = start_year + s.below(years)
    return f"{year:04d}-{1 + s.below(12):02d}-{1 + s.below(28):02d}"


ENTITY_FIELDS = (
    "code",
    "legacy_reg_no",
    "name",
    "subject_type",
    "registration_authority",
    "jurisdiction_unit",
    "region_code",
    "grid",
    "industry",
    "status",
    "tags",
    "risk_class",
    "risk_as_of",
    "last_inspected_on",
)
ENTITY_HEADERS_ZH = (
    "统一社会信用代码",
    "注册号",
    "企业名称",
    "主体类别",
    "登记机关",
    "管辖单位",
    "行政区划代码",
    "片区",
    "行业代码",
    "登记状态",
    "监管标签",
    "风险等级",
    "风险分类日期",
    "上次检查日期",
)


def entity(seed: str, index: int) -> dict[str, str]:
    """Entity number ``index`` of the demo registry for ``seed`` (text values by field)."""
    s = Stream(seed, f"entity/{index}")
    region, district = s.choice(DISTRICTS)
    subject, kind, _w = SUBJECTS[_weighted_index(s, [w for *_x, w in SUBJECTS])]
    industry, word, tag = s.choice(INDUSTRIES)
    legacy = make_legacy(f"{region}{index:08d}")
    legacy_only = s.chance(3)
    code = legacy if legacy_only else make_uscc("9", kind, region, _org_body(index))
    trade = s.choice(_TRADE) + s.choice(_TRADE)
    if subject == "个体工商户":
        name = f"{district}{s.choice(_SURNAMES)}{s.choice(_GIVEN)}{word}店"
    elif subject == "农民专业合作社":
        name = f"{CITY[1]}{district}{trade}农产品专业合作社"
    else:
        name = f"{CITY[1]}{trade}{word}有限公司"
    tags = [tag]
    if s.chance(10):
        tags.append(s.choice(TAGS_EXTRA))
    if s.chance(15):
        tags.append("公示信息")
    inspected = _date(s, 2021, 4) if s.chance(40) else ""
    return {
        "code": code,
        "legacy_reg_no": legacy if (legacy_only or s.chance(30)) else "",
        "name": name,
        "subject_type": subject,
        "registration_authority": f"{CITY[1]}{district}市场监督管理局",
        "jurisdiction_unit": f"{district}{s.choice('东南西北中')}片市场监管所",
        "region_code": region,
        "grid": f"{district}第{1 + s.below(12)}网格",
        "industry": industry,
        "status": s.weighted(STATUSES),
        "tags": "|".join(sorted(set(tags))),
        "risk_class": s.weighted(RISKS),
        "risk_as_of": "2025-01-01",
        "last_inspected_on": inspected,
    }


def _weighted_index(s: Stream, weights: Sequence[int]) -> int:
    return s.weighted([(i, w) for i, w in enumerate(weights)])


def iter_entities(seed: str, count: int) -> Iterator[dict[str, str]]:
    for i in range(count):
        yield entity(seed, i)


SPECIALTIES = ("食品安全", "药品监管", "特种设备", "广告监管", "信用监管", "产品质量")
QUALIFICATIONS = ("行政执法证", "食品检查员", "药品检查员", "特种设备安全监察员", "医疗器械检查员")
DEPARTMENTS = (
    "信用监督管理科",
    "食品经营安全监督管理科",
    "药品流通监督管理科",
    "特种设备安全监察科",
    "广告监督管理科",
    "产品质量安全监督管理科",
)
INSPECTOR_FIELDS = (
    "badge_no",
    "issuer",
    "cert_valid_until",
    "name",
    "unit",
    "department",
    "region",
    "specialties",
    "qualifications",
    "is_expert",
    "status",
)
INSPECTOR_HEADERS_ZH = (
    "执法证号",
    "发证机关",
    "有效期至",
    "姓名",
    "工作单位",
    "业务部门",
    "所属地区",
    "业务专长",
    "执法资质",
    "是否专家",
    "人员状态",
)


def inspectors(seed: str, count: int) -> list[dict[str, str]]:
    """``count`` inspectors: about 8 % experts and 10 % with an expired certificate."""
    out = []
    for i in range(count):
        s = Stream(seed, f"inspector/{i}")
        region, district = DISTRICTS[i % len(DISTRICTS)]
        expert = s.chance(8)
        specialties = sorted({s.choice(SPECIALTIES) for _ in range(1 + s.below(2))})
        quals = ["行政执法证"] if not expert else []
        quals += [q for q in QUALIFICATIONS[1:] if s.chance(25)]
        out.append(
            {
                "badge_no": f"{region}{i + 1:05d}",
                "issuer": "江苏省人民政府",
                "cert_valid_until": _date(s, 2023, 2) if s.chance(10) else _date(s, 2027, 3),
                "name": s.choice(_SURNAMES)
                + s.choice(_GIVEN)
                + (s.choice(_GIVEN) if s.chance(50) else ""),
                "unit": f"{CITY[1]}{district}市场监督管理局",
                "department": s.choice(DEPARTMENTS),
                "region": region,
                "specialties": "|".join(specialties),
                "qualifications": "|".join(sorted(quals)),
                "is_expert": "是" if expert else "否",
                "status": "在职",
            }
        )
    return out


ITEMS: tuple[dict[str, str], ...] = (
    {
        "code": "A07",
        "name": "企业公示信息抽查",
        "legal_basis": "《企业信息公示暂行条例》第十四条；《企业公示信息抽查办法》第四条",
        "department": "信用监督管理科",
        "method": "书面检查、实地核查、网络监测",
        "scope_tags": "公示信息",
        "required_qualification": "行政执法证",
        "item_type": "一般",
        "ratio_cap": "1/20",
        "frequency": "每年1次",
    },
    {
        "code": "A08",
        "name": "登记事项检查",
        "legal_basis": (
            "《市场主体登记管理条例》第三十五条；《市场主体登记管理条例实施细则》第六十六条"
        ),
        "department": "信用监督管理科",
        "method": "实地核查",
        "scope_tags": "公示信息",
        "required_qualification": "行政执法证",
        "item_type": "一般",
        "ratio_cap": "3/100",
        "frequency": "每年1次",
    },
    {
        "code": "A10",
        "name": "广告发布行为检查",
        "legal_basis": "《中华人民共和国广告法》第四十九条",
        "department": "广告监督管理科",
        "method": "网络监测、实地核查",
        "scope_tags": "广告发布",
        "required_qualification": "行政执法证",
        "item_type": "一般",
        "ratio_cap": "1/10",
        "frequency": "每年1次",
    },
    {
        "code": "B01",
        "name": "食品经营者监督检查",
        "legal_basis": (
            "《中华人民共和国食品安全法》第一百一十条；《食品生产经营监督检查管理办法》第二十三条"
        ),
        "department": "食品经营安全监督管理科",
        "method": "现场检查",
        "scope_tags": "食品经营|食品生产",
        "required_qualification": "食品检查员",
        "item_type": "重点",
        "ratio_cap": "",
        "frequency": "按风险等级确定",
    },
    {
        "code": "B05",
        "name": "药品零售企业监督检查",
        "legal_basis": "《中华人民共和国药品管理法》第九十九条",
        "department": "药品流通监督管理科",
        "method": "现场检查",
        "scope_tags": "药品零售|药品生产",
        "required_qualification": "药品检查员",
        "item_type": "重点",
        "ratio_cap": "",
        "frequency": "每年1次",
    },
    {
        "code": "C01",
        "name": "特种设备使用单位监督检查",
        "legal_basis": (
            "《中华人民共和国特种设备安全法》第五十七条；《特种设备安全监督检查办法》第八条"
        ),
        "department": "特种设备安全监察科",
        "method": "现场检查",
        "scope_tags": "特种设备使用|电梯使用",
        "required_qualification": "特种设备安全监察员",
        "item_type": "重点",
        "ratio_cap": "",
        "frequency": "每年1次",
    },
    {
        "code": "C05",
        "name": "重点工业产品质量监督检查",
        "legal_basis": "《中华人民共和国产品质量法》第十五条",
        "department": "产品质量安全监督管理科",
        "method": "现场检查、检验检测",
        "scope_tags": "产品质量|重点工业产品",
        "required_qualification": "行政执法证",
        "item_type": "一般",
        "ratio_cap": "1/20",
        "frequency": "每年1次",
    },
)
ITEM_FIELDS = tuple(ITEMS[0])

CONFLICT_FIELDS = ("badge_no", "entity_code", "relation", "source", "declared_on")
RELATIONS = ("近亲属在该企业任职", "曾在该企业任职", "持有该企业股份", "其他利害关系")


def conflicts(
    seed: str, entity_count: int, inspector_rows: Sequence[dict[str, str]]
) -> list[dict[str, str]]:
    """About one declared relationship per five inspectors (unique pairs)."""
    s = Stream(seed, "conflicts")
    pairs: dict[tuple[str, str], dict[str, str]] = {}
    if entity_count <= 0 or not inspector_rows:
        return []
    for _ in range(max(1, len(inspector_rows) // 5) + min(entity_count, 3)):
        badge = s.choice(inspector_rows)["badge_no"]
        code = entity(seed, s.below(entity_count))["code"]
        pairs.setdefault(
            (badge, code),
            {
                "badge_no": badge,
                "entity_code": code,
                "relation": s.choice(RELATIONS),
                "source": s.choice(("本人申报", "举报核实", "人事档案")),
                "declared_on": _date(s, 2023, 3),
            },
        )
    return [pairs[k] for k in sorted(pairs)]


# -- writers ------------------------------------------------------------------------------


def write_csv(
    path: Path,
    headers: Sequence[str],
    fields: Sequence[str],
    rows: Iterator[dict[str, str]] | Sequence[dict[str, str]],
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> int:
    """Write rows as CSV (atomically); returns the row count."""
    count = 0
    with atomic_open(path) as fh:
        text = io.TextIOWrapper(fh, encoding=encoding, newline="")
        writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row[f] for f in fields])
            count += 1
        text.flush()
        text.detach()
    return count


def write_xlsx(
    path: Path, headers: Sequence[str], fields: Sequence[str], rows: Sequence[dict[str, str]]
) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("名录")
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row[f] for f in fields])
    with atomic_open(path) as fh:
        book.save(fh)


def write_json(path: Path, rows: Sequence[dict[str, str]]) -> None:
    data = json.dumps(list(rows), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    with atomic_open(path) as fh:
        fh.write(data.encode("utf-8"))


def write_demo(
    folder: Path, seed: str = "randcheck-demo", entities: int = 20000, inspectors: int = 60
) -> dict[str, Path]:
    """Write the demo registries into ``folder``; returns {name: path}.

    ``entities.csv`` (UTF-8, English headers), ``entities_gbk.csv`` (GBK, Chinese headers, as
    Excel on Chinese Windows saves it), ``inspectors.xlsx`` (Chinese headers),
    ``inspectors.csv``, ``items.json``, ``conflicts.csv`` and ``conflicts.jsonl``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    staff = globals()["inspectors"](seed, inspectors)
    paths = {
        "entities_csv": folder / "entities.csv",
        "entities_gbk": folder / "entities_gbk.csv",
        "inspectors_xlsx": folder / "inspectors.xlsx",
        "inspectors_csv": folder / "inspectors.csv",
        "items_json": folder / "items.json",
        "conflicts_csv": folder / "conflicts.csv",
        "conflicts_jsonl": folder / "conflicts.jsonl",
    }
    write_csv(paths["entities_csv"], ENTITY_FIELDS, ENTITY_FIELDS, iter_entities(seed, entities))
    write_csv(
        paths["entities_gbk"],
        ENTITY_HEADERS_ZH,
        ENTITY_FIELDS,
        iter_entities(seed, entities),
        encoding="gbk",
    )
    write_xlsx(paths["inspectors_xlsx"], INSPECTOR_HEADERS_ZH, INSPECTOR_FIELDS, staff)
    write_csv(paths["inspectors_csv"], INSPECTOR_FIELDS, INSPECTOR_FIELDS, staff)
    write_json(paths["items_json"], ITEMS)
    rels = conflicts(seed, entities, staff)
    write_csv(paths["conflicts_csv"], CONFLICT_FIELDS, CONFLICT_FIELDS, rels)
    with atomic_open(paths["conflicts_jsonl"]) as fh:
        for row in rels:
            fh.write((json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    return paths
