"""The registries (一单两库 plus 回避): validation, bulk import, edits, queries, export, digests.

A package along its seams (one home each):

* ``specs``: the four registries' fields, header synonyms, ignored columns, keys, filters;
* ``kinds``: each field kind's reference parser and its fast twin, in one table;
* ``validate``: ``validate_record`` (reference) and the generated fast path;
* ``importer``: the streaming bulk import (``import_file``);
* ``digests``: row hashes and the registry state digests;
* ``edits``: ``set_fields`` and ``deactivate``;
* ``queries``: filtered rows, counts, names by code, export;
* ``template``: the XLSX import templates and the header tables of docs/import.md.

The names other modules use are re-exported here (``from randcheck.services import registry``
then ``registry.import_file`` …).

Clean text: every imported value passes ``randcheck.io.readers``' text rule (line breaks become
one space, except in list fields where they separate items; control, bidirectional and
invisible characters are row errors), and so does every value given to ``set`` and the reason
given to ``deactivate``.  Exports for people (CSV, XLSX) write every cell through
``randcheck.bundle.table.inert`` (a leading ``'`` before ``= + - @``, tab, CR or ``'``, so that
no spreadsheet takes a cell for a formula; OWASP "CSV injection"), XLSX cells always as
strings; importing a CSV or XLSX takes that prefix off again, so an export imports back
exactly.  The JSON export is for machines and holds the values as stored.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from randcheck.io.readers import MAX_FIELD_CHARS
    from randcheck.services.registry.digests import (
        DIGEST_TAG,
        row_hash,
        state_digests,
        table_digest,
        tuple_hash,
    )
    from randcheck.services.registry.edits import deactivate, set_fields, to_text
    from randcheck.services.registry.importer import (
        BATCH,
        MAX_REPORTED_ERRORS,
        ImportResult,
        file_sha256,
        import_file,
    )
    from randcheck.services.registry.kinds import (
        KINDS,
        Bad,
        Kind,
        Slow,
        join_list,
        parse_bool,
        parse_date,
        parse_list,
        parse_ratio,
        split_list,
    )
    from randcheck.services.registry.queries import (
        count_rows,
        export_file,
        get_row,
        iter_conflicts,
        iter_entities,
        iter_inspectors,
        iter_items,
        iter_rows,
        json_row,
        names_by_code,
        typed_row,
    )
    from randcheck.services.registry.specs import (
        CONFLICTS,
        ENTITIES,
        INSPECTORS,
        ITEMS,
        SENSITIVE,
        SPECS,
        TABLES,
        FieldSpec,
        RegistrySpec,
        spec_for,
    )
    from randcheck.services.registry.validate import (
        Validated,
        fast_for,
        region_of,
        row_tuple,
        validate_record,
    )

#: where each re-exported name lives: the submodule is imported on first use (PEP 562), so
#: that ``randcheck entities count`` does not load the reader, importer and template code
_HOMES: dict[str, str] = {
    "MAX_FIELD_CHARS": "randcheck.io.readers",
    "DIGEST_TAG": "randcheck.services.registry.digests",
    "row_hash": "randcheck.services.registry.digests",
    "state_digests": "randcheck.services.registry.digests",
    "table_digest": "randcheck.services.registry.digests",
    "tuple_hash": "randcheck.services.registry.digests",
    "deactivate": "randcheck.services.registry.edits",
    "set_fields": "randcheck.services.registry.edits",
    "to_text": "randcheck.services.registry.edits",
    "BATCH": "randcheck.services.registry.importer",
    "MAX_REPORTED_ERRORS": "randcheck.services.registry.importer",
    "ImportResult": "randcheck.services.registry.importer",
    "file_sha256": "randcheck.services.registry.importer",
    "import_file": "randcheck.services.registry.importer",
    "KINDS": "randcheck.services.registry.kinds",
    "Bad": "randcheck.services.registry.kinds",
    "Kind": "randcheck.services.registry.kinds",
    "Slow": "randcheck.services.registry.kinds",
    "join_list": "randcheck.services.registry.kinds",
    "parse_bool": "randcheck.services.registry.kinds",
    "parse_date": "randcheck.services.registry.kinds",
    "parse_list": "randcheck.services.registry.kinds",
    "parse_ratio": "randcheck.services.registry.kinds",
    "split_list": "randcheck.services.registry.kinds",
    "count_rows": "randcheck.services.registry.queries",
    "export_file": "randcheck.services.registry.queries",
    "get_row": "randcheck.services.registry.queries",
    "iter_conflicts": "randcheck.services.registry.queries",
    "iter_entities": "randcheck.services.registry.queries",
    "iter_inspectors": "randcheck.services.registry.queries",
    "iter_items": "randcheck.services.registry.queries",
    "iter_rows": "randcheck.services.registry.queries",
    "json_row": "randcheck.services.registry.queries",
    "names_by_code": "randcheck.services.registry.queries",
    "typed_row": "randcheck.services.registry.queries",
    "CONFLICTS": "randcheck.services.registry.specs",
    "ENTITIES": "randcheck.services.registry.specs",
    "INSPECTORS": "randcheck.services.registry.specs",
    "ITEMS": "randcheck.services.registry.specs",
    "SENSITIVE": "randcheck.services.registry.specs",
    "SPECS": "randcheck.services.registry.specs",
    "TABLES": "randcheck.services.registry.specs",
    "FieldSpec": "randcheck.services.registry.specs",
    "RegistrySpec": "randcheck.services.registry.specs",
    "spec_for": "randcheck.services.registry.specs",
    "Validated": "randcheck.services.registry.validate",
    "fast_for": "randcheck.services.registry.validate",
    "region_of": "randcheck.services.registry.validate",
    "row_tuple": "randcheck.services.registry.validate",
    "validate_record": "randcheck.services.registry.validate",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # once: later uses are plain module attributes
    return value


__all__ = [
    "BATCH",
    "CONFLICTS",
    "DIGEST_TAG",
    "ENTITIES",
    "INSPECTORS",
    "ITEMS",
    "KINDS",
    "MAX_FIELD_CHARS",
    "MAX_REPORTED_ERRORS",
    "SENSITIVE",
    "SPECS",
    "TABLES",
    "Bad",
    "FieldSpec",
    "ImportResult",
    "Kind",
    "RegistrySpec",
    "Slow",
    "Validated",
    "count_rows",
    "deactivate",
    "export_file",
    "fast_for",
    "file_sha256",
    "get_row",
    "import_file",
    "iter_conflicts",
    "iter_entities",
    "iter_inspectors",
    "iter_items",
    "iter_rows",
    "join_list",
    "json_row",
    "names_by_code",
    "parse_bool",
    "parse_date",
    "parse_list",
    "parse_ratio",
    "region_of",
    "row_hash",
    "row_tuple",
    "set_fields",
    "spec_for",
    "split_list",
    "state_digests",
    "table_digest",
    "to_text",
    "tuple_hash",
    "typed_row",
    "validate_record",
]
