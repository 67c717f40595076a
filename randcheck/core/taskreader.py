"""Typed reading of one table of a task definition, naming the field on every error.

``Reader`` wraps one table (the task, ``[filters]``, a ``[[strata]]`` entry …) of a kind
listed in ``FIELDS``: a field no table of that kind holds is refused by name as soon as the
table is opened (before any other rule of the table, so a misspelt ``ratoi`` is not reported
as "needs count or ratio"), with a "did you mean" (``unknown_field``).  The rules of a task
are in ``randcheck.core.taskdef``; text fields are checked at the door
(``randcheck.core.text``) unless the definition is read back from the database.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from randcheck.core.text import one_line, problem, visible
from randcheck.errors import InputError

# The fields each table of a definition may hold (kind -> names), and where each kind lives.
# An unknown field is refused by name as soon as its table is opened, with a suggestion.
FIELDS: dict[str, tuple[str, ...]] = {
    "": (
        "id", "title", "items", "departments", "mode", "filters", "exclusions", "strata",
        "batches", "teams", "entropy", "witnesses", "planned_draw_at", "spec", "ordering",
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
    "ordering": ("margin", "witnesses", "tsa_certs", "tsa_url"),
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
    "ordering": "ordering",
}
PLAN_FIELDS = ("task", "defaults", "plan")


class Reader:
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

    def table(self, key: str) -> Reader:
        value = self.raw(key)
        return Reader(
            {} if value is None else value, self._name(key), self.source, self.check_text, key
        )

    def tables(self, key: str) -> list[Reader]:
        value = self.raw(key)
        if value is None:
            return []
        if isinstance(value, Mapping):
            value = [value]
        if not isinstance(value, list):
            raise self._bad(key, "taskdef.exp.tables")
        return [
            Reader(v, f"{self._name(key)}[{i}]", self.source, self.check_text, key)
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
            raise unknown_field(self.source, self._name(unknown[0]), unknown[0], FIELDS[self.kind])


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
