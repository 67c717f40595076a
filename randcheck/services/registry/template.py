"""Import templates and the field tables of docs/import.md, both generated from the specs.

``write_template(registry, path, lang)`` writes an XLSX whose first sheet holds the header row
(Chinese headers, or the English field names with ``lang="en"``) with drop-down lists on the
columns whose values come from a fixed set (item type, yes/no flags, risk class), and whose
second sheet explains every column: meaning, required or not, format, example, the other
headers accepted.  The importer reads the first sheet, so a filled template imports as it is.

``doc_table(registry)`` is the Markdown table of one registry's fields that docs/import.md
holds between ``<!-- fields:<registry> -->`` markers; ``update_doc(path)`` rewrites those
blocks (tests/registry/test_docs.py checks the doc matches the specs).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from randcheck.catalog import render
from randcheck.io.atomic import atomic_open
from randcheck.io.headers import HEADER_SCAN
from randcheck.services.registry.kinds import ITEM_TYPES, RISK_CLASSES
from randcheck.services.registry.specs import SILENT, FieldSpec, RegistrySpec, spec_for

MAX_ROWS = 1_048_576  # rows of an XLSX sheet: a drop-down covers the whole column

# drop-down values per kind and language (each is a value the importer accepts)
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "item_type": {"zh": ("一般检查事项", "重点检查事项"), "en": ("general", "key")},
    "bool": {"zh": ("是", "否"), "en": ("yes", "no")},
    "active": {"zh": ("是", "否"), "en": ("yes", "no")},
    "risk": {"zh": RISK_CLASSES, "en": RISK_CLASSES},
}
assert all(ITEM_TYPES.get(v.lower()) for v in CHOICES["item_type"]["en"])
assert all(ITEM_TYPES.get(v) for v in CHOICES["item_type"]["zh"])


def header(f: FieldSpec, lang: str) -> str:
    """The header a template gives ``f``: its Chinese header, or its name in English."""
    return f.header_zh if lang == "zh" else f.name


def _required(spec: RegistrySpec, f: FieldSpec, lang: str) -> str:
    for group in spec.required_columns:
        if f.name in group:
            if len(group) == 1:
                return render("registry.template.required", lang)
            others = [header(spec.field(n), lang) for n in group if n != f.name]
            return render("registry.template.one_of", lang, others="、".join(others))
    return ""


def _others(f: FieldSpec, lang: str) -> list[str]:
    return [h for h in f.headers() if h != header(f, lang)]


def write_template(registry: str, path: Path, lang: str = "zh") -> None:
    """Write the import template of ``registry`` to ``path`` (XLSX), atomically."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = spec_for(registry)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = render("registry.template.sheet_data", lang)
    sheet.append([header(f, lang) for f in spec.fields])
    for i, f in enumerate(spec.fields, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(12, 2 * len(header(f, lang)) + 4)
        sheet.cell(row=1, column=i).font = Font(bold=True)
        choices = CHOICES.get(f.kind)
        if choices is not None:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(choices[lang]) + '"', allow_blank=True
            )
            dv.error = render("registry.template.pick", lang)
            dv.showErrorMessage = True
            sheet.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{MAX_ROWS}")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(render("registry.template.sheet_notes", lang))
    notes.append([render("registry.template.intro", lang, rows=HEADER_SCAN)])
    if spec.ignored:
        notes.append([render("registry.template.ignored", lang, columns="、".join(spec.ignored))])
    notes.append([])
    columns = ("column", "meaning", "required", "format", "example", "others")
    notes.append([render(f"registry.template.col.{c}", lang) for c in columns])
    for c in range(1, len(columns) + 1):
        notes.cell(row=notes.max_row, column=c).font = Font(bold=True)
    for f in spec.fields:
        choices = CHOICES.get(f.kind)
        notes.append(
            [
                header(f, lang),
                _meaning(spec, f, lang),
                _required(spec, f, lang),
                render(f"registry.kind.{f.kind}", lang)
                + (f" ({' / '.join(choices[lang])})" if choices else ""),
                f.example,
                " / ".join(_others(f, lang)),
            ]
        )
    for letter, width in zip("ABCDEF", (22, 22, 12, 48, 30, 60), strict=True):
        notes.column_dimensions[letter].width = width
    with atomic_open(path) as fh:
        book.save(fh)


def _meaning(spec: RegistrySpec, f: FieldSpec, lang: str) -> str:
    from randcheck.catalog import MESSAGES

    own = f"registry.col.{spec.name}.{f.name}"
    return render(own if own in MESSAGES else f"registry.col.{f.name}", lang)


def doc_table(registry: str) -> str:
    """The Markdown table of ``registry``'s fields for docs/import.md."""
    spec = spec_for(registry)
    lines = [
        "| Template header (zh) | English header | Other accepted headers | Required | Format "
        "| Example |",
        "|---|---|---|---|---|---|",
    ]
    for f in spec.fields:
        others = [h for h in f.aliases if h != f.header_zh]
        choices = CHOICES.get(f.kind)
        fmt = render(f"registry.kind.{f.kind}", "en")
        if choices:
            fmt += " (" + " / ".join(choices["zh"]) + "; " + " / ".join(choices["en"]) + ")"
        example = f"`{f.example}`" if f.example else ""
        cells = (
            f.header_zh,
            f"`{f.name}`",
            ", ".join(others),
            _required(spec, f, "en"),
            fmt,
            example,
        )
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if spec.ignored:
        lines.append("")
        lines.append(
            "Recognised and **not imported** (listed after import as not stored, never "
            "published): " + ", ".join(spec.ignored) + "."
        )
    return "\n".join(lines)


def doc_blocks() -> dict[str, str]:
    """Every generated block of docs/import.md by marker name."""
    from randcheck.services.registry.specs import SPECS

    blocks = {f"fields:{name}": doc_table(name) for name in SPECS}
    blocks["silent"] = ", ".join(SILENT)
    return blocks


_BLOCK = re.compile(r"<!-- (?P<name>[a-z:]+) -->\n(?P<body>.*?)<!-- /(?P=name) -->", re.S)


def update_doc(path: Path) -> None:
    """Rewrite the generated blocks of docs/import.md from the specs."""
    blocks = doc_blocks()

    def block(m: re.Match[str]) -> str:
        name = m.group("name")
        return f"<!-- {name} -->\n{blocks[name]}\n<!-- /{name} -->"

    text = path.read_text(encoding="utf-8")
    path.write_text(_BLOCK.sub(block, text), encoding="utf-8")


def doc_found(text: str) -> dict[str, str]:
    """The generated blocks as they stand in the doc's ``text``."""
    return {m.group("name"): m.group("body").removesuffix("\n") for m in _BLOCK.finditer(text)}


if __name__ == "__main__":  # python -m randcheck.services.registry.template docs/import.md
    update_doc(Path(sys.argv[1]))
