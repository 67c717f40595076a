"""``randcheck <registry> template``: an XLSX with the headers (Chinese, or English with
--lang en), drop-downs for fixed sets and a notes sheet; filled with one row it imports as it
is, for every registry and both languages."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine

from randcheck import demo_data
from randcheck.services import registry as reg
from randcheck.services.registry.template import CHOICES, header
from tests.conftest import Cli

SEED = "template"


def _one_row(registry: str) -> dict[str, str]:
    inspectors = demo_data.inspectors(SEED, 3)
    if registry == "entities":
        return next(demo_data.iter_entities(SEED, 1))
    if registry == "inspectors":
        return inspectors[0]
    if registry == "items":
        return dict(demo_data.ITEMS[0])
    return demo_data.conflicts(SEED, 5, inspectors)[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("registry", sorted(reg.SPECS))
def test_template_fill_one_row_import(
    ready_cli: Cli, tmp_path: Path, registry: str, lang: str
) -> None:
    spec = reg.spec_for(registry)
    path = tmp_path / f"{registry}.xlsx"
    made = ready_cli(registry, "template", "--out", str(path), lang=lang)
    assert made.exit_code == 0, made.stderr
    assert str(path) in made.stderr
    book = openpyxl.load_workbook(path)
    data, notes = book.worksheets
    headers = [c.value for c in data[1]]
    assert headers == [header(f, lang) for f in spec.fields]
    if lang == "zh":
        assert all(not h.isascii() for h in headers)  # Chinese headers
    # drop-downs on the fixed sets, and only there
    validated = {str(dv.sqref).split(":")[0][:-1] for dv in data.data_validations.dataValidation}
    letters = {
        openpyxl.utils.get_column_letter(i)
        for i, f in enumerate(spec.fields, start=1)
        if f.kind in CHOICES
    }
    assert validated == letters
    noted = [r[0].value for r in notes.iter_rows() if r and r[0].value in headers]
    assert noted == headers  # one notes row per column
    # fill one row, as a user would, and import the file as it is
    row = _one_row(registry)
    data.append([row.get(f.name, "") for f in spec.fields])
    book.save(path)
    result = ready_cli(registry, "import", str(path), lang=lang)
    assert result.exit_code == 0, result.stderr
    assert "1" in result.stderr
    engine = create_engine(ready_cli.db_url)
    with engine.connect() as conn:
        rows = list(reg.iter_rows(conn, registry))
    engine.dispose()
    assert len(rows) == 1
    assert rows[0]["name" if "name" in rows[0] else "relation"]


def test_template_refuses_to_overwrite_and_wrong_extension(ready_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"keep")
    for lang, text in (("zh", "已存在"), ("en", "exists")):
        result = ready_cli("items", "template", "--out", str(path), lang=lang)
        assert result.exit_code != 0 and text in result.stderr
    assert path.read_bytes() == b"keep"
    result = ready_cli("items", "template", "--out", str(tmp_path / "t.csv"))
    assert result.exit_code != 0 and ".xlsx" in result.stderr


@pytest.mark.parametrize("registry", sorted(reg.SPECS))
def test_help_points_to_docs_and_template(ready_cli: Cli, registry: str) -> None:
    for lang in ("zh", "en"):
        # help wraps at 80 columns: the command may be split across two lines
        text = " ".join(ready_cli(registry, "import", "--help", lang=lang).stdout.split())
        assert "docs/import.md" in text and f"randcheck {registry} template" in text
