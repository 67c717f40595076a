"""``randcheck publish``: write the publication bundle ``publish/<task>/`` (docs/SPEC.md §14).

The bundle holds everything a third party needs to check a draw with no access to the office:
the signed documents exactly as signed, the population files, the roster document, the log
entries with inclusion proofs and a signed checkpoint, the log tail from the announcement's
entry to the checkpoint (format v3: it proves that no entry of the task was left out), the
office's public key, a
self-contained Chinese 公示 page, the browser verifier (format v4: ``verify.html`` and
``verify.js``, docs/VERIFIER.md), results.csv/xlsx and ``SHA256SUMS`` (signed in
``SHA256SUMS.sig``).  Its layout, format version and tables live in :mod:`randcheck.bundle`,
which ``randcheck verify`` reads with.  It is built in a temporary folder next to the target
and renamed into place, so a failed publish leaves the previous folder untouched.

Never published: risk classes (the entity table's ``risk_class``/``risk_as_of`` are not even
read here; the log redacts them), the strata's risk mapping in the task definition, ID-card
numbers, phones.  The log tail is published verbatim (its lines are the tree's leaves): the
entries that may hold free text or a 回避 declaration are named in the result
(:func:`private_entries`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from randcheck import verifier
from randcheck.bundle import layout, pages
from randcheck.bundle import results as rbundle
from randcheck.bundle import table as tbl
from randcheck.catalog import MESSAGES, render
from randcheck.core import logverify, merkle, note, signing
from randcheck.core import results as rdoc
from randcheck.core.canonical import canonical, parse
from randcheck.core.draw.announce import parse_announcement
from randcheck.core.draw.envelope import open_envelope
from randcheck.core.text import visible
from randcheck.core.vocabulary import Vocabulary
from randcheck.errors import CannotRunError, ChainError, NotFoundError
from randcheck.io.atomic import check_writable, fsync_dir, make_private_dir
from randcheck.services import attempts, commitments, draws, notice, snapshots
from randcheck.services import audit as audit_svc
from randcheck.services import keys as keys_svc
from randcheck.services.results import publication as rpub
from randcheck.services.verify import reading
from randcheck.store.draw_models import RecordRow
from randcheck.store.models import Inspector
from randcheck.workspace import PUBLISH_MODE, Workspace


@dataclass
class _Data(pages.PageData):
    """Everything a bundle is made from, read from the workspace in one go."""

    docs: snapshots.DrawDocuments | None = None
    population: dict[str, bytes] = field(default_factory=dict)
    roster_doc: dict[str, Any] = field(default_factory=dict)
    #: log entries the bundle carries besides its documents': the previous record's, and the
    #: attempts and records a redraw replaced (with their aborts)
    extra_seqs: list[int] = field(default_factory=list)
    #: the task's signed results documents of this record, with their vocabularies
    results_docs: list[tuple[bytes, bytes]] = field(default_factory=list)


def _inspectors(session: Session, ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """Public fields of the roster's inspectors (badge number, name, unit, department, issuer)."""
    out: dict[str, dict[str, str]] = {}
    fields = layout.PUBLIC_INSPECTOR_FIELDS
    for i in range(0, len(ids), 500):
        part = list(ids[i : i + 500])
        for row in session.exec(select(Inspector).where(col(Inspector.badge_no).in_(part))).all():
            out[row.badge_no] = {
                f: row.badge_no if f == "badge_no" else visible(str(getattr(row, f) or ""))
                for f in fields
            }
    for badge in ids:
        out.setdefault(badge, {f: badge if f == "badge_no" else "" for f in fields})
    return out


def _reason_words(reason: str | None) -> str | None:
    """An abort's reason (a catalog key or a signal name) in words for the page."""
    if reason is None:
        return None
    key = f"abort.reason.{reason}"
    if key in MESSAGES:
        return render(key, "zh")
    return render(reason, "zh") if reason in MESSAGES else visible(reason)


def _gather(ws: Workspace, engine: Engine, ref: str) -> _Data:
    with Session(engine) as session:
        docs = snapshots.documents(session, ref)
        population = snapshots.load_population(session, docs.task_id)
        ann_env = open_envelope(docs.announcement, "announcement")
        ann = parse_announcement(ann_env.doc)
        rec_env = open_envelope(docs.record, "record")
        add_envs = [open_envelope(a, "addendum") for a in docs.addenda]
        roster_doc = parse(docs.roster)
        if not isinstance(roster_doc, dict):
            raise CannotRunError("publish.no_task", task=docs.task_id)
        rec = rec_env.doc
        codes = [d["code"] for s in rec["strata"] for d in (*s["drawn"], *s["reserve"])]
        ids = [str(r["id"]) for r in roster_doc.get("inspectors", [])]
        row = session.get(RecordRow, docs.record_digest)
        prev = rec.get("previous_record")
        prev_row = session.get(RecordRow, prev) if isinstance(prev, str) else None
        entries = attempts.task_entries(session, docs.task_id)
        history = attempts.history(entries, docs.record_log_seq)
        own = dict(entries).get(docs.record_log_seq, {}).get("payload", {}).get("revealed")
        extra = attempts.answered(entries, docs.record_log_seq)
        extra += [s for s in (own, prev_row.log_seq if prev_row else None) if isinstance(s, int)]
        extra += commitments.log_seqs(entries, rec)  # randcheck/draw/v2 (SPEC-v2 §7)
        rdocs = [
            r
            for r in rpub.documents(session, docs.task_id)
            if r.record_digest == docs.record_digest
        ]
        extra += [r.log_seq for r in rdocs]
        return _Data(
            docs=docs,
            population=population,
            ann_env=ann_env,
            ann=ann,
            rec_env=rec_env,
            add_envs=add_envs,
            taskdef=notice.taskdef(session, docs.task_id),
            items=notice.items(session, ann),
            # only the public columns: never risk_class or risk_as_of
            entity_names={c: visible(n) for c, n in draws.entity_names(engine, codes).items()},
            inspectors=_inspectors(session, ids),
            roster_doc=roster_doc,
            superseded=bool(row and row.superseded),
            extra_seqs=sorted(set(extra)),
            bureau=ws.bureau() if ws.is_initialised() else {"name": "", "region_code": ""},
            history=[{**h, "reason": _reason_words(h.get("reason"))} for h in history],
            results_docs=[(r.envelope, r.vocabulary) for r in rdocs],
        )


#: the log entry of a publication
PUBLISHED = "publish.bundle"


@dataclass(frozen=True)
class PublishResult:
    path: Path
    task_id: str
    record_digest: str
    code: str
    files: tuple[str, ...]
    checkpoint_size: int
    new_checkpoint: bool
    #: the log tail's first seq (the announcement's entry), format v3
    tail_from: int = 0
    #: entries of the tail whose payload holds free text or a 回避 declaration (seq, kind,
    #: fields): published because the tail must be verbatim, shown so that nobody publishes
    #: them unawares (docs/SPEC.md §14, "Privacy of the log tail")
    private_entries: tuple[tuple[int, str, tuple[str, ...]], ...] = ()


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
    assert docs is not None
    seqs = [docs.announcement_log_seq, docs.record_log_seq, *docs.addenda_log_seqs]
    seqs += data.extra_seqs
    audit = audit_svc.AuditLog(ws, engine)
    audit.sync_file()
    new = False
    # the tail runs to the checkpoint: sign one that covers the whole log as it is now, so that
    # a bundle proves completeness as of its publication (a later record would be in it); only
    # earlier publications since the checkpoint need none (republishing stays deterministic)
    size = _checkpoint_size(ws)
    lines, _torn = logverify.split_lines(audit.file_bytes())  # read once for the three uses
    rewrite = size <= max(seqs) or _grown(lines, size)
    _check_tail(lines, docs.announcement_log_seq, None if rewrite else size)
    if rewrite:
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
        files[layout.entry_file(seq)] = line + b"\n"
        files[layout.proof_file(seq)] = proof.encode("utf-8")
    assert checkpoint is not None
    files[layout.CHECKPOINT] = checkpoint.encode("utf-8")
    cp = note.parse_checkpoint(note.parse(checkpoint).text)
    if cp.size > len(lines):  # entries appended since the read above: the checkpoint has them
        lines, _torn = logverify.split_lines(audit.file_bytes())
    files.update(_tail_files(lines, docs.announcement_log_seq, cp))
    return files, cp.size, new


def _check_tail(lines: list[bytes], start: int, size: int | None) -> None:
    """Refuse, before anything is signed or written, a bundle whose log tail (entries
    ``start`` … ``size``−1; the whole log when ``size`` is None) verify would not read
    (:func:`reading.tail_refusal`: one home for the bounds of both)."""
    refusal = reading.tail_refusal(lines[start:size])
    if refusal is not None:
        code, params = refusal
        raise CannotRunError("publish.tail_too_big", start=start, reason_key=code,
                             reason_params=params)  # fmt: skip


def _grown(lines: list[bytes], size: int) -> bool:
    """Whether the log holds an entry past ``size`` other than a ``publish.bundle`` one."""
    for line in lines[size:]:
        entry = parse(line)
        if not isinstance(entry, dict) or entry.get("kind") != PUBLISHED:
            return True
    return False


def _tail_files(lines: list[bytes], start: int, cp: note.Checkpoint) -> dict[str, bytes]:
    """``log/tail.jsonl`` (the log's lines ``start`` … size−1, byte for byte) and
    ``log/tail.json`` (the prefix nodes of [0, start)), checked against the checkpoint."""
    hashes = [merkle.leaf_hash(x) for x in lines[: cp.size]]
    if not start <= cp.size <= len(hashes):
        raise ChainError("log.checkpoint_mismatch", size=cp.size)
    prefix = merkle.prefix_nodes(hashes, start)
    if merkle.tail_root(prefix, start, hashes[start:], cp.size) != cp.root:
        raise ChainError("log.checkpoint_mismatch", size=cp.size)
    return {
        layout.TAIL: b"".join(x + b"\n" for x in lines[start : cp.size]),
        layout.TAIL_INDEX: layout.tail_index(start, cp.size, prefix),
    }


#: payload fields that may carry personal data in clear: free-text reasons typed by a user,
#: and a 回避 declaration's relation and source.  Log entries are hashed into the tree, so the
#: tail cannot redact them; publish names them instead (:func:`private_entries`).
PRIVATE_FIELDS: dict[str, tuple[str, ...]] = {
    "conflicts.edit": ("changes.relation", "changes.source"),
    "keys.revoke": ("reason",),
}


REDACTED = "<redacted>"


def private_entries(tail: bytes) -> list[tuple[int, str, tuple[str, ...]]]:
    """(seq, kind, fields) of the tail's entries whose payload holds a field of
    :data:`PRIVATE_FIELDS` (or any ``*.deactivate`` entry's ``reason``) with a value."""
    found: list[tuple[int, str, tuple[str, ...]]] = []
    for line in tail.splitlines():
        entry = parse(line)
        if not isinstance(entry, dict):
            continue
        kind, payload = str(entry.get("kind")), entry.get("payload")
        if not isinstance(payload, dict):
            continue
        fields = PRIVATE_FIELDS.get(kind, ("reason",) if kind.endswith(".deactivate") else ())
        present = tuple(f for f in fields if _has(payload, f.split(".")))
        if present:
            found.append((int(entry["seq"]), kind, present))
    return found


def _has(value: Any, path: list[str]) -> bool:
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    if isinstance(value, list) and value and all(v == REDACTED for v in value):
        return False  # logged as <redacted> (registry edits since issue 13): nothing to name
    return value not in (None, "", [], {})


def build_files(
    ws: Workspace, engine: Engine, ref: str, key: Ed25519PrivateKey
) -> tuple[_Data, dict[str, bytes], int, bool]:
    """Every file of the bundle as {relative path: bytes} (SHA256SUMS and its signature too)."""
    data = _gather(ws, engine, ref)
    docs = data.docs
    assert docs is not None
    files: dict[str, bytes] = {
        layout.FORMAT_FILE: layout.format_document(),
        layout.ANNOUNCEMENT: docs.announcement,
        layout.RECORD: docs.record,
        layout.ROSTER: docs.roster,
    }
    for env, raw in zip(data.add_envs, docs.addenda, strict=True):
        files[layout.addendum_file(int(env.doc["seq"]))] = raw
    for plan in data.ann.strata:
        pop = data.population.get(plan.id, b"")
        if len(pop) > layout.GZIP_OVER:
            files[layout.stratum_file(plan.id, gz=True)] = layout.deterministic_gzip(pop)
        else:
            files[layout.stratum_file(plan.id)] = pop
    ids = [str(r["id"]) for r in data.roster_doc.get("inspectors", [])]
    public = [{f: data.inspectors[i][f] for f in layout.PUBLIC_INSPECTOR_FIELDS} for i in ids]
    files[layout.INSPECTORS] = (
        json.dumps({"inspectors": public}, ensure_ascii=False, indent=1) + "\n"
    ).encode("utf-8")
    log_files, cp_size, new_cp = _log_files(ws, engine, data, key)
    files.update(log_files)
    files.update(commitments.bundle_files(ws, engine, data.ann.task.id, data.rec_env.doc))
    data.commitment = files.get(layout.COMMITMENT)
    data.commitment_token = files.get(layout.COMMITMENT_TOKEN)
    signer = signing.key_id(signing.public_raw(key))
    own = {k.key_id: k.name for k in keys_svc.own_keys(ws)}
    pub_text = keys_svc.export_for(ws, own.get(signer, "office"), signing.public_raw(key))
    files[layout.OPERATOR_KEY] = pub_text.encode("utf-8")
    written = ws.publish_dir / layout.folder_name(data.ann.task.id) / layout.NOTICE
    if written.is_file():
        files[layout.NOTICE] = written.read_bytes()
    else:
        files[layout.NOTICE] = pages.render_notice(
            data.ann_env, data.taskdef, data.items, data.bureau.get("name", "")
        )
    rows = tbl.result_rows([p.id for p in data.ann.strata], data.rec_env.doc,
                           [a.doc for a in data.add_envs])  # fmt: skip
    names = {b: v["name"] for b, v in data.inspectors.items()}
    table = tbl.cells(tbl.build(data.ann.task.id, rows, data.entity_names, names), layout.FORMAT)
    files[layout.RESULTS_CSV] = tbl.to_csv(table)
    files[layout.RESULTS_XLSX] = tbl.to_xlsx(table, data.rec_env.doc["drawn_at"])
    files.update(_results_files(data))
    files.update(verifier_files())
    data.bundle_files = [*files, layout.INDEX, layout.SUMS, layout.SUMS_SIG]  # listed on the page
    files[layout.INDEX] = pages.render_index(data)
    sums = layout.sums_text(files)
    files[layout.SUMS] = sums
    sig = signing.sign(key, layout.sums_signing_input(sums)).hex()
    files[layout.SUMS_SIG] = canonical({"keyid": signer, "sig": sig}) + b"\n"
    return data, files, cp_size, new_cp


def verifier_files() -> dict[str, bytes]:
    """Format v4: the browser verifier (docs/VERIFIER.md), ``verify.html`` loading the
    ``verify.js`` beside it; the same bytes for every bundle of this version."""
    files = {
        layout.VERIFY_HTML: verifier.page().encode("utf-8"),
        layout.VERIFY_JS: verifier.script().encode("utf-8"),
    }
    for path, data in files.items():  # never write a bundle that verify would refuse
        if len(data) > reading.FIXED[path]:
            raise CannotRunError("publish.verifier_too_big", file=path, size=len(data),
                                 limit=reading.FIXED[path])  # fmt: skip
    return files


def _results_files(data: _Data) -> dict[str, bytes]:
    """The 检查结果公示 part (RESULTS-SPEC §5): documents, vocabularies and the table; the
    page section's rows go into ``data.results_table``."""
    if not data.results_docs:
        return {}
    rec = data.rec_env.doc
    adds = [a.doc for a in data.add_envs]
    files: dict[str, bytes] = {}
    bodies: list[tuple[str, dict[str, Any]]] = []
    vocabularies: dict[str, Vocabulary] = {}
    for env, voc in data.results_docs:
        opened = open_envelope(env, rdoc.KIND)
        bodies.append((opened.digest, opened.doc))
        files[rbundle.doc_file(int(opened.doc["seq"]))] = env
        vocab = Vocabulary.from_document(parse(voc))
        vocabularies[vocab.digest] = vocab
        files[rbundle.vocabulary_file(vocab.digest)] = voc
    rows = rbundle.published_table(
        data.ann.task.id,
        data.rec_env.digest,
        rec,
        adds,
        [p.id for p in data.ann.strata],
        [i.code for i in data.ann.task.items],
        bodies,
        vocabularies,
        data.entity_names,
    )
    data.results_table = rows
    stamp = str(bodies[-1][1]["issued_at"])
    files[rbundle.TABLE_CSV] = rbundle.to_csv(rows)
    files[rbundle.TABLE_XLSX] = rbundle.to_xlsx(rows, stamp)
    return files


def _write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    for rel in sorted(files):
        path = root.joinpath(*rel.split("/"))
        make_private_dir(path.parent, PUBLISH_MODE)
        with open(path, "wb") as fh:
            fh.write(files[rel])
            fh.flush()
            os.fsync(fh.fileno())
        path.chmod(0o644)
    for d in sorted({p.parent for p in root.rglob("*")} | {root}, key=lambda p: -len(p.parts)):
        fsync_dir(d)


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
    # before anything is signed (a new checkpoint included)
    check_writable(parent, "publish.cannot_write")
    data, files, cp_size, new_cp = build_files(ws, engine, ref, key)
    target = parent / layout.folder_name(data.ann.task.id)
    try:
        make_private_dir(parent, PUBLISH_MODE)
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
                PUBLISHED,
                {
                    "task": data.ann.task.id,
                    "record": data.rec_env.digest,
                    "sums": hashlib.sha256(files[layout.SUMS]).hexdigest(),
                    "folder": target.name,
                },
            )
            if os.path.lexists(target):  # a folder, or a symlink (even a dangling one)
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
                if old.is_symlink():  # replaced by the folder itself; never follow it
                    old.unlink()
                else:
                    shutil.rmtree(old)
    return PublishResult(
        path=target,
        task_id=data.ann.task.id,
        record_digest=data.rec_env.digest,
        code=layout.short_code(data.rec_env.digest),
        files=tuple(sorted(files)),
        checkpoint_size=cp_size,
        new_checkpoint=new_cp,
        tail_from=data.docs.announcement_log_seq if data.docs else 0,
        private_entries=tuple(private_entries(files[layout.TAIL])),
    )
