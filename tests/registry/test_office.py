"""A county office's own exports (tests/fixtures/office/make.py) import with no --map: title
rows are skipped and reported, ignored columns are named, regions come from the credit codes,
status text is kept as the registration system writes it, and no ID-card or phone number is
stored anywhere (database, audit log, exports).  SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from randcheck.services import registry as reg
from tests.conftest import Cli
from tests.fixtures.office import make


@pytest.fixture
def office(tmp_path: Path) -> dict[str, Path]:
    return make.write(tmp_path / "office")


def _everything_stored(db_url: str, root: Path) -> str:
    """Every value in every table of the database, and every file of the workspace."""
    engine = create_engine(db_url)
    meta = MetaData()
    meta.reflect(engine)
    parts: list[str] = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)):
                parts.extend(str(v) for v in row)
    engine.dispose()
    parts.extend(
        path.read_bytes().decode("utf-8", "replace")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    )
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_office_exports_import_as_they_are(
    ready_cli: Cli, office: dict[str, Path], tmp_path: Path, lang: str
) -> None:
    out: dict[str, str] = {}
    for registry in ("entities", "items", "inspectors"):
        result = ready_cli(registry, "import", str(office[registry]), lang=lang)
        assert result.exit_code == 0, result.stderr
        out[registry] = result.stderr
    if lang == "zh":
        assert "表头在第 3 行；已跳过其上方的 2 行：第 1 行“海宁市市场监督管理局市场主体名录" in (
            out["entities"]
        )
        assert "以下列不导入（不保存、不公开）：法定代表人、住所、成立日期、联系电话" in out["entities"]
        assert "表头在第 2 行；已跳过其上方的 1 行" in out["items"]
        assert "以下列不导入（不保存、不公开）：身份证号、联系电话" in out["inspectors"]
    else:
        assert "header found in row 3; skipped the 2 row(s) above it" in out["entities"]
        assert (
            "columns not imported (not stored, never published): 身份证号, 联系电话"
            in out["inspectors"]
        )
    for text in out.values():
        assert "无法识别" not in text and "unrecognised" not in text  # every column known

    engine = create_engine(ready_cli.db_url)
    with engine.connect() as conn:
        entities = list(reg.iter_entities(conn))
        items = {r["code"]: r for r in reg.iter_items(conn)}
        inspectors = list(reg.iter_inspectors(conn))
    engine.dispose()
    assert len(entities) == len(make.STATUSES)
    for e in entities:
        assert e["region_code"] == e["code"][2:8]  # no 行政区划 column: from the code
        assert e["registration_authority"] == make.BUREAU
    assert sorted(e["status"] for e in entities) == sorted(make.STATUSES)  # kept as written
    assert {e["region_code"] for e in entities} == set(make.REGIONS)
    assert {c: i["item_type"] for c, i in items.items()} == {
        "HN-SC-001": "一般",
        "HN-SC-002": "重点",
    }
    assert items["HN-SC-001"]["ratio_cap"] == "1/20"
    assert [i["qualifications"] for i in inspectors] == [["行政执法证"]] * len(make.ID_NUMBERS)
    assert {i["department"] for i in inspectors} == {"硖石市场监督管理所"}

    exported = tmp_path / "public.csv"
    ok = ready_cli("inspectors", "export", str(exported), "--public", lang=lang)
    assert ok.exit_code == 0, ok.stderr
    stored = _everything_stored(ready_cli.db_url, ready_cli.root)
    stored += exported.read_text(encoding="utf-8-sig")
    for secret in (*make.ID_NUMBERS, *make.PHONES, "样例路", "法人1"):
        assert secret not in stored, secret


def test_office_entities_reimport_changes_nothing(
    ready_cli: Cli, office: dict[str, Path]
) -> None:
    """The same file twice: the second import changes nothing (regions from codes are stable)."""
    first = ready_cli("entities", "import", str(office["entities"]))
    again = ready_cli("entities", "import", str(office["entities"]))
    assert first.exit_code == again.exit_code == 0
    assert f"{len(make.STATUSES)} unchanged" in again.stderr


def test_office_import_json_summary(ready_cli: Cli, office: dict[str, Path]) -> None:
    import json

    result = ready_cli("inspectors", "import", str(office["inspectors"]), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["header_row"] == 3
    assert data["skipped_rows"] == [
        {"row": 1, "text": f"{make.BUREAU}执法检查人员名录"},
        {"row": 2, "text": ""},
    ]
    assert data["ignored_columns"] == ["身份证号", "联系电话"]
    assert data["unknown_columns"] == []


def test_list_by_status_word_matches_the_registration_text(
    ready_cli: Cli, office: dict[str, Path]
) -> None:
    """``entities list --status 存续`` takes "存续（在营、开业、在册）" as a task's statuses do."""
    assert ready_cli("entities", "import", str(office["entities"])).exit_code == 0
    operating = sum(1 for s in make.STATUSES if s.startswith("存续"))
    for word, expected in (("存续", operating), ("吊销", 1), ("注销", 1), ("在营", operating)):
        result = ready_cli("entities", "count", "--status", word)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == str(expected), (word, result.stdout)
    listed = ready_cli("entities", "list", "--status", "存续", "--json")
    assert {e["status"] for e in json.loads(listed.stdout)} == {"存续（在营、开业、在册）"}
