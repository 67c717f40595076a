"""The bundle's two pages, index.html (the 公示 page) and notice.html (the pre-draw 公告),
rendered from templates in ``randcheck/templates`` (self-contained: inline CSS, no script, no
external URL).  Every user-supplied string sits in a ``<bdi>`` element, so right-to-left text
cannot reorder what surrounds it; text stored before it was checked at the door is shown with
its control characters made visible (:func:`randcheck.core.text.visible`).

Times are shown as people read them (``2023年9月15日 19:05 北京时间``, the ``t`` filter) inside
``<time datetime="…Z">`` holding the exact UTC instant; a time the order of the randomness
rests on keeps its seconds (``ts``).  The pages read at 390 px (tables wrap or scroll inside
their own box) and print on A4; ``tests/browser`` checks both in headless Chromium.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markupsafe import Markup, escape

from randcheck import __version__, templating
from randcheck.bundle import layout, marks, results
from randcheck.bundle.layout import folder_name, short_code
from randcheck.bundle.table import final_state, result_rows
from randcheck.catalog import render
from randcheck.core.chinatime import CHINA, reading_date, reading_time
from randcheck.core.draw import drand
from randcheck.core.draw.announce import Announcement, parse_announcement
from randcheck.core.draw.envelope import Envelope
from randcheck.core.text import visible

if TYPE_CHECKING:  # jinja2 is imported by the first page rendered, not by every command
    import jinja2


@dataclass
class PageData:
    """What the 公示 page shows besides the signed documents' own content."""

    ann_env: Envelope
    ann: Announcement
    rec_env: Envelope
    add_envs: list[Envelope]
    taskdef: dict[str, Any]
    items: list[dict[str, str]]
    entity_names: dict[str, str]
    inspectors: dict[str, dict[str, str]]
    superseded: bool
    bureau: dict[str, str]
    #: earlier official attempts this record replaces (a redraw), oldest first: each
    #: {"kind": "record"|"attempt", "seq", "time", "digest"|"seed", "reason"}
    history: list[dict[str, Any]] = field(default_factory=list)
    #: the 检查结果公示 table (bundle.results.table: header first), empty before any results
    results_table: list[list[str]] = field(default_factory=list)
    #: randcheck/draw/v2: the commitment envelope and its timestamp token, if any (shown only;
    #: ``verify`` checks them as commitment.*)
    commitment: bytes | None = None
    commitment_token: bytes | None = None
    #: every file of the bundle (relative paths), listed on the page for download
    bundle_files: list[str] = field(default_factory=list)


def when(utc: Any, seconds: bool = False) -> Markup:
    """The template filters ``t`` and ``ts``: a UTC timestamp as people read it, in a
    ``<time>`` element whose ``datetime`` keeps the exact instant; ``seconds`` for a time the
    order of the randomness rests on (a drand round, a commitment), where the minute is too
    coarse.  Text that is not such a timestamp is shown as it is (escaped)."""
    text = str(utc)
    try:
        t = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return Markup(escape(text))
    shown = reading_time(text)
    if seconds:
        local = t + CHINA
        shown = f"{reading_date(local.date())} {local:%H:%M:%S} 北京时间"
    return Markup('<time datetime="{}">{}</time>').format(text, shown)


def local_time(value: Any) -> Markup:
    """The template filter ``lt``: a time the office wrote in its task file
    (``2023-09-15T19:00:00+08:00``, or without offset meaning Beijing time), as people read
    it; anything else as user text."""
    text = str(value)
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return user_text(text)
    if t.tzinfo is None:
        t = t - CHINA
    else:
        t = t.astimezone(UTC).replace(tzinfo=None)
    return when(t.strftime("%Y-%m-%dT%H:%M:%SZ"))


def day(value: Any) -> str:
    """The template filter ``d``: a ``YYYY-MM-DD`` day as ``2023年10月1日``."""
    return reading_date(str(value))


#: what the page says of the bundle's files, by path or by folder
_FILE_ROLES = {
    layout.FORMAT_FILE: "文件夹格式版本",
    layout.ANNOUNCEMENT: "抽取前签名的公告",
    layout.RECORD: "签名的抽取记录",
    layout.ROSTER: "抽取时使用的检查人员名录",
    layout.INSPECTORS: "检查人员公开信息（姓名、单位、执法证号）",
    layout.INDEX: "本页",
    layout.NOTICE: "抽取前的任务公告页",
    layout.RESULTS_CSV: "抽查结果表（CSV）",
    layout.RESULTS_XLSX: "抽查结果表（Excel）",
    layout.OPERATOR_KEY: "本单位公钥（仅供参考，请另行从可靠渠道取得）",
    layout.VERIFY_HTML: "在浏览器中核验本文件夹的页面",
    layout.VERIFY_JS: "浏览器核验程序（verify.html 使用）",
    layout.SUMS: "全部文件的 SHA-256 校验值",
    layout.SUMS_SIG: "校验值清单的签名",
    layout.COMMITMENT: "熵承诺（见证人联署）",
    layout.COMMITMENT_TOKEN: "熵承诺的可信时间戳",
    results.TABLE_CSV: "检查结果公示表（CSV）",
    results.TABLE_XLSX: "检查结果公示表（Excel）",
}
_FOLDER_ROLES = {
    "addenda": "替换补充记录（签名）",
    "population": "各层检查对象名录（统一社会信用代码）",
    "log": "审计日志的相关条目、证明与检查点",
    "keys": "公钥",
    "results": "签名的检查结果",
}


def file_list(paths: Sequence[str]) -> list[dict[str, str]]:
    """The bundle's files as the page lists them: sorted by path bytes (as SHA256SUMS), each
    with its relative link (percent-encoded: a stratum's file name may hold ``%``) and role."""
    out = []
    for path in sorted(set(paths), key=lambda p: p.encode("utf-8")):
        top = path.split("/", 1)[0]
        role = _FILE_ROLES.get(path) or (_FOLDER_ROLES.get(top, "") if "/" in path else "")
        out.append({"path": path, "href": quote(posixpath.normpath(path)), "role": role})
    return out


def user_text(value: Any) -> Markup:
    """The template filter ``u``: user-supplied text, escaped, made visible and isolated."""
    return Markup(f"<bdi>{escape(visible(str(value)))}</bdi>")  # one Markup: no re-escaping


def member_html(name: str, badge: str, fallback: str) -> Markup:
    """:data:`marks.MEMBER` with the name as user text (``<bdi>``), or ``fallback`` when the
    member has no name: its text is what the ``page`` check rebuilds."""
    shown = user_text(name) if name else fallback
    return Markup(escape(marks.MEMBER)).format(name=shown, badge=badge)


def _env() -> jinja2.Environment:
    return templating.environment(
        {
            "u": user_text,
            "t": when,
            "ts": lambda value: when(value, seconds=True),
            "lt": local_time,
            "d": day,
        }
    )


def _rule_text(rule: Mapping[str, Any]) -> str:
    if rule["kind"] == "count":
        return f"固定 {rule['n']} 户"
    return f"比例 {rule['num']}/{rule['den']}（向上取整，每层至少 1 户）"


def _sources(
    ann: Announcement, evidence: Sequence[Mapping[str, Any]] | None
) -> list[dict[str, Any]]:
    out = []
    for i, src in enumerate(ann.entropy):
        ev = evidence[i] if evidence is not None else None
        row: dict[str, Any] = {"type": src["type"], "source": src, "evidence": ev}
        if src["type"] == "drand" and "round" not in src:
            # randcheck/draw/v2: the commitment fixes the round; the notice says so instead
            row["source"] = {**src, "round": (ev or {}).get("round")}
            row["round_time"] = ""
            if row["source"]["round"] is None:  # the pre-draw notice
                known = {c.chain_hash: n for n, c in drand.CHAINS.items()}
                row["chain"] = known.get(src["chain_hash"], str(src["chain_hash"])[:16])
                out.append(row)
                continue
        if src["type"] == "drand":
            try:
                chain = drand.chain_by_hash(src["chain_hash"])
                t = drand.round_time(chain, row["source"]["round"])
                utc = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                row["chain"] = chain.name
                row["round_time"] = utc
            except Exception:  # an unknown chain is reported by verify, not here
                row["chain"] = src["chain_hash"][:16]
                row["round_time"] = ""
        out.append(row)
    return out


def _common(
    data_ann: Announcement, ann_env: Envelope, taskdef: Mapping[str, Any]
) -> dict[str, Any]:
    ann = data_ann
    return {
        "task": {
            "id": ann.task.id,
            "title": ann.task.title,
            "departments": list(ann.task.departments),
            "mode": {"directed": "定向", "undirected": "不定向"}.get(
                str(taskdef.get("mode", "")), str(taskdef.get("mode", ""))
            ),
            "witnesses": [str(w) for w in taskdef.get("witnesses", [])],
            "planned_draw_at": str(taskdef.get("planned_draw_at", "") or ""),
            "batches": ann.task.batches,
            "ratio_cap": (
                f"{ann.task.ratio_cap[0]}/{ann.task.ratio_cap[1]}" if ann.task.ratio_cap else ""
            ),
        },
        "announced_at": ann.announced_at,
        "practice": ann.practice,
        "teams_rules": ann.teams,
        "strata": [
            {
                "id": p.id,
                "count": p.count,
                "root": p.root,
                "rule": _rule_text(p.rule.to_json()),
                "sample_size": p.sample_size,
                "reserve_size": p.reserve_size,
            }
            for p in ann.strata
        ],
        "exclusions": [
            {"code": k, "label": render(f"publish.excl.{k}", "zh"), "count": v}
            for k, v in sorted(ann.exclusions.items())
        ],
        "excluded_total": sum(ann.exclusions.values()),
        "pool_total": sum(p.count for p in ann.strata),
        "announcement_digest": ann_env.digest,
        "signers": [k for k, _s in ann_env.signatures],
        "tool": f"randcheck {__version__}",
        "spec": ann.spec,  # the protocol the page names: randcheck/draw/v1 or v2
    }


def _commitment(data: PageData) -> dict[str, Any] | None:
    """What the page says of a v2 commitment: its digest and time, who co-signed it (by the
    names the announcement declares) and the timestamp's authority and time (read, not checked:
    the page informs, ``verify`` decides)."""
    if data.commitment is None:
        return None
    from randcheck.core import tsa
    from randcheck.core.draw.envelope import open_envelope

    try:
        env = open_envelope(data.commitment, "commitment")
    except Exception:  # a broken commitment is verify's to report, not the page's
        return None
    names = data.ann.ordering.names() if data.ann.ordering else {}
    out: dict[str, Any] = {
        "digest": env.digest,
        "committed_at": str(env.doc.get("committed_at", "")),
        "witnesses": [names[k] for k, _ in env.signatures[1:] if k in names],
        "tsa": "",
        "tsa_time": "",
    }
    if data.commitment_token:
        try:
            tok = tsa.read_token(data.commitment_token)
        except Exception:
            return out
        # "no later than": genTime + accuracy rounded up to the second, never down
        utc = datetime.fromtimestamp(math.ceil(tok.latest_exact), UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        out.update(tsa=tok.tsa_name, tsa_time=utc)
    return out


def render_index(data: PageData) -> bytes:
    """The 公示 page for one record (deterministic for the same inputs)."""
    rec = data.rec_env.doc
    adds = [a.doc for a in data.add_envs]
    names = data.entity_names
    insp = data.inspectors
    teams, _stratum, _changed = final_state(rec, adds)
    replaced = {a["target"]: a["seq"] for a in adds if a["action"] == "replace_target"}
    strata = [
        {
            "id": s["id"],
            "count": s["count"],
            "sample_size": s["sample_size"],
            "cutoff": s["cutoff"],
            "drawn": [
                {
                    "rank": i + 1,
                    "code": d["code"],
                    "name": names.get(d["code"], ""),
                    "batch": d["batch"],
                    "ticket": d["ticket"],
                    "replaced": replaced.get(d["code"]),
                }
                for i, d in enumerate(s["drawn"])
            ],
            "reserve": [
                {
                    "rank": i + 1,
                    "code": r["code"],
                    "name": names.get(r["code"], ""),
                    "ticket": r["ticket"],
                }
                for i, r in enumerate(s["reserve"])
            ],
        }
        for s in rec["strata"]
    ]

    def members(rows: Sequence[Mapping[str, Any]], no_name: str | None) -> list[dict[str, Any]]:
        """The members as the page shows them; ``no_name``: what stands for a missing name
        (None: the badge number)."""
        out = []
        for m in rows:
            name = insp.get(m["id"], {}).get("name", "")
            shown = member_html(name, m["id"], m["id"] if no_name is None else no_name)
            out.append({"id": m["id"], "expert": m["expert"], "shown": shown})
        return out

    team_rows = [
        {
            "target": code,
            "name": names.get(code, ""),
            "stratum": row["stratum"],
            "batch": row["batch"],
            "members": members(
                [
                    {"id": b, "expert": e}
                    for b, e in zip(row["badges"], row["experts"], strict=True)
                ],
                marks.NO_NAME,
            ),
            "replaces": row["replaces"],
            "team_changed": row["team_changed"],
        }
        for row in result_rows([p.id for p in data.ann.strata], rec, adds)
        for code in [row["code"]]
    ]
    addenda = [
        {
            "seq": a["seq"],
            "issued_at": a["issued_at"],
            "action": "替换检查对象" if a["action"] == "replace_target" else "替换检查人员",
            "target": a["target"],
            "target_name": names.get(a["target"], ""),
            "inspector": a["inspector"],
            "inspector_name": insp.get(a["inspector"] or "", {}).get("name", ""),
            "replacement": (a["replacement"] or {}).get("code"),
            "replacement_name": names.get((a["replacement"] or {}).get("code", ""), ""),
            "reason": a["reason"],
            "team": members(a["team"], None),
            "digest": env.digest,
        }
        for a, env in zip(adds, data.add_envs, strict=True)
    ]
    ctx = {
        **_common(data.ann, data.ann_env, data.taskdef),
        "bureau": data.bureau.get("name", ""),
        "items": data.items,
        "drawn_at": rec["drawn_at"],
        "redraw": rec["redraw"],
        "superseded": data.superseded,
        "previous_record": rec["previous_record"],
        "history": data.history,
        "sources": _sources(data.ann, rec["entropy"]),
        "commitment": _commitment(data),
        "seed": rec["seed"],
        "draw_strata": strata,
        "teams": team_rows,
        "addenda": addenda,
        "record_digest": data.rec_env.digest,
        "code": short_code(data.rec_env.digest),
        "record_signers": [k for k, _s in data.rec_env.signatures],
        "folder": folder_name(data.ann.task.id),
        "target_count": len(teams),
        "results_table": data.results_table[1:],
        "results_header": data.results_table[0] if data.results_table else [],
        "marks": marks,
        "files": file_list(data.bundle_files),
        # format v4: the browser verifier beside the page (a plain link: the page has no script)
        "verifier": layout.VERIFY_HTML if layout.VERIFY_HTML in data.bundle_files else None,
    }
    return _env().get_template("index.html.j2").render(**ctx).encode("utf-8")


def render_notice(
    ann_env: Envelope, taskdef: Mapping[str, Any], items: list[dict[str, str]], bureau: str
) -> bytes:
    """The pre-draw 公告: counts only, no target names, no risk classes."""
    ann = parse_announcement(ann_env.doc)
    ctx = {
        **_common(ann, ann_env, taskdef),
        "bureau": bureau,
        "items": items,
        "sources": _sources(ann, None),
        "code": short_code(ann_env.digest),
    }
    return _env().get_template("notice.html.j2").render(**ctx).encode("utf-8")
