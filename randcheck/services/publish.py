"""The publication bundle ``publish/<task>/`` (docs/SPEC.md §14) and the pre-draw notice.

The bundle holds everything a third party needs to check a draw with no access to the office:
the signed documents exactly as signed, the population files, the roster document, the log
entries with inclusion proofs and a signed checkpoint, the office's public key, a
self-contained Chinese 公示 page, results.csv/xlsx and ``SHA256SUMS`` (signed in
``SHA256SUMS.sig``).  It is built in a temporary folder next to the target and renamed into
place, so a failed publish leaves the previous folder untouched.

Never published: risk classes (the entity table's ``risk_class``/``risk_as_of`` are not even
read here), the strata's risk mapping in the task definition, ID-card numbers, phones.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from randcheck import __version__
from randcheck.catalog import render
from randcheck.core import note, signing
from randcheck.core.canonical import canonical, parse
from randcheck.core.draw import drand
from randcheck.core.draw.announce import Announcement, parse_announcement
from randcheck.core.draw.envelope import Envelope, open_envelope
from randcheck.core.draw.spec import lp, tag
from randcheck.errors import CannotRunError, NotFoundError
from randcheck.io.atomic import atomic_write, fsync_dir
from randcheck.services import audit as audit_svc
from randcheck.services import keys as keys_svc
from randcheck.services import snapshots
from randcheck.store.draw_models import RecordRow, TaskRow
from randcheck.store.models import Entity, Inspector, Item
from randcheck.workspace import Workspace

SUMS = "SHA256SUMS"
SUMS_SIG = "SHA256SUMS.sig"
GZIP_OVER = 1024 * 1024  # population files larger than this are published gzipped
NOTICE = "notice.html"
PUBLIC_INSPECTOR_FIELDS = ("badge_no", "name", "unit", "department", "issuer")
_BJ = timedelta(hours=8)


# -- names and small helpers shared with verify ---------------------------------------------


def folder_name(task_id: str) -> str:
    """The bundle folder name of a task: its id, percent-encoded if not a plain file name."""
    name = quote(task_id, safe="")
    if name in ("", ".", "..") or len(name.encode()) > 200:
        raise CannotRunError("publish.bad_folder_name", task=task_id)
    return name


def stratum_file(stratum: str, gz: bool = False) -> str:
    """``population/<stratum>.txt`` (``.txt.gz`` when compressed), stratum id percent-encoded."""
    return f"population/{quote(stratum, safe='')}.txt" + (".gz" if gz else "")


def addendum_file(seq: int) -> str:
    return f"addenda/{seq:04d}.json"


def sums_signing_input(sums: bytes) -> bytes:
    """What ``SHA256SUMS.sig`` signs: ``tag("bundle-sums") || lp(SHA256SUMS bytes)``."""
    return tag("bundle-sums") + lp(sums)


def sums_text(files: Mapping[str, bytes]) -> bytes:
    """``sha256sum`` format over ``files``, sorted by path (UTF-8 byte order)."""
    rows = sorted(files, key=lambda p: p.encode("utf-8"))
    return "".join(f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n" for p in rows).encode("utf-8")


def deterministic_gzip(data: bytes) -> bytes:
    """gzip with mtime 0 and no file name, so the same input always gives the same bytes."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as fh:
        fh.write(data)
    return buf.getvalue()


def short_code(digest: str) -> str:
    """The verification code read aloud and printed on the page: ``XXXX-XXXX-XXXX``."""
    d = digest.upper()
    return f"{d[0:4]}-{d[4:8]}-{d[8:12]}"


def beijing(utc: str) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` as ``YYYY-MM-DD HH:MM:SS`` Beijing time (UTC+8)."""
    try:
        t = datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return utc
    return (t + _BJ).strftime("%Y-%m-%d %H:%M:%S")


def final_state(
    record: Mapping[str, Any], addenda: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str], dict[str, int]]:
    """Targets after the signed addenda (bodies already replayed by the verifier).

    Returns (target -> team rows in staffing order, target -> stratum, target -> the seq of the
    addendum that brought it in or changed its team).
    """
    teams: dict[str, list[dict[str, Any]]] = {}
    stratum: dict[str, str] = {}
    changed: dict[str, int] = {}
    for row in record["teams"]:
        teams[row["target"]] = list(row["members"])
        stratum[row["target"]] = row["stratum"]
    for add in addenda:
        target = add["target"]
        if add["action"] == "replace_target" and add["replacement"] is not None:
            s = stratum.pop(target, add["replacement"]["stratum"])
            teams.pop(target, None)
            new = add["replacement"]["code"]
            teams[new] = list(add["team"])
            stratum[new] = s
            changed[new] = add["seq"]
        elif target in teams:
            teams[target] = list(add["team"])
            changed[target] = add["seq"]
    return teams, stratum, changed


def result_rows(
    ann: Announcement,
    record: Mapping[str, Any],
    addenda: Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """One row per current target: stratum order, then draw rank, replacements last."""
    teams, stratum, changed = final_state(record, addenda)
    batch = {d["code"]: d["batch"] for s in record["strata"] for d in s["drawn"]}
    replaced_by = {
        a["replacement"]["code"]: (a["seq"], a["target"])
        for a in addenda
        if a["action"] == "replace_target" and a["replacement"] is not None
    }
    order = {p.id: i for i, p in enumerate(ann.strata)}
    rank: dict[str, int] = {}
    for s in record["strata"]:
        for i, d in enumerate(s["drawn"]):
            rank[d["code"]] = i
    rows: list[dict[str, Any]] = [
        {
            "stratum": stratum[code],
            "batch": batch.get(code),
            "code": code,
            "badges": [m["id"] for m in teams[code]],
            "experts": [m["expert"] for m in teams[code]],
            "replaces": replaced_by.get(code),
            "team_changed": changed.get(code) if code not in replaced_by else None,
        }
        for code in teams
    ]
    big = 1 << 40
    rows.sort(
        key=lambda r: (
            order.get(r["stratum"], big),
            r["replaces"] is not None,
            rank.get(r["code"], big),
            r["replaces"][0] if r["replaces"] else 0,
        )
    )
    return rows


# -- data gathered from the workspace --------------------------------------------------------


@dataclass
class _Data:
    docs: snapshots.DrawDocuments
    population: dict[str, bytes]
    ann_env: Envelope
    ann: Announcement
    rec_env: Envelope
    add_envs: list[Envelope]
    taskdef: dict[str, Any]
    items: list[dict[str, str]]
    entity_names: dict[str, str]
    inspectors: dict[str, dict[str, str]]
    roster_doc: dict[str, Any]
    superseded: bool
    previous_seq: int | None
    bureau: dict[str, str]


def _taskdef(session: Session, task_id: str) -> dict[str, Any]:
    row = session.get(TaskRow, task_id)
    if row is None:
        raise NotFoundError("publish.no_task", task=task_id)
    doc = json.loads(row.definition)
    if not isinstance(doc, dict):
        raise NotFoundError("publish.no_task", task=task_id)
    return doc


def _items(session: Session, ann: Announcement) -> list[dict[str, str]]:
    out = []
    for it in ann.task.items:
        row = session.get(Item, it.code)
        out.append(
            {
                "code": it.code,
                "kind": "重点" if it.kind == "key" else "一般",
                "name": row.name if row else "",
                "legal_basis": row.legal_basis if row else "",
                "department": row.department if row else "",
                "method": row.method if row else "",
            }
        )
    return out


def _entity_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(codes))
    names: dict[str, str] = {}
    for i in range(0, len(wanted), 500):
        part = wanted[i : i + 500]
        # Only the public columns are selected: never risk_class or risk_as_of.
        rows = session.exec(select(Entity.code, Entity.name).where(col(Entity.code).in_(part)))
        names.update(dict(rows.all()))
    return names


def _inspectors(session: Session, ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """Public fields of the roster's inspectors (badge number, name, unit, department, issuer)."""
    out: dict[str, dict[str, str]] = {}
    for i in range(0, len(ids), 500):
        part = list(ids[i : i + 500])
        for row in session.exec(select(Inspector).where(col(Inspector.badge_no).in_(part))).all():
            out[row.badge_no] = {f: str(getattr(row, f) or "") for f in PUBLIC_INSPECTOR_FIELDS}
    for badge in ids:
        out.setdefault(
            badge, {f: badge if f == "badge_no" else "" for f in PUBLIC_INSPECTOR_FIELDS}
        )
    return out


def _gather(ws: Workspace, engine: Engine, ref: str) -> _Data:
    with Session(engine) as session:
        docs = snapshots.documents(session, ref)
        population = snapshots.load_population(session, docs.task_id)
        ann_env = open_envelope(docs.announcement, "announcement")
        ann = parse_announcement(ann_env.doc)
        rec_env = open_envelope(docs.record, "record")
        add_envs = [open_envelope(a, "addendum") for a in docs.addenda]
        taskdef = _taskdef(session, docs.task_id)
        roster_doc = parse(docs.roster)
        if not isinstance(roster_doc, dict):
            raise CannotRunError("publish.no_task", task=docs.task_id)
        rec = rec_env.doc
        codes = [d["code"] for s in rec["strata"] for d in (*s["drawn"], *s["reserve"])]
        ids = [str(r["id"]) for r in roster_doc.get("inspectors", [])]
        row = session.get(RecordRow, docs.record_digest)
        prev = rec.get("previous_record")
        prev_row = session.get(RecordRow, prev) if isinstance(prev, str) else None
        return _Data(
            docs=docs,
            population=population,
            ann_env=ann_env,
            ann=ann,
            rec_env=rec_env,
            add_envs=add_envs,
            taskdef=taskdef,
            items=_items(session, ann),
            entity_names=_entity_names(session, codes),
            inspectors=_inspectors(session, ids),
            roster_doc=roster_doc,
            superseded=bool(row and row.superseded),
            previous_seq=prev_row.log_seq if prev_row is not None else None,
            bureau=ws.bureau() if ws.is_initialised() else {"name": "", "region_code": ""},
        )


# -- the page ---------------------------------------------------------------------------------


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("randcheck", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
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
        if src["type"] == "drand":
            try:
                chain = drand.chain_by_hash(src["chain_hash"])
                t = drand.round_time(chain, src["round"])
                utc = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                row["chain"] = chain.name
                row["round_time"] = utc
                row["round_time_bj"] = beijing(utc)
            except Exception:  # an unknown chain is reported by verify, not here
                row["chain"] = src["chain_hash"][:16]
                row["round_time"] = ""
                row["round_time_bj"] = ""
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
        "announced_at_bj": beijing(ann.announced_at),
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
    }


def render_index(data: _Data) -> bytes:
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

    def members(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "id": m["id"],
                "name": insp.get(m["id"], {}).get("name", ""),
                "unit": insp.get(m["id"], {}).get("unit", ""),
                "expert": m["expert"],
            }
            for m in rows
        ]

    team_rows = [
        {
            "target": code,
            "name": names.get(code, ""),
            "stratum": row["stratum"],
            "batch": row["batch"],
            "members": members(
                [{"id": b, "expert": e} for b, e in zip(row["badges"], row["experts"], strict=True)]
            ),
            "replaces": row["replaces"],
            "team_changed": row["team_changed"],
        }
        for row in result_rows(data.ann, rec, adds)
        for code in [row["code"]]
    ]
    addenda = [
        {
            "seq": a["seq"],
            "issued_at": a["issued_at"],
            "issued_at_bj": beijing(a["issued_at"]),
            "action": "替换检查对象" if a["action"] == "replace_target" else "替换检查人员",
            "target": a["target"],
            "target_name": names.get(a["target"], ""),
            "inspector": a["inspector"],
            "inspector_name": insp.get(a["inspector"] or "", {}).get("name", ""),
            "replacement": (a["replacement"] or {}).get("code"),
            "replacement_name": names.get((a["replacement"] or {}).get("code", ""), ""),
            "reason": a["reason"],
            "team": members(a["team"]),
            "digest": env.digest,
        }
        for a, env in zip(adds, data.add_envs, strict=True)
    ]
    ctx = {
        **_common(data.ann, data.ann_env, data.taskdef),
        "bureau": data.bureau.get("name", ""),
        "items": data.items,
        "drawn_at": rec["drawn_at"],
        "drawn_at_bj": beijing(rec["drawn_at"]),
        "redraw": rec["redraw"],
        "superseded": data.superseded,
        "previous_record": rec["previous_record"],
        "sources": _sources(data.ann, rec["entropy"]),
        "seed": rec["seed"],
        "draw_strata": strata,
        "teams": team_rows,
        "addenda": addenda,
        "record_digest": data.rec_env.digest,
        "code": short_code(data.rec_env.digest),
        "record_signers": [k for k, _s in data.rec_env.signatures],
        "folder": folder_name(data.ann.task.id),
        "target_count": len(teams),
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


def write_notice(ws: Workspace, engine: Engine, task_id: str) -> Path:
    """Write ``publish/<task>/notice.html`` for an announced task; returns its path."""
    with Session(engine) as session:
        row = snapshots.announcement_row(session, task_id)
        ann_env = open_envelope(row.envelope, "announcement")
        ann = parse_announcement(ann_env.doc)
        taskdef = _taskdef(session, task_id)
        items = _items(session, ann)
    bureau = ws.bureau().get("name", "") if ws.is_initialised() else ""
    data = render_notice(ann_env, taskdef, items, bureau)
    folder = ws.publish_dir / folder_name(task_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / NOTICE
    atomic_write(path, data)
    return path


# -- results ----------------------------------------------------------------------------------

_COLS = ("task", "stratum", "batch", "code", "name", "badges", "inspectors", "note")


def _result_table(data: _Data) -> list[list[str]]:
    rec = data.rec_env.doc
    adds = [a.doc for a in data.add_envs]
    rows = [[render(f"publish.col.{c}", "zh") for c in _COLS]]
    for r in result_rows(data.ann, rec, adds):
        note_text = ""
        if r["replaces"] is not None:
            note_text = render(
                "publish.note.replacement", "zh", seq=r["replaces"][0], target=r["replaces"][1]
            )
        elif r["team_changed"] is not None:
            note_text = render("publish.note.team_changed", "zh", seq=r["team_changed"])
        rows.append(
            [
                data.ann.task.id,
                r["stratum"],
                "" if r["batch"] is None else str(r["batch"]),
                r["code"],
                data.entity_names.get(r["code"], ""),
                ";".join(r["badges"]),
                ";".join(data.inspectors.get(b, {}).get("name", "") for b in r["badges"]),
                note_text,
            ]
        )
    return rows


def results_csv(table: Sequence[Sequence[str]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(table)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def results_xlsx(table: Sequence[Sequence[str]], stamp: str) -> bytes:
    """results.xlsx with fixed document times and zip dates, so it is byte-reproducible."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "抽查结果"
    for row in table:
        ws.append(list(row))
    for letter, width in zip("ABCDEFGH", (16, 8, 6, 22, 36, 28, 24, 30), strict=True):
        ws.column_dimensions[letter].width = width
    fixed = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "randcheck"
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            z = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            z.compress_type = zipfile.ZIP_DEFLATED
            z.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps "modified" with the wall clock at save time: pin it
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode("ascii") + rb"\g<2>",
                    data,
                )
            dst.writestr(z, data)
    return out.getvalue()


# -- publish ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishResult:
    path: Path
    task_id: str
    record_digest: str
    code: str
    files: tuple[str, ...]
    checkpoint_size: int
    new_checkpoint: bool


def _checkpoint_size(ws: Workspace) -> int:
    path = ws.audit_dir / audit_svc.CHECKPOINT
    try:
        text = path.read_text(encoding="utf-8")
        return note.parse_checkpoint(note.parse(text).text).size
    except (OSError, UnicodeDecodeError, ValueError):
        return 0
    except Exception:  # a malformed checkpoint: sign a fresh one
        return 0


def _log_files(
    ws: Workspace, engine: Engine, data: _Data, key: Ed25519PrivateKey
) -> tuple[dict[str, bytes], int, bool]:
    docs = data.docs
    seqs = [docs.announcement_log_seq, docs.record_log_seq, *docs.addenda_log_seqs]
    if data.previous_seq is not None:
        seqs.append(data.previous_seq)
    audit = audit_svc.AuditLog(ws, engine)
    audit.sync_file()
    new = False
    if _checkpoint_size(ws) <= max(seqs):
        audit_svc.write_checkpoint(ws, audit, key, ws.bureau()["region_code"] or "000000")
        new = True
    files: dict[str, bytes] = {}
    checkpoint: str | None = None
    for seq in sorted(set(seqs)):
        try:
            line = audit_svc.entry_line(ws, seq)
        except NotFoundError as exc:
            raise NotFoundError("publish.no_log_entry", seq=seq, what="entry") from exc
        proof = audit_svc.prove(ws, audit, seq)
        cp_text = note.parse_proof(proof).checkpoint
        if checkpoint is None:
            checkpoint = cp_text
        elif cp_text != checkpoint:
            raise CannotRunError("publish.checkpoint_moved")
        files[f"log/entries/{seq}.json"] = line + b"\n"
        files[f"log/{seq}.tlog-proof"] = proof.encode("utf-8")
    assert checkpoint is not None
    files["log/checkpoint.txt"] = checkpoint.encode("utf-8")
    size = note.parse_checkpoint(note.parse(checkpoint).text).size
    return files, size, new


def build_files(
    ws: Workspace, engine: Engine, ref: str, key: Ed25519PrivateKey
) -> tuple[_Data, dict[str, bytes], int, bool]:
    """Every file of the bundle as {relative path: bytes} (SHA256SUMS and its signature too)."""
    data = _gather(ws, engine, ref)
    docs = data.docs
    files: dict[str, bytes] = {
        "announcement.json": docs.announcement,
        "record.json": docs.record,
        "roster.json": docs.roster,
    }
    for env, raw in zip(data.add_envs, docs.addenda, strict=True):
        files[addendum_file(int(env.doc["seq"]))] = raw
    for plan in data.ann.strata:
        pop = data.population.get(plan.id, b"")
        if len(pop) > GZIP_OVER:
            files[stratum_file(plan.id, gz=True)] = deterministic_gzip(pop)
        else:
            files[stratum_file(plan.id)] = pop
    ids = [str(r["id"]) for r in data.roster_doc.get("inspectors", [])]
    public = [{f: data.inspectors[i][f] for f in PUBLIC_INSPECTOR_FIELDS} for i in ids]
    files["inspectors.json"] = (
        json.dumps({"inspectors": public}, ensure_ascii=False, indent=1) + "\n"
    ).encode("utf-8")
    log_files, cp_size, new_cp = _log_files(ws, engine, data, key)
    files.update(log_files)
    signer = signing.key_id(signing.public_raw(key))
    own = {k.key_id: k.name for k in keys_svc.own_keys(ws)}
    pub_text = keys_svc.export_for(ws, own.get(signer, "office"), signing.public_raw(key))
    files["keys/operator.pub"] = pub_text.encode("utf-8")
    files["index.html"] = render_index(data)
    notice = ws.publish_dir / folder_name(data.ann.task.id) / NOTICE
    if notice.is_file():
        files[NOTICE] = notice.read_bytes()
    else:
        files[NOTICE] = render_notice(
            data.ann_env, data.taskdef, data.items, data.bureau.get("name", "")
        )
    table = _result_table(data)
    files["results.csv"] = results_csv(table)
    files["results.xlsx"] = results_xlsx(table, data.rec_env.doc["drawn_at"])
    sums = sums_text(files)
    files[SUMS] = sums
    sig = signing.sign(key, sums_signing_input(sums)).hex()
    files[SUMS_SIG] = canonical({"keyid": signer, "sig": sig}) + b"\n"
    return data, files, cp_size, new_cp


def _write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    for rel in sorted(files):
        path = root.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(files[rel])
            fh.flush()
            os.fsync(fh.fileno())
        path.chmod(0o644)
    for d in sorted({p.parent for p in root.rglob("*")} | {root}, key=lambda p: -len(p.parts)):
        fsync_dir(d)


def _check_writable(folder: Path) -> None:
    """``folder`` is, or can be created as, a writable directory; nothing is created here."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        reason = os.strerror(errno.ENOTDIR)
    elif not os.access(probe, os.W_OK | os.X_OK):
        reason = os.strerror(errno.EACCES)
    else:
        return
    raise CannotRunError("publish.cannot_write", path=str(folder), reason=reason)


def publish_record(
    ws: Workspace,
    engine: Engine,
    ref: str,
    key: Ed25519PrivateKey,
    *,
    out: Path | None = None,
    actor: str = "randcheck",
    now: datetime | None = None,
) -> PublishResult:
    """Write the bundle of record ``ref`` to ``<out or publish>/<task>/`` atomically.

    ``key`` is the office's unlocked private key: it signs ``SHA256SUMS`` and, when the
    latest checkpoint does not cover the documents' log entries, a new checkpoint.  Records a
    ``publish.bundle`` audit entry (task, record digest, SHA-256 of SHA256SUMS).
    """
    ws.require()
    parent = (out or ws.publish_dir).resolve()
    _check_writable(parent)  # before anything is signed (a new checkpoint included)
    data, files, cp_size, new_cp = build_files(ws, engine, ref, key)
    target = parent / folder_name(data.ann.task.id)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=parent))
    except OSError as exc:
        raise CannotRunError(
            "publish.cannot_write", path=str(target), reason=exc.strerror or str(exc)
        ) from exc
    old: Path | None = None
    try:
        tmp.chmod(0o755)
        _write_tree(tmp, files)
        audit = audit_svc.AuditLog(ws, engine)
        with audit.transaction(actor, now) as tx:
            tx.record(
                "publish.bundle",
                {
                    "task": data.ann.task.id,
                    "record": data.rec_env.digest,
                    "sums": hashlib.sha256(files[SUMS]).hexdigest(),
                    "folder": target.name,
                },
            )
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
                old.rmdir()
                os.rename(target, old)
            try:
                os.rename(tmp, target)
            except OSError:
                if old is not None:
                    os.rename(old, target)
                    old = None
                raise
            fsync_dir(parent)
    except OSError as exc:
        raise CannotRunError(
            "publish.cannot_write", path=str(target), reason=exc.strerror or str(exc)
        ) from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            with contextlib.suppress(OSError):
                shutil.rmtree(old)
    return PublishResult(
        path=target,
        task_id=data.ann.task.id,
        record_digest=data.rec_env.digest,
        code=short_code(data.rec_env.digest),
        files=tuple(sorted(files)),
        checkpoint_size=cp_size,
        new_checkpoint=new_cp,
    )
