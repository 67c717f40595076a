"""Pure checks of the audit log: its lines, the database copy, checkpoints, proofs, state.

Nothing here reads files or the database; the service hands in bytes and rows.  Every finding
is a failed :class:`~randcheck.core.checks.Check` whose params name the entry (``seq``,
0-based) and the file line (1-based), with a catalog code that says why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from randcheck.core import merkle, note, signing
from randcheck.core.canonical import is_canonical, parse
from randcheck.core.checks import Check
from randcheck.errors import InputError, RandcheckError, VerificationError

ENTRY_FIELDS = {"seq": int, "kind": str, "actor": str, "time": str, "payload": dict}
_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
_ORIGIN = re.compile(r"^randcheck/[0-9]{6}/([0-9a-f]{16})$")


# check names of ``log verify`` (docs/SPEC.md §14): what each finding is about
ENTRIES = "log.entries"  # the file's lines: JSON, canonical, entry fields, seq = position
MIRROR = "log.mirror"  # the file against the database (the primary copy)
CHECKPOINTS = "log.checkpoints"  # every stored signed checkpoint against the tree
STATE = "log.state"  # each registry table against the digest last recorded in the log


def problem(
    name: str, code: str, seq: int | None = None, line: int | None = None, **params: Any
) -> Check:
    """A failed log check naming the entry (``seq``, 0-based) and file line (1-based)."""
    return Check(name, False, code, {"seq": seq, "line": line, **params})


def sort_key(check: Check) -> tuple[int, int]:
    """File order: by line, then by entry; findings about no line or entry last."""
    big = 2**62
    line, seq = check.params.get("line"), check.params.get("seq")
    return (line if line is not None else big, seq if seq is not None else big)


@dataclass
class LinesResult:
    """The file's complete lines, their leaf hashes and parsed entries (None if unparsable)."""

    lines: list[bytes]
    hashes: list[bytes]
    entries: list[dict[str, Any] | None]
    problems: list[Check]


def split_lines(data: bytes) -> tuple[list[bytes], bytes]:
    """Complete ``\\n``-terminated lines and the torn tail after the last newline."""
    cut = data.rfind(b"\n") + 1
    whole = data[:cut]
    return (whole[:-1].split(b"\n") if whole else []), data[cut:]


def check_entry(line: bytes, index: int) -> tuple[dict[str, Any] | None, Check | None]:
    """Parse one line and check that it is entry ``index`` in canonical form."""
    seq, ln = index, index + 1
    if not is_canonical(line):
        try:
            parse(line)
        except InputError:
            return None, problem(ENTRIES, "log.v.not_json", seq, ln)
        return None, problem(ENTRIES, "log.v.not_canonical", seq, ln)
    value = parse(line)
    if not isinstance(value, dict) or set(value) != set(ENTRY_FIELDS):
        return None, problem(ENTRIES, "log.v.bad_entry", seq, ln)
    for name, typ in ENTRY_FIELDS.items():
        if not isinstance(value[name], typ) or isinstance(value[name], bool):
            return None, problem(ENTRIES, "log.v.bad_entry", seq, ln)
    if not _TIME.match(value["time"]):
        return value, problem(ENTRIES, "log.v.bad_entry", seq, ln)
    if value["seq"] != index:
        return value, problem(ENTRIES, "log.v.wrong_seq", seq, ln, found=value["seq"])
    return value, None


def check_lines(data: bytes, db_rows: Sequence[tuple[int, str, bytes]] | None) -> LinesResult:
    """Check every line of the log file, and compare it with the database rows if given.

    Detects: a line that is not JSON / not canonical / not an entry; a line whose ``seq`` is
    not its position (removed, reordered or inserted lines); a line that differs from the
    database (edited); a line the database does not have (appended out of band); a database
    entry the file lacks (removed or truncated, or an interrupted write); database rows with a
    gap in ``seq`` or a stored leaf hash that does not match the body; a torn last line.
    """
    lines, tail = split_lines(data)
    problems: list[Check] = []
    entries: list[dict[str, Any] | None] = []
    for i, line in enumerate(lines):
        entry, bad = check_entry(line, i)
        entries.append(entry)
        if bad:
            problems.append(bad)
    if tail:
        problems.append(problem(ENTRIES, "log.v.torn_line", len(lines), len(lines) + 1))
    if db_rows is not None:
        for j, (seq, leaf_hex, body) in enumerate(db_rows):
            if seq != j:
                problems.append(problem(MIRROR, "log.v.db_gap", j, found=seq))
                break
            if merkle.leaf_hash(body).hex() != leaf_hex:
                problems.append(problem(MIRROR, "log.v.db_leaf", seq))
        for i, line in enumerate(lines):
            if i >= len(db_rows):
                problems.append(
                    problem(MIRROR, "log.v.not_in_db", i, i + 1, db_entries=len(db_rows))
                )
                break
            if line != db_rows[i][2]:
                problems.append(problem(MIRROR, "log.v.differs_from_db", i, i + 1))
        if len(db_rows) > len(lines):
            problems.append(
                problem(
                    MIRROR,
                    "log.v.missing_from_file",
                    len(lines),
                    len(lines) + 1,
                    count=len(db_rows) - len(lines),
                )
            )
    problems.sort(key=sort_key)
    return LinesResult(lines, [merkle.leaf_hash(x) for x in lines], entries, problems)


def log_name_for(public: bytes, note_text: str) -> str | None:
    """The randcheck note key name in ``note_text`` that belongs to ``public``, if any."""
    kid16 = signing.key_id(public)[:16]
    try:
        parsed = note.parse(note_text)
    except VerificationError:
        return None
    for sig in parsed.signatures:
        m = _ORIGIN.match(sig.name)
        if m and m.group(1) == kid16:
            return sig.name
    return None


def open_checkpoint(note_text: str, keys: Mapping[str, bytes]) -> tuple[note.Checkpoint, str]:
    """Verify a signed checkpoint against {key id: public key}; returns it and its signer name.

    The origin must be randcheck's name for the signing key (``randcheck/<region>/<kid16>``).
    Raises ``VerificationError``/``SignatureError``.
    """
    known: dict[str, bytes] = {}
    for public in keys.values():
        name = log_name_for(public, note_text)
        if name is not None:
            known[name] = public
    if not known:
        note.parse(note_text)  # malformed notes report as such
        raise VerificationError("note.no_known_signature")
    text, names = note.open_note(note_text, known)
    cp = note.parse_checkpoint(text)
    if cp.origin not in names:
        raise VerificationError("checkpoint.origin_mismatch", origin=cp.origin)
    return cp, cp.origin


def check_checkpoint(
    note_text: str, source: str, keys: Mapping[str, bytes], hashes: Sequence[bytes]
) -> tuple[note.Checkpoint | None, list[Check]]:
    """Check one stored checkpoint against the log's leaf hashes."""
    try:
        cp, _name = open_checkpoint(note_text, keys)
    except RandcheckError as exc:
        return None, [
            problem(CHECKPOINTS, "log.v.checkpoint_signature", file=source, reason_code=exc.code)
        ]
    if cp.size > len(hashes):
        return cp, [
            problem(
                CHECKPOINTS,
                "log.v.checkpoint_beyond",
                len(hashes),
                len(hashes) + 1,
                file=source,
                size=cp.size,
                have=len(hashes),
            )
        ]
    if merkle.root_from_hashes(hashes[: cp.size]) != cp.root:
        return cp, [problem(CHECKPOINTS, "log.v.checkpoint_root", file=source, size=cp.size)]
    return cp, []


def check_state(
    entries: Sequence[Mapping[str, Any] | None], current: Mapping[str, str]
) -> list[Check]:
    """Compare each table's newest recorded ``payload.state`` digest with the database now."""
    latest: dict[str, tuple[int, str]] = {}
    for entry in entries:
        if entry is None:
            continue
        state = entry.get("payload", {}).get("state")
        if isinstance(state, dict):
            for table, digest in state.items():
                latest[table] = (int(entry["seq"]), str(digest))
    problems = []
    for table in sorted(latest):
        seq, recorded = latest[table]
        actual = current.get(table)
        if actual != recorded:
            problems.append(
                problem(
                    STATE,
                    "log.v.state_mismatch",
                    seq,
                    seq + 1,
                    table=table,
                    recorded=recorded,
                    actual=actual or "-",
                )
            )
    return problems


def verify_proof(
    bundle_text: str, public: bytes, entry: bytes
) -> tuple[note.ProofBundle, note.Checkpoint]:
    """Verify a tlog-proof bundle for ``entry`` (canonical bytes) against one public key.

    Checks the checkpoint signature and origin, that ``entry`` is canonical JSON whose ``seq``
    is the proof's index, and the RFC 6962 inclusion proof.  Raises ``VerificationError``.
    """
    bundle = note.parse_proof(bundle_text)
    cp, _name = open_checkpoint(bundle.checkpoint, {signing.key_id(public): public})
    value, bad = check_entry(entry, bundle.index)
    if bad is not None or value is None:
        raise VerificationError("proof.bad_entry", index=bundle.index)
    merkle.verify_inclusion(bundle.index, cp.size, merkle.leaf_hash(entry), bundle.hashes, cp.root)
    return bundle, cp
