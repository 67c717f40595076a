"""The item list's change history, read from the audit log's ``items.*`` entries.

An ``items.import`` entry that names the codes it changed (``codes``, since issue #10) puts a
dated line on each of those items; an older one, which logged counts only, is shown as a
change of the whole list.  ``items.edit`` names the fields changed (not their values: a
field may be logged redacted), ``items.deactivate`` says the item was withdrawn (its free-text
reason is not published: it may hold personal data, see ``publish.PRIVATE_FIELDS``).

A line is kept as a catalog key and its parameters, not as a sentence: the page renders it
with the imported file's name (text a user chose) isolated in a ``<bdi>``
(:data:`USER_PARAMS`), so a right-to-left name cannot reorder the sentence around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from randcheck.catalog import MESSAGES, render
from randcheck.core.chinatime import reading_time
from randcheck.core.text import visible
from randcheck.site.data import LogEntry

#: the parameters of a line that hold user-supplied text (shown isolated, see the module doc)
USER_PARAMS = frozenset({"file", "kind"})


@dataclass(frozen=True)
class Line:
    when: str  # reading time
    key: str  # a ``site.history.*`` catalog key
    params: dict[str, str | int]


@dataclass
class History:
    #: item code -> its lines, oldest first
    per_item: dict[str, list[Line]] = field(default_factory=dict)
    #: changes of the whole list (imports), oldest first
    whole: list[Line] = field(default_factory=list)


def _field_label(name: str) -> str:
    key = f"site.field.{name}"
    return render(key, "zh") if key in MESSAGES else visible(name)


def history(entries: Sequence[LogEntry]) -> History:
    out = History()

    def add(code: str, line: Line) -> None:
        out.per_item.setdefault(code, []).append(line)

    for e in entries:
        when = reading_time(e.time)
        p = e.payload
        if e.kind == "items.import":
            raw = p.get("counts")
            counts: dict[str, Any] = raw if isinstance(raw, dict) else {}
            file = visible(str(p.get("file", "")))
            out.whole.append(
                Line(
                    when,
                    "site.history.import",
                    {
                        "file": file,
                        "added": int(counts.get("added", 0)),
                        "updated": int(counts.get("updated", 0)),
                        "deactivated": int(counts.get("deactivated", 0)),
                    },
                )
            )
            codes = p.get("codes")
            if isinstance(codes, dict):
                for what in ("added", "updated", "deactivated"):
                    for code in codes.get(what) or []:
                        add(str(code), Line(when, f"site.history.{what}", {"file": file}))
        elif e.kind == "items.edit":
            raw_changes = p.get("changes")
            changes: dict[str, Any] = raw_changes if isinstance(raw_changes, dict) else {}
            fields = "、".join(_field_label(str(f)) for f in sorted(changes))
            add(str(p.get("key", "")), Line(when, "site.history.edit", {"fields": fields}))
        elif e.kind == "items.deactivate":
            add(str(p.get("key", "")), Line(when, "site.history.deactivate", {}))
        else:
            key = str(p.get("key", ""))
            if key:
                add(key, Line(when, "site.history.other", {"kind": visible(e.kind)}))
    return out
