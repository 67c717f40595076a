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

import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from randcheck.core import status as _status
from randcheck.core.canonical import MAX_PARSE_DEPTH, depth_ok, json_nesting_ok
from randcheck.core.canonical import parse as parse_json
from randcheck.core.draw import drand as _drand
from randcheck.core.text import one_line, problem, visible
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
LATEST_ROUND_TIME = 4102444800  # 2100-01-01T00:00:00Z
MAX_DEPTH = MAX_PARSE_DEPTH  # nesting a definition file may have (an annual plan needs 5)

# The fields each table of a definition may hold (kind -> names), and where each kind lives.
# An unknown field is refused by name as soon as its table is opened, with a suggestion.
FIELDS: dict[str, tuple[str, ...]] = {
    "": (
        "id", "title", "items", "departments", "mode", "filters", "exclusions", "strata",
        "batches", "teams", "entropy", "witnesses", "planned_draw_at",
    ),
    "filters": ("region", "industry", "subject_type", "tags"),
    "exclusions": (
        "statuses", "recent_days", "annual_cap", "annual_cap_counts", "drawn_this_year",
    ),
    "strata": ("id", "risk", "count", "ratio", "reserve"),
    "teams": (
        "min_inspectors", "experts", "per_department", "rotation", "max_load",
        "inspect_from", "inspect_to", "qualifications",
    ),
    "entropy": ("dice", "lottery", "drand"),
    "dice": ("witness", "count", "faces"),
    "lottery": ("name", "period", "count", "min", "max"),
    "drand": ("chain", "round", "delay"),
}  # fmt: skip
HOME = {
    "": "",
    "filters": "filters",
    "exclusions": "exclusions",
    "strata": "strata",
    "teams": "teams",
    "entropy": "entropy",
    "dice": "entropy.dice",
    "lottery": "entropy.lottery",
    "drand": "entropy.drand",
}
PLAN_FIELDS = ("task", "defaults", "plan")


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
        }


class _Reader:
    """Typed access to one table of the definition, naming the field on every error."""

    def __init__(
        self,
        doc: Mapping[str, Any],
        where: str,
        source: str,
        check_text: bool = True,
        kind: str = "",
    ) -> None:
        if not isinstance(doc, Mapping):
            raise InputError("taskdef.bad_table", field=where, file=source)
        self.doc = doc
        self.where = where
        self.source = source
        self.check_text = check_text
        self.kind = kind
        self.used: set[str] = set()
        allowed = FIELDS[kind]
        unknown = sorted(str(k) for k in doc if k not in allowed)
        if unknown:
            raise unknown_field(source, self._name(unknown[0]), unknown[0], allowed)

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _bad(self, key: str, expected: str, **params: Any) -> InputError:
        """``expected`` is a ``taskdef.exp.*`` catalog key, rendered in the user's language."""
        return InputError(
            "taskdef.bad_field",
            file=self.source,
            field=self._name(key),
            expected_key=expected,
            expected_params=params,
            value=repr(self.doc.get(key))[:80],
        )

    def _clean(self, field_name: str, value: str) -> str:
        """``value`` on one line; a field error if it holds a character text may not hold."""
        if not self.check_text:
            return value
        flat = one_line(value)
        found = problem(flat)
        if found is not None:
            raise InputError(
                "taskdef.bad_text",
                file=self.source,
                field=field_name,
                value=visible(flat)[:80],
                reason_key=found[0],
                reason_params={"char": found[1]},
            )
        return flat

    def has(self, key: str) -> bool:
        return key in self.doc

    def raw(self, key: str) -> Any:
        self.used.add(key)
        return self.doc.get(key)

    def text(
        self, key: str, default: str | None = None, pattern: re.Pattern[str] | None = None
    ) -> str:
        value = self.raw(key)
        if value is None:
            if default is None:
                raise InputError("taskdef.missing", file=self.source, field=self._name(key))
            return default
        if isinstance(value, datetime | date):
            value = value.isoformat()
        if not isinstance(value, str) or (not value.strip() and default is None):
            raise self._bad(key, "taskdef.exp.text")
        value = self._clean(self._name(key), value).strip()
        if pattern is not None and not pattern.match(value):
            raise self._bad(key, "taskdef.exp.pattern", pattern=pattern.pattern)
        return value

    def integer(self, key: str, default: int | None, lo: int, hi: int = 2**31) -> int | None:
        value = self.raw(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise self._bad(key, "taskdef.exp.int", lo=lo, hi=hi)
        return value

    def req_integer(self, key: str, default: int, lo: int, hi: int = 2**31) -> int:
        value = self.integer(key, default, lo, hi)
        assert value is not None
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._bad(key, "taskdef.exp.bool")
        return value

    def texts(self, key: str, default: Sequence[str] = ()) -> tuple[str, ...]:
        value = self.raw(key)
        if value is None:
            return tuple(default)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self._bad(key, "taskdef.exp.texts")
        out = tuple(self._clean(f"{self._name(key)}[{i}]", v).strip() for i, v in enumerate(value))
        if len(set(out)) != len(out):
            raise self._bad(key, "taskdef.exp.unique")
        return out

    def table(self, key: str) -> _Reader:
        value = self.raw(key)
        return _Reader(
            {} if value is None else value, self._name(key), self.source, self.check_text, key
        )

    def tables(self, key: str) -> list[_Reader]:
        value = self.raw(key)
        if value is None:
            return []
        if isinstance(value, Mapping):
            value = [value]
        if not isinstance(value, list):
            raise self._bad(key, "taskdef.exp.tables")
        return [
            _Reader(v, f"{self._name(key)}[{i}]", self.source, self.check_text, key)
            for i, v in enumerate(value)
        ]

    def date(self, key: str) -> str:
        value = self.raw(key)
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        text = self.text(key)
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError as exc:
            raise self._bad(key, "taskdef.exp.date") from exc

    def finish(self) -> None:
        unknown = sorted(set(self.doc) - self.used)
        if unknown:
            raise unknown_field(
                self.source, self._name(unknown[0]), unknown[0], FIELDS[self.kind]
            )


def unknown_field(source: str, path: str, name: str, allowed: Sequence[str]) -> InputError:
    """``taskdef.unknown_field`` naming ``path``, with a "did you mean" when one is close:
    a field of this table spelt alike (``ratoi`` → ``ratio``), or the same name in the
    table where it belongs (a top-level ``drand`` → ``entropy.drand``)."""
    close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    if close:
        guess = close[0]
    else:
        homes = sorted(
            f"{HOME[kind]}.{name}" if HOME[kind] else name
            for kind, names in FIELDS.items()
            if name in names and names != tuple(allowed)
        )
        guess = homes[0] if homes else ""
    hint: dict[str, Any] = (
        {"hint_key": "taskdef.hint.did_you_mean", "hint_params": {"name": guess}}
        if guess
        else {"hint_key": "taskdef.hint.fields", "hint_params": {"fields": ", ".join(allowed)}}
    )
    return InputError("taskdef.unknown_field", file=source, field=path, **hint)


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
    r = _Reader(doc, where, source, check_text)
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
    )


def _statuses(x: _Reader, check: bool) -> tuple[str, ...]:
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
    rebuilt = {
        **d,
        "filters": filters if d["mode"] == "directed" else {},
        "exclusions": {k: v for k, v in excl.items() if v is not None},
        "strata": strata,
        "teams": teams,
        "entropy": {k: v for k, v in {**ent, "drand": drand}.items() if v is not None},
    }
    return parse_task(rebuilt, "(stored)", check_text=False)
