"""Task definitions (the office's plan for one draw), parsed from TOML or JSON and validated.

A definition says *what* to draw (items, filters, strata, exclusions), *who* may inspect
(team rules), and *which public randomness* will be used.  It is turned into a signed
announcement (docs/SPEC.md §4) by ``randcheck.services.tasks``.  Every error names the field.

Text that reaches the public pages (the title, witnesses, departments, lottery names and
periods, dice witnesses; in fact every text field) is checked at the door like registry
imports (``randcheck.core.text``): each line break becomes one space, and a control,
bidirectional or invisible character is a field error (``taskdef.bad_text``).  A definition
read back from the database (``from_stored``) is not checked again: it was stored as it was.
Files nest at most ``MAX_DEPTH`` deep (``taskdef.too_deep``): JSON is measured on its text
before the recursive parser sees it, TOML after parsing (``tomllib`` is pure Python, and a
``RecursionError`` from it is the same refusal).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from randcheck.core import status as _status
from randcheck.core.canonical import MAX_PARSE_DEPTH, depth_ok, json_nesting_ok
from randcheck.core.canonical import parse as parse_json
from randcheck.core.draw import drand as _drand
from randcheck.core.taskreader import PLAN_FIELDS, Reader, unknown_field
from randcheck.core.tomlerror import toml_error
from randcheck.errors import InputError

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_RATIO = re.compile(r"^\s*([0-9]+)\s*/\s*([0-9]+)\s*$")
_PERCENT = re.compile(r"^\s*([0-9]+)\s*%\s*$")
CAP_COUNTS = ("all", "random")  # what exclusions.annual_cap counts (see TaskDef)
MODES = {
    "directed": "directed",
    "定向": "directed",
    "undirected": "undirected",
    "不定向": "undirected",
}
DRAND_CHAINS = ("quicknet", "mainnet")
SPECS = ("v1", "v2")  # ``spec``: randcheck/draw/v1 (the default) or v2 (docs/SPEC-v2.md)
#: v2: seconds between the commitment's committed_at and the first round it may use; generous
#: enough for a timestamp relayed through another machine to come back before that round
DEFAULT_MARGIN = 300
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
_URL = re.compile(r"^https?://\S+$")
LATEST_ROUND_TIME = 4102444800  # 2100-01-01T00:00:00Z
MAX_DEPTH = MAX_PARSE_DEPTH  # nesting a definition file may have (an annual plan needs 5)


@dataclass(frozen=True)
class StratumDef:
    id: str
    risk: tuple[str, ...]  # risk classes in this stratum; "*" = every class not listed elsewhere
    count: int | None
    ratio: tuple[int, int] | None
    reserve: int


@dataclass(frozen=True)
class DiceDef:
    witness: str
    count: int
    faces: int


@dataclass(frozen=True)
class LotteryDef:
    name: str
    period: str
    count: int
    min: int
    max: int


@dataclass(frozen=True)
class DrandDef:
    chain: str
    round: int | None  # fixed in advance, or
    delay: int  # seconds after the announcement: the first round strictly later


@dataclass(frozen=True)
class OrderingDef:
    """``[ordering]`` of a v2 task (docs/tasks.md): what the order of the randomness rests on."""

    margin: int = DEFAULT_MARGIN
    witnesses: tuple[str, ...] = ()  # names of witness keys in the workspace
    tsa_certs: tuple[str, ...] = ()  # certificate files, or SHA-256 fingerprints (hex)
    tsa_url: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "margin": self.margin,
            "witnesses": list(self.witnesses),
            "tsa_certs": list(self.tsa_certs),
            "tsa_url": self.tsa_url,
        }


def is_fingerprint(value: str) -> bool:
    """A ``tsa_certs`` entry that is a certificate's SHA-256 (else it is a file path)."""
    return bool(_FINGERPRINT.match(value))


@dataclass(frozen=True)
class TaskDef:
    id: str
    title: str
    items: tuple[str, ...]
    departments: tuple[str, ...]  # empty: the items' departments, first item's first
    mode: str
    region: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    subject_type: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # empty: the items' scope tags (directed) / none (undirected)
    statuses: tuple[str, ...] = ("存续",)
    recent_days: int | None = None
    annual_cap: int | None = None
    # what ``annual_cap`` counts: "all" = every inspection of the enterprise this year, random
    # or not (国办发〔2024〕54号), "random" = random draws only
    annual_cap_counts: str = "all"
    drawn_this_year: bool = True
    strata: tuple[StratumDef, ...] = ()
    batches: int = 1
    min_inspectors: int = 2
    experts: int = 0
    per_department: bool = False
    rotation: bool = True
    max_load: int = 10
    inspect_from: str = ""
    inspect_to: str = ""
    qualifications: tuple[str, ...] = ()  # on top of the items' required qualifications
    dice: tuple[DiceDef, ...] = ()
    lottery: tuple[LotteryDef, ...] = ()
    drand: DrandDef | None = None
    witnesses: tuple[str, ...] = ()
    planned_draw_at: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    spec: str = "v1"
    ordering: OrderingDef | None = None  # v2 only (always set for a v2 task)

    def to_json(self) -> dict[str, Any]:
        """The canonical, JSON-safe form (stored with the task; publishable, no risk data)."""
        return {
            "id": self.id,
            "title": self.title,
            "items": list(self.items),
            "departments": list(self.departments),
            "mode": self.mode,
            "filters": {
                "region": list(self.region),
                "industry": list(self.industry),
                "subject_type": list(self.subject_type),
                "tags": list(self.tags),
            },
            "exclusions": {
                "statuses": list(self.statuses),
                "recent_days": self.recent_days,
                "annual_cap": self.annual_cap,
                "annual_cap_counts": self.annual_cap_counts,
                "drawn_this_year": self.drawn_this_year,
            },
            "strata": [
                {
                    "id": s.id,
                    "risk": list(s.risk),
                    "count": s.count,
                    "ratio": None if s.ratio is None else f"{s.ratio[0]}/{s.ratio[1]}",
                    "reserve": s.reserve,
                }
                for s in self.strata
            ],
            "batches": self.batches,
            "teams": {
                "min_inspectors": self.min_inspectors,
                "experts": self.experts,
                "per_department": self.per_department,
                "rotation": self.rotation,
                "max_load": self.max_load,
                "inspect_from": self.inspect_from,
                "inspect_to": self.inspect_to,
                "qualifications": list(self.qualifications),
            },
            "entropy": {
                "dice": [
                    {"witness": d.witness, "count": d.count, "faces": d.faces} for d in self.dice
                ],
                "lottery": [
                    {
                        "name": x.name,
                        "period": x.period,
                        "count": x.count,
                        "min": x.min,
                        "max": x.max,
                    }
                    for x in self.lottery
                ],
                "drand": None
                if self.drand is None
                else {
                    "chain": self.drand.chain,
                    "round": self.drand.round,
                    "delay": self.drand.delay,
                },
            },
            "witnesses": list(self.witnesses),
            "planned_draw_at": self.planned_draw_at,
            # v1 definitions keep their stored form (and digest) byte for byte
            **(
                {}
                if self.spec == "v1"
                else {"spec": self.spec, "ordering": (self.ordering or OrderingDef()).to_json()}
            ),
        }


def parse_ratio(text: str, source: str, where: str) -> tuple[int, int]:
    """``"3/100"`` or ``"3%"`` as an exact (num, den) with 1 <= num <= den."""
    m = _RATIO.match(text)
    if m:
        num, den = int(m.group(1)), int(m.group(2))
    else:
        p = _PERCENT.match(text)
        if not p:
            raise InputError(
                "taskdef.bad_field",
                file=source,
                field=where,
                expected_key="taskdef.exp.ratio",
                value=text,
            )
        num, den = int(p.group(1)), 100
    if not 1 <= num <= den:
        raise InputError(
            "taskdef.bad_field",
            file=source,
            field=where,
            expected_key="taskdef.exp.ratio_range",
            value=text,
        )
    return num, den


def load_text(data: bytes, name: str) -> dict[str, Any]:
    """Parse a definition file's bytes: TOML (``.toml``) or JSON (anything else); refuse
    nesting deeper than ``MAX_DEPTH`` (``taskdef.too_deep``, naming the file)."""
    too_deep = InputError("taskdef.too_deep", file=name, limit=MAX_DEPTH)
    try:
        if name.lower().endswith(".toml"):
            try:
                doc: Any = tomllib.loads(data.decode("utf-8-sig"))
            except RecursionError:
                raise too_deep from None
        else:
            body = data.lstrip(b"\xef\xbb\xbf")
            if not json_nesting_ok(body, MAX_DEPTH):
                raise too_deep  # before the parser, which recurses in C
            doc = parse_json(body, max_depth=MAX_DEPTH)
    except UnicodeDecodeError as exc:
        raise InputError("taskdef.not_utf8", file=name, offset=exc.start) from exc
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, name) from exc
    except InputError as exc:
        if exc is too_deep or exc.code == "canonical.too_deep":
            raise too_deep from None
        raise InputError(
            "taskdef.unreadable", file=name, reason_key=exc.code, reason_params=exc.params
        ) from exc
    if not depth_ok(doc, MAX_DEPTH):
        raise too_deep
    if not isinstance(doc, dict):
        raise InputError("taskdef.bad_table", field="(top)", file=name)
    return doc


def definitions(doc: Mapping[str, Any], source: str) -> list[TaskDef]:
    """One task, or an annual plan: ``[[task]]`` tables sharing top-level ``[defaults]``."""
    if "task" in doc:
        tasks = doc["task"]
        defaults = doc.get("defaults", {})
        if not isinstance(tasks, list) or not isinstance(defaults, dict):
            raise InputError("taskdef.bad_table", field="task", file=source)
        extra = sorted(str(k) for k in set(doc) - set(PLAN_FIELDS))
        if extra:
            raise unknown_field(source, extra[0], extra[0], PLAN_FIELDS)
        out = [parse_task(_merge(defaults, t), source, f"task[{i}]") for i, t in enumerate(tasks)]
        seen: set[str] = set()
        for t in out:
            if t.id in seen:  # name the id that repeats
                raise InputError("taskdef.duplicate_task", file=source, task=t.id)
            seen.add(t.id)
        return out
    return [parse_task(doc, source, "")]


def _merge(base: Mapping[str, Any], over: Any) -> Any:
    if not isinstance(over, Mapping):
        return over
    merged: dict[str, Any] = dict(base)
    for k, v in over.items():
        merged[k] = _merge(base[k], v) if isinstance(base.get(k), Mapping) else v
    return merged


def parse_task(
    doc: Mapping[str, Any], source: str, where: str = "", *, check_text: bool = True
) -> TaskDef:
    """Validate one task table; raises ``InputError`` naming the file and field.

    ``check_text=False`` (a stored definition) skips the clean-text rule (module doc)."""
    r = Reader(doc, where, source, check_text)
    task_id = r.text("id", pattern=_ID)
    title = r.text("title")
    items = r.texts("items")
    if not items:
        raise InputError("taskdef.missing", file=source, field=r._name("items"))
    departments = r.texts("departments")
    mode_text = r.text("mode", "directed")
    if mode_text not in MODES:
        raise r._bad("mode", "taskdef.exp.one_of", values="directed|undirected|定向|不定向")
    mode = MODES[mode_text]
    f = r.table("filters")
    region, industry = f.texts("region"), f.texts("industry")
    subject_type, tags = f.texts("subject_type"), f.texts("tags")
    f.finish()
    if mode == "undirected" and (region or industry or subject_type or tags):
        raise InputError("taskdef.undirected_filters", file=source, field=f.where)
    x = r.table("exclusions")
    statuses = _statuses(x, check_text)
    recent = x.integer("recent_days", None, 1, 3660)
    cap = x.integer("annual_cap", None, 1, 366)
    cap_counts = x.text("annual_cap_counts", "all")
    if cap_counts not in CAP_COUNTS:
        raise x._bad("annual_cap_counts", "taskdef.exp.one_of", values=" / ".join(CAP_COUNTS))
    this_year = x.boolean("drawn_this_year", True)
    x.finish()
    strata: list[StratumDef] = []
    for s in r.tables("strata"):
        sid = s.text("id", pattern=_ID)
        risk = s.texts("risk", ("*",))
        if not risk:  # a stratum no entity could ever be in
            raise s._bad("risk", "taskdef.exp.risk")
        count = s.integer("count", None, 0)
        ratio_text = s.raw("ratio")
        ratio = None
        if ratio_text is not None:
            if not isinstance(ratio_text, str):
                raise s._bad("ratio", "taskdef.exp.ratio")
            ratio = parse_ratio(ratio_text, source, s._name("ratio"))
        if (count is None) == (ratio is None):
            raise InputError("taskdef.count_or_ratio", file=source, field=s.where)
        reserve = s.req_integer("reserve", 5, 0, 10000)
        s.finish()
        strata.append(StratumDef(sid, risk, count, ratio, reserve))
    if not strata:
        raise InputError("taskdef.missing", file=source, field=r._name("strata"))
    sids = [s.id for s in strata]
    if len(set(sids)) != len(sids):
        raise InputError("taskdef.duplicate_stratum", file=source, field=r._name("strata"))
    classes = [c for s in strata for c in s.risk]
    if len(set(classes)) != len(classes):
        raise InputError("taskdef.risk_twice", file=source, field=r._name("strata"))
    batches = r.req_integer("batches", 1, 1, 1000)
    t = r.table("teams")
    min_insp = t.req_integer("min_inspectors", 2, 2, 20)
    experts = t.req_integer("experts", 0, 0, 10)
    per_dep = t.boolean("per_department", False)
    rotation = t.boolean("rotation", True)
    max_load = t.req_integer("max_load", 10, 1, 100000)
    inspect_from = t.date("inspect_from")
    inspect_to = t.date("inspect_to")
    quals = t.texts("qualifications")
    t.finish()
    if inspect_to < inspect_from:
        raise InputError("taskdef.dates_order", file=source, field=t._name("inspect_to"))
    e = r.table("entropy")
    # Evidence is entered per witness / per lottery name (entropy file, ceremony): each must
    # be unique, and a misspelt key (``face = 20``) must not silently become the default.
    dice: list[DiceDef] = []
    for dt in e.tables("dice"):
        die = DiceDef(
            dt.text("witness"),
            dt.req_integer("count", 5, 1, 64),
            dt.req_integer("faces", 6, 2, 1000),
        )
        dt.finish()
        if any(x.witness == die.witness for x in dice):
            raise dt._bad("witness", "taskdef.exp.witness_once")
        dice.append(die)
    lottery: list[LotteryDef] = []
    for lt in e.tables("lottery"):
        lo = lt.req_integer("min", 0, 0, 2**32 - 1)
        hi = lt.req_integer("max", 9, 0, 2**32 - 1)
        if hi < lo:
            raise lt._bad("max", "taskdef.exp.at_least", lo=lo)
        lot = LotteryDef(
            lt.text("name"), lt.text("period"), lt.req_integer("count", 3, 1, 64), lo, hi
        )
        lt.finish()
        if any(x.name == lot.name for x in lottery):
            raise lt._bad("name", "taskdef.exp.lottery_once")
        lottery.append(lot)
    drand: DrandDef | None = None
    if e.has("drand"):
        d = e.table("drand")
        chain = d.text("chain", "quicknet")
        if chain not in DRAND_CHAINS:
            raise d._bad("chain", "taskdef.exp.one_of", values="|".join(DRAND_CHAINS))
        # a round fixed in advance must be published before 2100: beyond that it is a typo,
        # and no time past year 9999 can even be written down
        last_round = _drand.round_at(_drand.CHAINS[chain], LATEST_ROUND_TIME)
        drand = DrandDef(
            chain,
            d.integer("round", None, 1, last_round),
            d.req_integer("delay", 600, 1, 30 * 86400),
        )
        d.finish()
    e.finish()
    if not (dice or lottery or drand):
        raise InputError("taskdef.no_public_entropy", file=source, field=e.where or "entropy")
    spec = r.text("spec", "v1")
    if spec not in SPECS:
        raise r._bad("spec", "taskdef.exp.spec")
    ordering = _ordering(r, spec, drand, e)
    witnesses = r.texts("witnesses")
    planned = r.text("planned_draw_at", "")
    if planned:
        try:
            when = datetime.fromisoformat(planned)
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise r._bad("planned_draw_at", "taskdef.exp.datetime")
    r.finish()
    return TaskDef(
        id=task_id,
        title=title,
        items=items,
        departments=departments,
        mode=mode,
        region=region,
        industry=industry,
        subject_type=subject_type,
        tags=tags,
        statuses=statuses,
        recent_days=recent,
        annual_cap=cap,
        annual_cap_counts=cap_counts,
        drawn_this_year=this_year,
        strata=tuple(strata),
        batches=batches,
        min_inspectors=min_insp,
        experts=experts,
        per_department=per_dep,
        rotation=rotation,
        max_load=max_load,
        inspect_from=inspect_from,
        inspect_to=inspect_to,
        qualifications=quals,
        dice=tuple(dice),
        lottery=tuple(lottery),
        drand=drand,
        witnesses=witnesses,
        planned_draw_at=planned,
        spec=spec,
        ordering=ordering,
    )


def _ordering(r: Reader, spec: str, drand: DrandDef | None, e: Reader) -> OrderingDef | None:
    """``[ordering]`` (v2 only; defaults when absent) and v2's rules on ``[entropy.drand]``."""
    if spec == "v1":
        if r.has("ordering"):
            raise InputError("taskdef.ordering_needs_v2", file=r.source, field=r._name("ordering"))
        return None
    if drand is None:
        raise InputError("taskdef.v2_needs_drand", file=r.source, field=e._name("drand"))
    raw = e.doc.get("drand")
    for key in ("round", "delay"):
        if isinstance(raw, Mapping) and key in raw:
            field_name = f"{e._name('drand')}.{key}"
            raise InputError("taskdef.v2_no_round", file=r.source, field=field_name)
    o = r.table("ordering")
    margin = o.req_integer("margin", DEFAULT_MARGIN, 0, 3600)
    if isinstance(o.raw("witnesses"), str):  # one name is still a list: ["张伟"]
        raise o._bad("witnesses", "taskdef.exp.witness_list")
    witnesses = o.texts("witnesses")
    certs = o.texts("tsa_certs")
    url = o.text("tsa_url", "")
    if url and not _URL.match(url):
        raise o._bad("tsa_url", "taskdef.exp.pattern", pattern="http(s)://…")
    o.finish()
    return OrderingDef(margin, witnesses, certs, url)


def _statuses(x: Reader, check: bool) -> tuple[str, ...]:
    """``exclusions.statuses`` as canonical words (``randcheck.core.status``); a value
    outside the vocabulary is a field error listing the accepted words (not checked again
    for a stored definition)."""
    raw = x.texts("statuses", (_status.OPERATING,))
    if check:
        for i, value in enumerate(raw):
            if not _status.known(value):
                raise InputError(
                    "taskdef.bad_status",
                    file=x.source,
                    field=f"{x._name('statuses')}[{i}]",
                    value=value,
                    values="、".join(_status.VOCABULARY),
                )
    return tuple(dict.fromkeys(_status.normalise(v) for v in raw))


def from_stored(doc: Mapping[str, Any]) -> TaskDef:
    """A definition back from its stored ``to_json`` form."""
    d = dict(doc)
    ent = d.pop("entropy")
    d.pop("filters", None)
    filters = doc["filters"]
    teams = d.pop("teams")
    excl = d.pop("exclusions")
    strata = []
    for s in d.pop("strata"):
        s = dict(s)
        if s["ratio"] is None:
            s.pop("ratio")
        if s["count"] is None:
            s.pop("count")
        strata.append(s)
    drand = ent.get("drand")
    if drand is not None and drand.get("round") is None:
        drand = {k: v for k, v in drand.items() if k != "round"}
    if drand is not None and d.get("spec", "v1") == "v2":
        drand = {"chain": drand["chain"]}
    rebuilt = {
        **d,
        "filters": filters if d["mode"] == "directed" else {},
        "exclusions": {k: v for k, v in excl.items() if v is not None},
        "strata": strata,
        "teams": teams,
        "entropy": {k: v for k, v in {**ent, "drand": drand}.items() if v is not None},
    }
    return parse_task(rebuilt, "(stored)", check_text=False)
