"""``randcheck log repair``: finish an interrupted write of the audit log file.

A process killed between the database commit and the append to ``audit_logs/log.jsonl``
leaves the file without the newest entries (and perhaps with a torn last line).  Every later
write transaction appends them (:meth:`AuditLog.sync_file`); this runs that same step on its
own, so that ``randcheck log verify`` passes again without having to change anything else.

It only ever does what ``sync_file`` does: append the database's own entries the file lacks
and cut a torn last line that is the start of the entry belonging there.  A file that
differs from the database in any other way is refused (``ChainError``) and left untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

from randcheck.core import logverify
from randcheck.errors import ChainError
from randcheck.services.audit import AuditLog

#: the only findings of ``logverify.check_lines`` that appending can fix
REPAIRABLE = frozenset({"log.v.missing_from_file", "log.v.torn_line"})


@dataclass(frozen=True)
class RepairResult:
    """What was done: ``appended`` lines from entry ``start`` on, after cutting a torn last
    line of ``torn_bytes`` bytes (0: there was none)."""

    start: int
    appended: int
    torn_bytes: int


def _where(seq: int | None, line: int | None) -> tuple[str, dict[str, int]]:
    if seq is not None and line is not None:
        return "log.where", {"seq": seq, "line": line}
    if seq is not None:
        return "log.where_seq", {"seq": seq}
    return "log.where_none", {}


def repair_log(audit: AuditLog) -> RepairResult:
    """Append to the log file every database entry it lacks; refuse a diverged file.

    Raises ``ChainError`` (nothing written) when the file has any finding other than missing
    entries at its end or a torn last line: ``log.repair_refused`` naming the first such
    finding, or ``sync_file``'s own ``audit.file_*`` error (e.g. a torn line that is not the
    start of the entry belonging there).  Raises ``CannotRunError`` when the file cannot be
    read or appended to.
    """
    before = audit.file_bytes()
    checked = logverify.check_lines(before, audit.db_rows())
    blocking = [p for p in checked.problems if p.code not in REPAIRABLE]
    if blocking:
        first = blocking[0]
        where_key, where_params = _where(first.params.get("seq"), first.params.get("line"))
        raise ChainError(
            "log.repair_refused",
            where_key=where_key,
            where_params=where_params,
            reason_key=first.code,
            reason_params=dict(first.params),
        )
    lines, tail = logverify.split_lines(before)
    audit.sync_file()
    after, _tail = logverify.split_lines(audit.file_bytes())
    return RepairResult(start=len(lines), appended=len(after) - len(lines), torn_bytes=len(tail))
