"""The header row of a registry file: which source column is which field.

Headers are matched through the registry's alias table (Chinese and English synonyms, see
docs/import.md) and ``--map col=field``, after :func:`header_key` normalisation (half-width,
lower case, no spaces or ``_-./()``).  ``randcheck.io.readers`` searches the first
``HEADER_SCAN`` rows of a CSV or XLSX for the first one that names every required column
(:func:`matched_fields`), and :class:`HeaderMap` maps it, reporting a missing column by the
header a user would write (:func:`label`) with every accepted synonym.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from randcheck.core.text import shown
from randcheck.core.uscc import normalise as _normalise_code
from randcheck.errors import InputError, RowError

HEADER_SCAN = 10  # the header may be this far down (title and blank rows above it are skipped)


def header_key(name: str) -> str:
    """Normalised header for alias lookup: half-width, lower case, no spaces/_/-."""
    key = _normalise_code(name).lower()
    for ch in "_-./（）()":
        key = key.replace(ch, "")
    return key


def label(aliases: Mapping[str, str], field_name: str) -> tuple[str, list[str]]:
    """A field's header as a user would write it (its first Chinese synonym) and all the
    headers it is read from."""
    names = [a for a, target in aliases.items() if target == field_name]
    names = [a for a in names if not a.isascii()] + [a for a in names if a.isascii()]
    return (names[0] if names else field_name), names


def matched_fields(
    headers: list[str], aliases: Mapping[str, str], mapping: Mapping[str, str]
) -> set[str]:
    """The fields a candidate header row names."""
    field_of = _lookup(aliases, mapping)
    found = set()
    for raw in headers:
        key = header_key((raw or "").strip().lstrip("\ufeff"))
        if key:
            target = field_of(key)
            if target is not None:
                found.add(target)
    return found


def _lookup(aliases: Mapping[str, str], mapping: Mapping[str, str]) -> Callable[[str], str | None]:
    """The field a normalised header names: ``--map`` first, then the alias table."""
    by_key = {header_key(k): v for k, v in aliases.items()}
    user = {header_key(k): v for k, v in mapping.items()}
    return lambda key: user.get(key) or by_key.get(key)


class HeaderMap:
    """Maps source column names to field names and checks required columns."""

    def __init__(
        self,
        path: Path,
        headers: list[str],
        aliases: Mapping[str, str],
        mapping: Mapping[str, str],
        required: list[list[str]],
        ignored: Collection[str] = (),
        silent: Collection[str] = (),
        row: int = 1,
        hint: bool = False,
    ) -> None:
        self.columns: list[tuple[int, str, str]] = []  # (index, source name, field)
        field_of = _lookup(aliases, mapping)
        fields_known = set(aliases.values())
        errors: list[RowError] = []
        seen: dict[str, str] = {}
        errors.extend(
            RowError(path.name, row, shown(src), shown(dest), "registry.map_unknown_field")
            for src, dest in mapping.items()
            if dest not in fields_known
        )
        for index, raw in enumerate(headers):
            name = (raw or "").strip().lstrip("\ufeff")
            key = header_key(name)
            if not key:
                continue
            target = field_of(key)
            if target is None:
                continue  # unknown columns are ignored (listed in the import summary)
            if target in seen:
                errors.append(
                    RowError(
                        path.name,
                        row,
                        shown(name),
                        target,
                        "registry.duplicate_column",
                        {"other": seen[target]},
                    )
                )
                continue
            seen[target] = name
            self.columns.append((index, name, target))
        for group in required:
            if any(f in seen for f in group):
                continue
            labels = [label(aliases, f) for f in group]
            errors.append(
                RowError(
                    path.name,
                    row,
                    " / ".join(label for label, _names in labels),
                    "",
                    "registry.missing_column",
                    {"headers": " / ".join(n for _label_, names in labels for n in names)},
                )
            )
        if errors and hint and any(e.code == "registry.missing_column" for e in errors):
            errors.append(
                RowError(path.name, row, "", "", "registry.header_hint", {"rows": HEADER_SCAN})
            )
        if errors:
            raise InputError("registry.bad_file", rows=errors, file=path.name)
        ignored_keys = {header_key(h) for h in ignored}
        silent_keys = {header_key(h) for h in silent}
        #: columns that matched no field and are not known to be ignored
        self.unknown: list[str] = []
        #: columns recognised and deliberately not stored (personal data, addresses …)
        self.ignored: list[str] = []
        for h in headers:
            text = (h or "").strip()
            key = header_key(text)
            if not key or text in seen.values() or key in silent_keys:
                continue
            (self.ignored if key in ignored_keys else self.unknown).append(shown(text))
        #: field -> its source column as shown to a person (see ``shown``)
        self.names = {target: shown(name) for _i, name, target in self.columns}

    def source_name(self, field_name: str) -> str:
        for _i, name, target in self.columns:
            if target == field_name:
                return name
        return field_name
