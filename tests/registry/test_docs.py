"""docs/import.md holds the field tables generated from the specs (regenerate with
``python -m randcheck.services.registry.template docs/import.md``): every header, synonym and
ignored column a spec knows is documented."""

from __future__ import annotations

from pathlib import Path

from randcheck.services import registry as reg
from randcheck.services.registry.template import doc_blocks, doc_found

DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"


def test_doc_tables_match_the_specs() -> None:
    found = doc_found(DOC.read_text(encoding="utf-8"))
    assert found == doc_blocks(), "run: python -m randcheck.services.registry.template " + str(
        DOC
    )


def test_every_header_and_ignored_column_is_in_the_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    for spec in reg.SPECS.values():
        for f in spec.fields:
            for h in f.headers():
                assert h in text, (spec.name, f.name, h)
        for h in spec.ignored:
            assert h in text, (spec.name, h)
    for word in ("GBK", "GB18030", "UTF-8", "XLSX", "JSON", "10 rows", "characters 3–8"):
        assert word in text
