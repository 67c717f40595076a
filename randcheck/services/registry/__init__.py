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
