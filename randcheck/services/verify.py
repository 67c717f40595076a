"""``randcheck verify``: check a publication bundle (docs/SPEC.md §14) with no trust in the office.

Every check is a named :class:`~randcheck.core.draw.replay.Check` (passed or failed with a
catalog code and parameters).  The protocol checks come from the core replay
(``announcement.*``, ``record.*``, ``population.*``, ``roster``, ``entropy``, ``seed``,
``selection.*``, ``teams``, ``addendum.*``); this module adds the bundle's own checks:
``trust``, ``log.*``, ``chain``, ``results``, ``files`` and ``files.signature``.

Trust: the key in ``keys/operator.pub`` is never trusted because it is in the bundle (whoever
could change the bundle could change the key).  The caller hands in the trusted keys
(``--trusted-keys FILE`` or the workspace's own and trusted keys); with none, the ``trust``
check fails and so do the signature checks.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from randcheck.core import logverify, note, signing
from randcheck.core.canonical import parse
from randcheck.core.draw import commit, drand
from randcheck.core.draw.announce import Announcement, parse_announcement
from randcheck.core.draw.envelope import Envelope, open_envelope
from randcheck.core.draw.replay import Check, entity_proof, replay, verify_entity_proof
from randcheck.core.draw.spec import check_code, unix_time
from randcheck.errors import (
    CannotRunError,
    InputError,
    NotFoundError,
    RandcheckError,
)
from randcheck.services.publish import (
    SUMS,
    SUMS_SIG,
    result_rows,
    short_code,
    stratum_file,
    sums_signing_input,
)

_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S(?:.*\S)?)$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ENTRY = re.compile(r"^log/entries/(0|[1-9][0-9]{0,18})\.json$")


@dataclass(frozen=True)
class BundleReport:
    """The result of verifying one bundle."""

    path: Path
    checks: tuple[Check, ...]
    task_id: str | None = None
    record_digest: str | None = None
    code: str | None = None
    trusted: tuple[str, ...] = ()
    entity: dict[str, Any] | None = None
    log_seqs: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "path": str(self.path),
            "task_id": self.task_id,
            "record_digest": self.record_digest,
            "verification_code": self.code,
            "trusted_keys": list(self.trusted),
            "log_seqs": dict(sorted(self.log_seqs.items())),
            "checks": [
                {"name": c.name, "ok": c.ok, "code": c.code, "params": c.params}
                for c in self.checks
            ],
            "first_failure": None if self.first_failure is None else self.first_failure.name,
            "entity": self.entity,
        }


def _ok(name: str, code: str = "proto.check_ok", **params: Any) -> Check:
    return Check(name, True, code, params)


def _fail(name: str, code: str, **params: Any) -> Check:
    return Check(name, False, code, params)


def bundle_root(path: Path) -> Path:
    """The bundle folder for ``path`` (a folder, or a ``record.json`` inside one)."""
    if not path.exists():
        raise NotFoundError("verify.no_path", path=str(path))
    root = path.parent if path.is_file() else path
    if not (root / "record.json").is_file():
        raise CannotRunError("verify.not_bundle", path=str(path))
    return root


def read_bundle(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` as {relative POSIX path: bytes}."""
    files: dict[str, bytes] = {}
    try:
        for p in sorted(root.rglob("*")):
            if p.is_symlink():
                files[p.relative_to(root).as_posix()] = b""  # never followed; listed as unknown
            elif p.is_file():
                files[p.relative_to(root).as_posix()] = p.read_bytes()
    except OSError as exc:
        raise CannotRunError(
            "io.cannot_read", path=str(getattr(exc, "filename", root)), reason=exc.strerror or ""
        ) from exc
    return files


# -- pieces --------------------------------------------------------------------------------


def _soft_envelope(data: bytes | None, kind: str) -> Envelope | None:
    if data is None:
        return None
    try:
        return open_envelope(data, kind)
    except RandcheckError:
        return None


def _population(
    files: Mapping[str, bytes], ann: Announcement | None
) -> tuple[dict[str, list[bytes]], dict[str, Check]]:
    pop: dict[str, list[bytes]] = {}
    override: dict[str, Check] = {}
    if ann is None:
        return pop, override
    for plan in ann.strata:
        name = f"population.{plan.id}"
        plain, packed = stratum_file(plan.id), stratum_file(plan.id, gz=True)
        try:
            if plain in files:
                raw = files[plain]
            elif packed in files:
                raw = gzip.decompress(files[packed])
            else:
                override[name] = _fail(name, "verify.population_missing", file=plain)
                pop[plan.id] = []
                continue
            pop[plan.id] = commit.parse_population_file(raw, plan.id)
        except (OSError, EOFError, gzip.BadGzipFile):
            override[name] = _fail(name, "verify.population_gzip", file=packed)
            pop[plan.id] = []
        except RandcheckError as exc:
            override[name] = Check(name, False, exc.code, dict(exc.params))
            pop[plan.id] = []
    return pop, override


def _addenda(files: Mapping[str, bytes]) -> list[bytes]:
    names = sorted(p for p in files if re.fullmatch(r"addenda/[0-9]{4}\.json", p))
    return [files[p] for p in names]


def _entries(files: Mapping[str, bytes]) -> dict[int, tuple[bytes, dict[str, Any] | None]]:
    """Log entries in the bundle: seq -> (exact canonical line, parsed entry or None)."""
    out: dict[int, tuple[bytes, dict[str, Any] | None]] = {}
    for path, data in files.items():
        m = _ENTRY.match(path)
        if not m:
            continue
        seq = int(m.group(1))
        line = data[:-1] if data.endswith(b"\n") else data
        value, problem = logverify.check_entry(line, seq)
        out[seq] = (line, value if problem is None else None)
    return out


def _naming(entries: Mapping[int, tuple[bytes, dict[str, Any] | None]], digest: str) -> int | None:
    """The earliest entry whose payload names ``digest`` (as a top-level value)."""
    for seq in sorted(entries):
        value = entries[seq][1]
        if value is None:
            continue
        payload = value.get("payload", {})
        if isinstance(payload, dict) and digest in [
            v for v in payload.values() if isinstance(v, str)
        ]:
            return seq
    return None


class _Log:
    """The log part of the bundle: the checkpoint, entries and inclusion proofs."""

    def __init__(self, files: Mapping[str, bytes], keys: Mapping[str, bytes]) -> None:
        self.files = files
        self.entries = _entries(files)
        self.cp_text: str | None = None
        self.cp_key: bytes | None = None
        self.checkpoint: note.Checkpoint | None = None
        raw = files.get("log/checkpoint.txt")
        self.cp_check: Check
        if raw is None:
            self.cp_check = _fail(
                "log.checkpoint", "verify.missing_file", file="log/checkpoint.txt"
            )
            return
        try:
            text = raw.decode("utf-8")
            cp, origin = logverify.open_checkpoint(text, keys)
        except UnicodeDecodeError:
            self.cp_check = _fail("log.checkpoint", "checkpoint.malformed")
            return
        except RandcheckError as exc:
            self.cp_check = _fail("log.checkpoint", "verify.checkpoint_bad", reason_code=exc.code)
            return
        self.cp_text, self.checkpoint = text, cp
        for public in keys.values():
            if logverify.log_name_for(public, text) == origin:
                self.cp_key = public
        self.cp_check = _ok("log.checkpoint", "verify.checkpoint_ok", size=cp.size, origin=origin)

    def prove(self, digest: str | None) -> tuple[int | None, str | None, dict[str, Any]]:
        """(seq, failure code or None, params) for the earliest entry naming ``digest``."""
        if digest is None:
            return None, "proto.check_skipped", {}
        seq = _naming(self.entries, digest)
        if seq is None:
            return None, "verify.no_entry", {"digest": digest[:16]}
        if self.cp_text is None or self.cp_key is None:
            return seq, "verify.no_checkpoint", {"seq": seq}
        proof = self.files.get(f"log/{seq}.tlog-proof")
        if proof is None:
            return seq, "verify.missing_file", {"file": f"log/{seq}.tlog-proof"}
        try:
            text = proof.decode("utf-8")
            if note.parse_proof(text).checkpoint != self.cp_text:
                return seq, "verify.proof_other_checkpoint", {"seq": seq}
            logverify.verify_proof(text, self.cp_key, self.entries[seq][0])
        except UnicodeDecodeError:
            return seq, "proof.malformed", {}
        except RandcheckError as exc:
            return seq, "verify.proof_bad", {"seq": seq, "reason_code": exc.code}
        return seq, None, {"seq": seq}


def _log_check(name: str, log: _Log, digest: str | None, seqs: dict[str, int]) -> Check:
    seq, problem, params = log.prove(digest)
    if problem is not None:
        return Check(name, False, problem, params)
    assert seq is not None
    seqs[name.removeprefix("log.")] = seq
    value = log.entries[seq][1] or {}
    return _ok(
        name,
        "verify.logged",
        seq=seq,
        kind=str(value.get("kind", "")),
        time=str(value.get("time", "")),
    )


def _order_check(
    log: _Log, seqs: Mapping[str, int], ann: Announcement | None, n_addenda: int
) -> Check:
    if "announcement" not in seqs or "record" not in seqs or ann is None:
        return _fail("log.order", "proto.check_skipped")
    a, r = seqs["announcement"], seqs["record"]
    if not a < r:
        return _fail("log.order", "verify.order_record", announcement=a, record=r)
    last = r
    for i in range(1, n_addenda + 1):
        s = seqs.get(f"addendum.{i}")
        if s is None:
            return _fail("log.order", "proto.check_skipped")
        if not s > last:
            return _fail("log.order", "verify.order_addendum", seq=i, entry=s)
        last = s
    entry = log.entries[a][1] or {}
    logged = str(entry.get("time", ""))
    for src in ann.entropy:
        if src.get("type") != "drand":
            continue
        try:
            chain = drand.chain_by_hash(src["chain_hash"])
            published = drand.round_time(chain, src["round"])
            if not unix_time(logged) < published:
                return _fail("log.order", "verify.order_drand", logged=logged, round=src["round"])
        except RandcheckError as exc:
            return Check("log.order", False, exc.code, dict(exc.params))
    return _ok("log.order", "verify.order_ok", announcement=a, record=r, logged=logged)


def _chain_check(rec: Mapping[str, Any] | None, log: _Log, seqs: Mapping[str, int]) -> Check:
    if rec is None:
        return _fail("chain", "proto.check_skipped")
    prev = rec.get("previous_record")
    redraw = rec.get("redraw")
    if prev is None:
        if redraw is not None:
            return _fail("chain", "verify.redraw_no_previous")
        return _ok("chain", "verify.chain_first")
    if not isinstance(prev, str) or not _HEX64.match(prev):
        return _fail("chain", "verify.chain_format", value=str(prev)[:80])
    if _naming(log.entries, prev) is None:
        return _ok("chain", "verify.chain_format_only", previous=prev[:16])
    seq, problem, params = log.prove(prev)
    if problem is not None:
        return Check("chain", False, problem, params)
    r = seqs.get("record")
    if seq is None or r is None or not seq < r:
        return _fail("chain", "verify.chain_order", previous=prev[:16])
    return _ok("chain", "verify.chain_logged", previous=prev[:16], seq=seq)


def _results_check(
    files: Mapping[str, bytes],
    ann: Announcement | None,
    rec: Mapping[str, Any] | None,
    adds: list[Envelope | None],
) -> Check:
    raw = files.get("results.csv")
    if raw is None:
        return _fail("results", "verify.missing_file", file="results.csv")
    if ann is None or rec is None or any(a is None for a in adds):
        return _fail("results", "proto.check_skipped")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error):
        return _fail("results", "verify.results_unreadable")
    try:
        want = result_rows(ann, rec, [a.doc for a in adds if a is not None])
    except (KeyError, TypeError, ValueError):
        return _fail("results", "proto.check_skipped")
    got = [(r[1], r[3], r[5]) if len(r) >= 6 else tuple(r) for r in rows[1:]]
    expect = [(w["stratum"], w["code"], ";".join(w["badges"])) for w in want]
    if got != expect:
        for i, (g, e) in enumerate(zip(got, expect, strict=False), start=2):
            if g != e:
                return _fail("results", "verify.results_row", row=i, entity=e[1])
        return _fail("results", "verify.results_count", got=len(got), expected=len(expect))
    for r in rows[1:]:
        if len(r) < 1 or r[0] != ann.task.id:
            return _fail(
                "results",
                "verify.results_row",
                row=rows.index(r) + 1,
                entity=r[3] if len(r) > 3 else "",
            )
    return _ok("results", "verify.results_ok", rows=len(expect))


def _files_check(files: Mapping[str, bytes]) -> Check:
    import hashlib

    raw = files.get(SUMS)
    if raw is None:
        return _fail("files", "verify.missing_file", file=SUMS)
    try:
        lines = raw.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return _fail("files", "verify.sums_malformed", line=1)
    if lines[-1] != "":
        return _fail("files", "verify.sums_malformed", line=len(lines))
    listed: dict[str, str] = {}
    for n, line in enumerate(lines[:-1], start=1):
        m = _SUM_LINE.match(line)
        if not m:
            return _fail("files", "verify.sums_malformed", line=n)
        path = m.group(2)
        if path.startswith("/") or ".." in path.split("/") or path in listed:
            return _fail("files", "verify.sums_malformed", line=n)
        listed[path] = m.group(1)
    for path in sorted(listed):
        if path not in files:
            return _fail("files", "verify.file_missing", file=path)
        if hashlib.sha256(files[path]).hexdigest() != listed[path]:
            return _fail("files", "verify.file_changed", file=path)
    extra = sorted(p for p in files if p not in listed and p not in (SUMS, SUMS_SIG))
    if extra:
        return _fail("files", "verify.file_unlisted", file=extra[0], count=len(extra))
    return _ok("files", "verify.files_ok", count=len(listed))


def _sums_signature(files: Mapping[str, bytes], keys: Mapping[str, bytes]) -> Check:
    raw = files.get(SUMS_SIG)
    sums = files.get(SUMS)
    if raw is None or sums is None:
        return _fail(
            "files.signature", "verify.missing_file", file=SUMS_SIG if raw is None else SUMS
        )
    try:
        doc = parse(raw.rstrip(b"\n"))
        if not isinstance(doc, dict) or set(doc) != {"keyid", "sig"}:
            raise InputError("verify.sums_sig_malformed")
        keyid, sig = str(doc["keyid"]), bytes.fromhex(str(doc["sig"]))
    except (RandcheckError, ValueError):
        return _fail("files.signature", "verify.sums_sig_malformed")
    public = keys.get(keyid)
    if public is None:
        return _fail("files.signature", "verify.sums_untrusted", key_id=keyid[:16])
    try:
        signing.verify(public, sums_signing_input(sums), sig)
    except RandcheckError:
        return _fail("files.signature", "verify.sums_sig_bad", key_id=keyid[:16])
    return _ok("files.signature", "verify.sums_sig_ok", key_id=keyid[:16])


def _entity(
    code: str,
    ann_raw: bytes,
    rec_raw: bytes,
    population: Mapping[str, list[bytes]],
    adds: list[Envelope | None],
) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "in_pool": False}
    try:
        check_code(code)
        proof = entity_proof(ann_raw, rec_raw, population, code)
        status = verify_entity_proof(proof, ann_raw, rec_raw)
    except RandcheckError as exc:
        out["reason_code"] = exc.code
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
    for a in adds:
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


# -- the whole bundle ---------------------------------------------------------------------


def verify_bundle(
    path: Path,
    keys: Mapping[str, bytes],
    *,
    entity: str | None = None,
    verify_bls: bool = True,
) -> BundleReport:
    """Verify the bundle at ``path`` against the trusted operator ``keys`` {key id: raw}.

    Raises ``NotFoundError``/``CannotRunError`` only when it cannot run (missing path, not a
    bundle, unreadable); every finding is a check in the report.
    """
    root = bundle_root(path)
    files = read_bundle(root)
    checks: list[Check] = []
    if keys:
        checks.append(
            _ok(
                "trust",
                "verify.trust_ok",
                count=len(keys),
                keys=", ".join(k[:16] for k in sorted(keys)),
            )
        )
    else:
        checks.append(_fail("trust", "verify.no_trusted_keys"))
    ann_raw = files.get("announcement.json", b"")
    rec_raw = files.get("record.json", b"")
    ann_env = _soft_envelope(ann_raw, "announcement")
    rec_env = _soft_envelope(rec_raw, "record")
    ann: Announcement | None = None
    if ann_env is not None:
        try:
            ann = parse_announcement(ann_env.doc)
        except RandcheckError:
            ann = None
    population, pop_override = _population(files, ann)
    roster: Any = {}
    try:
        parsed = parse(files.get("roster.json", b""))
        if isinstance(parsed, dict):
            roster = parsed
    except RandcheckError:
        roster = {}
    add_raw = _addenda(files)
    report = replay(ann_raw, rec_raw, population, roster, keys, add_raw, verify_bls=verify_bls)
    checks.extend(pop_override.get(c.name, c) for c in report.checks)
    add_envs = [_soft_envelope(a, "addendum") for a in add_raw]

    log = _Log(files, keys)
    checks.append(log.cp_check)
    seqs: dict[str, int] = {}
    checks.append(_log_check("log.announcement", log, ann_env.digest if ann_env else None, seqs))
    checks.append(_log_check("log.record", log, rec_env.digest if rec_env else None, seqs))
    for i, a in enumerate(add_envs, start=1):
        checks.append(_log_check(f"log.addendum.{i}", log, a.digest if a else None, seqs))
    checks.append(_order_check(log, seqs, ann, len(add_envs)))
    checks.append(_chain_check(rec_env.doc if rec_env else None, log, seqs))
    checks.append(_results_check(files, ann, rec_env.doc if rec_env else None, add_envs))
    checks.append(_files_check(files))
    checks.append(_sums_signature(files, keys))

    ent = None
    if entity is not None:
        ent = _entity(entity, ann_raw, rec_raw, population, add_envs)
    return BundleReport(
        path=root,
        checks=tuple(replace(c, params=dict(c.params)) for c in checks),
        task_id=ann.task.id if ann else None,
        record_digest=rec_env.digest if rec_env else None,
        code=short_code(rec_env.digest) if rec_env else None,
        trusted=tuple(sorted(keys)),
        entity=ent,
        log_seqs=seqs,
    )
