"""Row validation: ``validate_record`` (the reference, with row errors and warnings) and the
generated fast path ``fast_for`` (the bulk import's per-row function for ordinary rows),
both built from the kinds table (``kinds.KINDS``) and the specs.

Rules across fields (``_cross_check``): an entity needs a credit code or a legacy 注册号 (a
15-character code fills both); an entity with no region takes characters 3–8 of its unified
social credit code (the registration authority's GB/T 2260 region code); a 一般 item needs a
ratio cap.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from randcheck.core import uscc
from randcheck.errors import RowError
from randcheck.services.registry.kinds import KINDS, Bad, Slow
from randcheck.services.registry.specs import ENTITIES, ITEMS, RegistrySpec


def region_of(code: str) -> str:
    """The registration authority's region code in a unified social credit code (chars 3–8)."""
    return code[2:8]


@dataclass
class Validated:
    record: dict[str, Any] | None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


_PLANS: dict[str, list[tuple[str, Callable[[str], Any], bool]]] = {}


def _plan(spec: RegistrySpec) -> list[tuple[str, Callable[[str], Any], bool]]:
    plan = _PLANS.get(spec.name)
    if plan is None:
        plan = _PLANS[spec.name] = [(f.name, KINDS[f.kind].parse, f.required) for f in spec.fields]
    return plan


def validate_record(
    spec: RegistrySpec, values: Mapping[str, str], file: str, row: int, names: Mapping[str, str]
) -> Validated:
    """Validate one row's text values; returns the typed record or its errors."""
    out: dict[str, Any] = {}
    errors: list[RowError] | None = None
    warnings: list[RowError] | None = None
    get = values.get
    for name, parser, required in _plan(spec):
        try:
            value = parser(get(name, ""))
        except Bad as bad:
            errors = errors or []
            errors.append(_row_error(values, file, row, names, name, bad.code, bad.params))
            continue
        if value.__class__ is uscc.CodeCheck:
            warnings = warnings or []
            warnings.extend(
                RowError(file, row, names.get(name, name), value.code, w, dict(value.params))
                for w in value.warnings
            )
            value = value.code
        if required and (value == "" or value is None):
            errors = errors or []
            errors.append(_row_error(values, file, row, names, name, "registry.required", {}))
            continue
        out[name] = value
    if errors is None:
        problem = _cross_check(spec, out)
        if problem is not None:
            errors = [_row_error(values, file, row, names, problem[0], problem[1], {})]
    if errors:
        return Validated(None, errors, warnings or [])
    return Validated(out, [], warnings or [])


def _row_error(
    values: Mapping[str, str],
    file: str,
    row: int,
    names: Mapping[str, str],
    name: str,
    code: str,
    params: dict[str, Any],
) -> RowError:
    return RowError(file, row, names.get(name, name), values.get(name, "")[:60], code, params)


def _cross_check(spec: RegistrySpec, out: dict[str, Any]) -> tuple[str, str] | None:
    """Rules across fields; may fill ``out``.  Returns (field, catalog key) of a problem."""
    if spec is ENTITIES:
        if not out["code"]:
            if not out["legacy_reg_no"]:
                return ("code", "registry.required")
            out["code"] = out["legacy_reg_no"]
        elif len(out["code"]) == 15 and not out["legacy_reg_no"]:
            out["legacy_reg_no"] = out["code"]
        if not out["region_code"] and len(out["code"]) == 18:
            out["region_code"] = region_of(out["code"])
    elif spec is ITEMS and out["item_type"] == "一般" and not out["ratio_cap"]:
        return ("ratio_cap", "registry.general_needs_cap")
    return None


def row_tuple(spec: RegistrySpec, record: Mapping[str, Any]) -> tuple[Any, ...]:
    """A validated record as the import's row tuple (schema order, dates as ISO text)."""
    return tuple(
        record[f.name].isoformat() if record[f.name].__class__ is date else record[f.name]
        for f in spec.fields
    )


def _fast_validator(
    spec: RegistrySpec, present: frozenset[str] | None
) -> Callable[[Mapping[str, str]], tuple[Any, ...]]:
    """A function from text values to the row tuple (schema order, dates as ISO text), for
    rows with nothing unusual; it raises ``Slow`` (or ``ValueError``) otherwise, and the row
    then goes through ``validate_record``, which is the reference.  Generated once per
    registry so that the per-row cost is a handful of direct calls (the bulk-import budget).

    ``present``: the fields the file has a column for (``None``: any).  A field outside it
    is absent from every row's values, so its twin's value for ``""`` is computed here once
    and the function uses that constant (a file without an 有效 column …)."""
    lines = ["def fast(v):", "    g = v.get"]
    names = []
    namespace: dict[str, Any] = {"_Slow": Slow, "_region_of": region_of}
    index = {f.name: i for i, f in enumerate(spec.fields)}
    for i, f in enumerate(spec.fields):
        var = f"x{i}"
        names.append(var)
        if present is not None and f.name not in present:
            try:
                namespace[f"k{i}"] = "".strip() if f.kind == "text" else KINDS[f.kind].fast("")
            except (Slow, ValueError):
                pass  # the twin refuses "": the call below refuses every row the same way
            else:
                lines.append(f"    {var} = k{i}")
                if f.required:
                    lines.append(f"    if {var} == '' or {var} is None: raise _Slow")
                continue
        if f.kind == "text":  # inline: the twin of text is str.strip
            lines.append(f"    {var} = g({f.name!r}, '').strip()")
        else:
            namespace[f"p{i}"] = KINDS[f.kind].fast
            lines.append(f"    {var} = p{i}(g({f.name!r}, ''))")
        if f.required:
            lines.append(f"    if {var} == '' or {var} is None: raise _Slow")
    if spec is ENTITIES:
        lines.append("    if len(x0) != 18: raise _Slow")  # legacy-only or empty code
        r = f"x{index['region_code']}"
        lines.append(f"    if not {r}: {r} = _region_of(x0)")
    if spec is ITEMS:
        lines.append("    raise _Slow")  # items are few: always the reference path
    lines.append(f"    return ({', '.join(names)},)")
    exec("\n".join(lines), namespace)  # the source is built above from the static specs
    fast: Callable[[Mapping[str, str]], tuple[Any, ...]] = namespace["fast"]
    return fast


_FAST: dict[tuple[str, frozenset[str] | None], Callable[[Mapping[str, str]], tuple[Any, ...]]] = {}


def fast_for(
    spec: RegistrySpec, present: Collection[str] | None = None
) -> Callable[[Mapping[str, str]], tuple[Any, ...]]:
    """The fast path of ``spec`` (see ``_fast_validator``), for rows whose values hold only
    fields of ``present`` (``None``: any fields)."""
    key = (spec.name, None if present is None else frozenset(present))
    fast = _FAST.get(key)
    if fast is None:
        fast = _FAST[key] = _fast_validator(spec, key[1])
    return fast
