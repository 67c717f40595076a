"""The bundle's signed documents and the data they commit to: envelopes, population files,
the roster, the addenda; and the per-entity answer of ``verify --entity``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from randcheck.bundle import layout
from randcheck.core import uscc
from randcheck.core.canonical import parse
from randcheck.core.checks import Check
from randcheck.core.draw import commit
from randcheck.core.draw.announce import Announcement, parse_announcement
from randcheck.core.draw.envelope import Envelope, open_envelope
from randcheck.core.draw.replay import entity_proof, verify_entity_proof
from randcheck.core.draw.spec import check_code
from randcheck.errors import RandcheckError
from randcheck.services.verify.reading import CODE_LINE, JSON_DEPTH, BundleFiles, gunzip


def soft_envelope(data: bytes | None, kind: str) -> Envelope | None:
    """The opened envelope, or None when it is missing or malformed (the replay says why)."""
    if data is None:
        return None
    try:
        return open_envelope(data, kind)
    except RandcheckError:
        return None


def soft_body(data: bytes | None) -> dict[str, Any] | None:
    """The envelope's body parsed without any check, only to size the other files."""
    if data is None:
        return None
    try:
        doc = parse(data, max_depth=JSON_DEPTH)
    except RandcheckError:
        return None
    body = doc.get("signed") if isinstance(doc, dict) else None
    return body if isinstance(body, dict) else None


@dataclass(frozen=True)
class Documents:
    """What the bundle's documents say, as far as they could be read."""

    ann_raw: bytes
    rec_raw: bytes
    ann_env: Envelope | None
    rec_env: Envelope | None
    ann: Announcement | None
    add_raw: tuple[bytes, ...]
    add_envs: tuple[Envelope | None, ...]
    roster: Mapping[str, Any]


def documents(files: BundleFiles) -> Documents:
    ann_raw = files.get(layout.ANNOUNCEMENT, b"")
    rec_raw = files.get(layout.RECORD, b"")
    ann_env = soft_envelope(ann_raw, "announcement")
    ann: Announcement | None = None
    if ann_env is not None:
        try:
            ann = parse_announcement(ann_env.doc)
        except RandcheckError:
            ann = None
    roster: Any = {}
    try:
        parsed = parse(files.get(layout.ROSTER, b""), max_depth=JSON_DEPTH)
        if isinstance(parsed, dict):
            roster = parsed
    except RandcheckError:
        roster = {}
    add_raw = tuple(files[p] for p in sorted(files) if layout.is_addendum_file(p))
    return Documents(
        ann_raw=ann_raw,
        rec_raw=rec_raw,
        ann_env=ann_env,
        rec_env=soft_envelope(rec_raw, "record"),
        ann=ann,
        add_raw=add_raw,
        add_envs=tuple(soft_envelope(a, "addendum") for a in add_raw),
        roster=roster,
    )


def population(
    files: BundleFiles, ann: Announcement | None
) -> tuple[dict[str, Sequence[bytes]], dict[str, Check]]:
    """Each stratum's codes from its population file, and the failed ``population.<s>`` checks
    that replace the replay's where a file is missing, too big or not a population file."""
    pop: dict[str, Sequence[bytes]] = {}
    override: dict[str, Check] = {}
    if ann is None:
        return pop, override
    for plan in ann.strata:
        name = f"population.{plan.id}"
        plain, packed = layout.stratum_file(plan.id), layout.stratum_file(plan.id, gz=True)
        pop[plan.id] = []
        try:
            if plain in files:
                data = files[plain]
            elif packed in files:
                data = gunzip(files[packed], plan.count * CODE_LINE)
            else:
                gone = packed if packed in files.oversize else plain
                override[name] = files.absent(name, gone)
                if override[name].code == "verify.missing_file":
                    override[name] = Check.failed(name, "verify.population_missing", file=plain)
                continue
            pop[plan.id] = commit.parse_population_file(data, plan.id)
        except (OSError, EOFError, ValueError):
            override[name] = Check.failed(name, "verify.population_gzip", file=packed)
        except RandcheckError as exc:
            override[name] = Check.from_error(name, exc)
    return pop, override


def entity(
    code: str,
    docs: Documents,
    population: Mapping[str, Sequence[bytes]],
) -> dict[str, Any]:
    """``verify --entity``: the company's stratum, ticket, cut-off and fate (SPEC §11).

    The code is normalised as imports normalise it (full-width, spaces, case).  A code not in
    the pool gets what the bundle can say about why: a malformed code is named as such (the
    problem from :func:`randcheck.core.uscc.check`); for a well-formed one, the announcement's
    exclusion counts per reason.  The bundle never says *which* entities were excluded (the
    registry and its risk data are not published), so that is as far as it goes.
    """
    found = uscc.check(code)
    code = found.code if found.code else code
    out: dict[str, Any] = {"code": code, "in_pool": False}
    if found.warnings:
        out["warnings"] = [{"code": w, "params": dict(found.params)} for w in found.warnings]
    try:
        check_code(code)
        proof = entity_proof(docs.ann_raw, docs.rec_raw, population, code)
        status = verify_entity_proof(proof, docs.ann_raw, docs.rec_raw)
    except RandcheckError as exc:
        out["reason_code"] = exc.code
        if not found.ok:
            out["malformed"] = {"code": found.error, "params": dict(found.params)}
        elif docs.ann is not None:
            out["pool"] = sum(p.count for p in docs.ann.strata)
            out["exclusions"] = dict(sorted(docs.ann.exclusions.items()))
        return out
    out.update(
        in_pool=True,
        stratum=proof["stratum"],
        count=proof["count"],
        chunk_index=proof["chunk_index"],
        **status,
    )
    replaced_by = None
    brought_in_by = None
    for a in docs.add_envs:
        if a is None:
            continue
        d = a.doc
        if d["action"] == "replace_target" and d["target"] == code:
            replaced_by = d["seq"]
        if d["action"] == "replace_target" and (d["replacement"] or {}).get("code") == code:
            brought_in_by = d["seq"]
    out["replaced_by_addendum"] = replaced_by
    out["brought_in_by_addendum"] = brought_in_by
    return out
