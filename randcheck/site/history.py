"""The item list's change history, read from the audit log's ``items.*`` entries.

An ``items.import`` entry that names the codes it changed (``codes``, since issue #10) puts a
dated line on each of those items; an older one, which logged counts only, is shown as a
change of the whole list.  ``items.edit`` names the fields changed (not their values: a
field may be logged redacted), ``items.deactivate`` says the item was withdrawn (its free-text
reason is not published: it may hold personal data, see ``publish.PRIVATE_FIELDS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from randcheck.catalog import MESSAGES, render
from randcheck.core.chinatime import reading_time
from randcheck.core.text import visible
from randcheck.site.data import LogEntry


@dataclass
class History:
    #: item code -> [(reading time, text)], oldest first
    per_item: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: changes of the whole list (imports), oldest first
    whole: list[tuple[str, str]] = field(default_factory=list)


def _field_label(name: str) -> str:
    key = f"site.field.{name}"
    return render(key, "zh") if key in MESSAGES else visible(name)


def history(entries: Sequence[LogEntry]) -> History:
    out = History()

    def add(code: str, when: str, text: str) -> None:
        out.per_item.setdefault(code, []).append((when, text))

    for e in entries:
        when = reading_time(e.time)
        p = e.payload
        if e.kind == "items.import":
            raw = p.get("counts")
            counts: dict[str, Any] = raw if isinstance(raw, dict) else {}
            file = visible(str(p.get("file", "")))
            out.whole.append(
                (
                    when,
                    render(
                        "site.history.import",
                        "zh",
                        file=file,
                        added=int(counts.get("added", 0)),
                        updated=int(counts.get("updated", 0)),
                        deactivated=int(counts.get("deactivated", 0)),
                    ),
                )
            )
            codes = p.get("codes")
            if isinstance(codes, dict):
                for what in ("added", "updated", "deactivated"):
                    for code in codes.get(what) or []:
                        add(str(code), when, render(f"site.history.{what}", "zh", file=file))
        elif e.kind == "items.edit":
            raw_changes = p.get("changes")
            changes: dict[str, Any] = raw_changes if isinstance(raw_changes, dict) else {}
            fields = "、".join(_field_label(str(f)) for f in sorted(changes))
            add(str(p.get("key", "")), when, render("site.history.edit", "zh", fields=fields))
        elif e.kind == "items.deactivate":
            add(str(p.get("key", "")), when, render("site.history.deactivate", "zh"))
        else:
            key = str(p.get("key", ""))
            if key:
                add(key, when, render("site.history.other", "zh", kind=visible(e.kind)))
    return out
