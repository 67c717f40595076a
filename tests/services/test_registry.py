"""Registry service: import (upsert, replace, dry run, all-or-nothing), digests, edits, queries,
export, and the demo-data generator.  Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Engine

from randcheck import demo_data
from randcheck.core import uscc
from randcheck.errors import InputError, NotFoundError, UsageError
from randcheck.services import registry as reg
from randcheck.services.audit import AuditLog
from randcheck.store.models import Entity, Inspector
from randcheck.workspace import Workspace, init_workspace

NOW = datetime(2025, 3, 1, 8, 0, 0, tzinfo=UTC)
SEED = "test-seed"
ENTITY_TABLE = Entity.__table__  # type: ignore[attr-defined]


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试局", "320500")[0]


def write_entities(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    demo_data.write_csv(
        path, demo_data.ENTITY_FIELDS, demo_data.ENTITY_FIELDS, rows, encoding=encoding
    )
    return path


def count(engine: Engine, table: Any = ENTITY_TABLE, active_only: bool = False) -> int:
    stmt = select(func.count()).select_from(table)
    if active_only:
        stmt = stmt.where(table.c.active.is_(True))
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def entries(ws: Workspace, engine: Engine) -> list[dict[str, Any]]:
    return AuditLog(ws, engine).entries()


def do_import(
    engine: Engine, ws: Workspace, registry: str, path: Path, **kw: Any
) -> reg.ImportResult:
    return reg.import_file(engine, ws, registry, path, actor="tester", now=NOW, **kw)


def test_import_upsert_replace_never_deletes(tmp_path: Path, engine: Engine, ws: Workspace) -> None:
    rows = list(demo_data.iter_entities(SEED, 50))
    first = do_import(engine, ws, "entities", write_entities(tmp_path / "a.csv", rows))
    assert first.counts() == {
        "rows": 50,
        "added": 50,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 0,
    }
    assert count(engine) == 50

    again = do_import(engine, ws, "entities", tmp_path / "a.csv")
    assert again.counts() == {
        "rows": 50,
        "added": 0,
        "updated": 0,
        "unchanged": 50,
        "deactivated": 0,
    }

    changed = [dict(r) for r in rows[:30]]
    changed[0]["name"] = "新名称有限公司"
    changed.append(demo_data.entity(SEED, 999))
    third = do_import(
        engine, ws, "entities", write_entities(tmp_path / "b.csv", changed), replace=True
    )
    assert third.counts() == {
        "rows": 31,
        "added": 1,
        "updated": 1,
        "unchanged": 29,
        "deactivated": 20,
    }
    assert count(engine) == 51  # nothing deleted
    assert count(engine, active_only=True) == 31
    with engine.connect() as conn:
        assert reg.get_row(conn, "entities", rows[0]["code"])["name"] == "新名称有限公司"
        assert reg.get_row(conn, "entities", rows[40]["code"])["active"] is False

    # a deactivated row listed again comes back as an update
    fourth = do_import(engine, ws, "entities", tmp_path / "a.csv")
    assert (fourth.added, fourth.updated, fourth.unchanged) == (0, 21, 29)
    kinds = [e["kind"] for e in entries(ws, engine)]
    assert kinds == ["entities.import"] * 4


def test_audit_entry_payload_and_state_digest(
    tmp_path: Path, engine: Engine, ws: Workspace
) -> None:
    path = write_entities(tmp_path / "a.csv", list(demo_data.iter_entities(SEED, 20)))
    result = do_import(engine, ws, "entities", path)
    (entry,) = entries(ws, engine)
    assert entry["seq"] == result.seq == 0
    assert entry["kind"] == "entities.import" and entry["actor"] == "tester"
    payload = entry["payload"]
    assert payload["file"] == "a.csv"
    assert payload["sha256"] == reg.file_sha256(path)
    assert payload["counts"]["added"] == 20
    with engine.connect() as conn:
        assert payload["state"] == reg.state_digests(conn)  # recomputed from content
        assert reg.state_digests(conn, recompute=False) == payload["state"]
    assert set(payload["state"]) == {"entity", "inspector", "item", "conflict"}
    assert "risk" not in json.dumps(payload)


def test_state_digest_detects_a_change_behind_the_tools_back(
    tmp_path: Path, engine: Engine, ws: Workspace
) -> None:
    rows = list(demo_data.iter_entities(SEED, 10))
    do_import(engine, ws, "entities", write_entities(tmp_path / "a.csv", rows))
    logged = entries(ws, engine)[-1]["payload"]["state"]
    with engine.begin() as conn:
        conn.execute(
            update(ENTITY_TABLE)
            .where(ENTITY_TABLE.c.code == rows[3]["code"])
            .values(risk_class="D" if rows[3]["risk_class"] != "D" else "A")
        )
    with engine.connect() as conn:
        now = reg.state_digests(conn)
    assert now["entity"] != logged["entity"]
    assert now["inspector"] == logged["inspector"]


def test_state_digest_is_the_same_on_every_database(
    tmp_path: Path, engine: Engine, ws: Workspace
) -> None:
    # Pinned values: this test runs on SQLite and on PostgreSQL and must give the same digests
    # (byte order of keys whatever the database collation, ISO dates, JSON row hashes).
    rows = list(demo_data.iter_entities("pinned", 6))
    rows[0], rows[1] = rows[1], rows[0]  # file order != key order
    do_import(engine, ws, "entities", write_entities(tmp_path / "a.csv", rows))
    badges = tmp_path / "i.csv"
    # locale collations ignore '-' and '_' and would order these A1, A-2, A_3, AB
    badges.write_text(
        "badge_no,name,is_expert,cert_valid_until\nAB,甲,否,2027-01-01\nA_3,乙,是,\nA1,丙,否,2026-12-31\nA-2,丁,否,\n",
        encoding="utf-8",
    )
    do_import(engine, ws, "inspectors", badges)
    with engine.connect() as conn:
        digests = reg.state_digests(conn)
        badge_order = [i["badge_no"] for i in reg.iter_inspectors(conn)]
        assert reg.state_digests(conn, recompute=False) == digests
    assert badge_order == ["A-2", "A1", "AB", "A_3"]
    assert digests == PINNED_DIGESTS


PINNED_DIGESTS = {
    "entity": "8ecc795fac5a180694005e162c78748f2bf9ddf838673a823575dabe93613593",
    "inspector": "19e25a128fc133988ee4a404019dc300d769b46258b23c71153c2c8cddacbb2f",
    "item": "a9eedce46fd666dbde99e64365537f5229d6c3cc69621f22ee64eaea02ea8e5b",
    "conflict": "8784708d223f5505e5914a69447ac44baa79d6fd0013ea99cdda43c94de53e8c",
}


def test_dry_run_counts_and_changes_nothing(
    tmp_path: Path, engine: Engine, ws: Workspace, tree_snapshot: Any
) -> None:
    rows = list(demo_data.iter_entities(SEED, 10))
    do_import(engine, ws, "entities", write_entities(tmp_path / "a.csv", rows))
    before = tree_snapshot(ws.root)
    changed = [dict(r) for r in rows[:5]] + [demo_data.entity(SEED, 500)]
    changed[0]["grid"] = "新网格"
    result = do_import(
        engine,
        ws,
        "entities",
        write_entities(tmp_path / "b.csv", changed),
        replace=True,
        dry_run=True,
    )
    assert result.counts() == {
        "rows": 6,
        "added": 1,
        "updated": 1,
        "unchanged": 4,
        "deactivated": 5,
    }
    assert result.seq is None
    assert tree_snapshot(ws.root) == before
    assert count(engine) == 10 and count(engine, active_only=True) == 10
    assert len(entries(ws, engine)) == 1


def test_every_bad_row_reported_and_nothing_changed(
    tmp_path: Path, engine: Engine, ws: Workspace, tree_snapshot: Any
) -> None:
    good = list(demo_data.iter_entities(SEED, 6000))  # more than one batch before the errors
    do_import(engine, ws, "entities", write_entities(tmp_path / "ok.csv", good[:3]))
    before_tree = tree_snapshot(ws.root)
    with engine.connect() as conn:
        before_state = reg.state_digests(conn)
    rows = [dict(r) for r in good]
    bad_code = rows[5500]["code"][:17] + ("0" if rows[5500]["code"][17] != "0" else "1")
    rows[5500]["code"] = bad_code
    rows[5501]["code"] = rows[10]["code"]  # duplicate key
    rows[5502]["risk_as_of"] = "2025-02-30"
    rows[5503]["name"] = ""
    rows[5504]["region_code"] = "3205"
    rows[5505]["risk_class"] = "Z"
    path = write_entities(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as info:
        do_import(engine, ws, "entities", path)
    got = [(r.row, r.column, r.code) for r in info.value.rows]
    assert got == [
        (5502, "code", "uscc.bad_check"),
        (5503, "code", "registry.duplicate_key"),
        (5504, "risk_as_of", "registry.bad_date"),
        (5505, "name", "registry.required"),
        (5506, "region_code", "registry.bad_region"),
        (5507, "risk_class", "registry.bad_risk"),
    ]
    assert info.value.rows[0].value == bad_code
    assert info.value.rows[1].params == {"first": 12}
    assert info.value.params["count"] == 6
    assert all(r.file == "bad.csv" for r in info.value.rows)
    assert tree_snapshot(ws.root) == before_tree
    assert count(engine) == 3
    with engine.connect() as conn:
        assert reg.state_digests(conn) == before_state
    assert len(entries(ws, engine)) == 1


def test_legacy_numbers_and_warnings(tmp_path: Path, engine: Engine, ws: Workspace) -> None:
    legacy_only = demo_data.entity(SEED, 0) | {"code": "", "legacy_reg_no": "440301103448669"}
    fifteen_as_code = demo_data.entity(SEED, 1) | {"code": "330100400015575", "legacy_reg_no": ""}
    warn_legacy = demo_data.entity(SEED, 2) | {"code": "440301103448668", "legacy_reg_no": ""}
    org = "9144030019220382"
    first17 = org[:16] + "5"
    warn_org = demo_data.entity(SEED, 3) | {"code": first17 + uscc.uscc_check_char(first17)}
    path = write_entities(tmp_path / "l.csv", [legacy_only, fifteen_as_code, warn_legacy, warn_org])
    result = do_import(engine, ws, "entities", path)
    assert result.added == 4
    assert sorted(w.code for w in result.warnings) == [
        "uscc.warn_legacy_check",
        "uscc.warn_org_check",
    ]
    with engine.connect() as conn:
        row = reg.get_row(conn, "entities", "440301103448669")
        assert row["legacy_reg_no"] == "440301103448669"
        assert (
            reg.get_row(conn, "entities", "330100400015575")["legacy_reg_no"] == "330100400015575"
        )


def test_full_width_and_lower_case_codes_are_normalised(
    tmp_path: Path, engine: Engine, ws: Workspace
) -> None:
    row = demo_data.entity(SEED, 0)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in row["code"].lower())
    path = write_entities(tmp_path / "w.csv", [row | {"code": " " + wide + "\u3000"}])
    do_import(engine, ws, "entities", path)
    with engine.connect() as conn:
        assert reg.get_row(conn, "entities", row["code"])["code"] == row["code"]


def test_fast_path_equals_reference_path() -> None:
    cases: list[tuple[reg.RegistrySpec, list[dict[str, str]]]] = [
        (reg.ENTITIES, list(demo_data.iter_entities(SEED, 400))),
        (reg.INSPECTORS, demo_data.inspectors(SEED, 60)),
        (reg.CONFLICTS, demo_data.conflicts(SEED, 400, demo_data.inspectors(SEED, 60))),
    ]
    fast_hits = 0
    for spec, rows in cases:
        fast = reg.fast_for(spec)
        for values in rows:
            checked = reg.validate_record(spec, values, "f", 2, {})
            assert checked.record is not None
            reference = reg.row_tuple(spec, checked.record)
            try:
                got = fast(values)
            except (reg.Slow, ValueError):
                continue
            fast_hits += 1
            assert got == reference
            assert reg.tuple_hash(spec.name, got) == reg.row_hash(spec, checked.record)
    assert fast_hits > 300


@pytest.mark.parametrize(
    "dropped",
    [(), ("active",), ("tags", "risk_as_of", "legacy_reg_no"), ("region_code", "status", "name")],
    ids=str,
)
def test_fast_path_for_a_files_columns_equals_reference_path(dropped: tuple[str, ...]) -> None:
    """``fast_for(spec, present)`` takes the value of a field the file has no column for as a
    constant: the same tuples as the reference (or a refusal: ``name`` is required)."""
    spec = reg.ENTITIES
    rows = [
        {k: v for k, v in values.items() if k not in dropped}
        for values in demo_data.iter_entities(SEED, 300)
    ]
    present = [f.name for f in spec.fields if f.name not in dropped and f.name != "active"]
    fast = reg.fast_for(spec, present)
    hits = 0
    for values in rows:
        checked = reg.validate_record(spec, values, "f", 2, {})
        try:
            got = fast(values)
        except (reg.Slow, ValueError):
            continue
        hits += 1
        assert checked.record is not None
        assert got == reg.row_tuple(spec, checked.record) == reg.fast_for(spec)(values)
    assert hits > 200 if "name" not in dropped else hits == 0


def test_inspectors_items_conflicts_and_filters(
    tmp_path: Path, engine: Engine, ws: Workspace
) -> None:
    paths = demo_data.write_demo(tmp_path / "demo", SEED, entities=200, inspectors=30)
    do_import(engine, ws, "entities", paths["entities_gbk"])
    do_import(engine, ws, "inspectors", paths["inspectors_xlsx"])
    do_import(engine, ws, "items", paths["items_json"])
    do_import(engine, ws, "conflicts", paths["conflicts_jsonl"])
    staff = demo_data.inspectors(SEED, 30)
    with engine.connect() as conn:
        assert reg.count_rows(conn, "inspectors") == 30
        experts = list(reg.iter_inspectors(conn, {"expert": "true"}))
        assert len(experts) == sum(s["is_expert"] == "是" for s in staff)
        assert all(e["is_expert"] is True for e in experts)
        food = list(reg.iter_inspectors(conn, {"specialty": "食品安全"}))
        assert {f["badge_no"] for f in food} == {
            s["badge_no"] for s in staff if "食品安全" in s["specialties"].split("|")
        }
        one = reg.get_row(conn, "inspectors", staff[0]["badge_no"])
        assert isinstance(one["cert_valid_until"], date)
        assert one["specialties"] == staff[0]["specialties"].split("|")

        items = {i["code"]: i for i in reg.iter_items(conn)}
        assert items["A07"]["ratio_cap"] == "1/20" and items["B01"]["ratio_cap"] == ""
        assert {i["code"] for i in reg.iter_items(conn, {"type": "重点"})} == {"B01", "B05", "C01"}
        assert {i["code"] for i in reg.iter_items(conn, {"tag": "食品经营"})} == {"B01"}

        codes = [e["code"] for e in reg.iter_entities(conn)]
        assert codes == sorted(codes, key=lambda c: c.encode())
        demo_rows = list(demo_data.iter_entities(SEED, 200))
        assert len(codes) == 200
        wujiang = {e["code"] for e in reg.iter_entities(conn, {"region": "320509"})}
        assert wujiang == {r["code"] for r in demo_rows if r["region_code"] == "320509"}
        assert reg.count_rows(conn, "entities", {"region": "3205"}) == 200
        food_e = {e["code"] for e in reg.iter_entities(conn, {"tag": "食品经营", "status": "存续"})}
        assert food_e == {
            r["code"]
            for r in demo_rows
            if "食品经营" in r["tags"].split("|") and r["status"] == "存续"
        }
        risk_d = reg.count_rows(conn, "entities", {"risk": "D"})
        assert risk_d == sum(r["risk_class"] == "D" for r in demo_rows)
        assert reg.count_rows(conn, "entities", {"industry": "H62"}) == sum(
            r["industry"].startswith("H62") for r in demo_rows
        )
        # LIKE wildcards in a filter value are literal
        assert reg.count_rows(conn, "entities", {"tag": "%"}) == 0
        assert reg.count_rows(conn, "entities", {"region": "_"}) == 0

        conflicts = list(reg.iter_conflicts(conn))
        assert conflicts and all(
            set(c) >= {"badge_no", "entity_code", "relation"} for c in conflicts
        )
        pair = f"{conflicts[0]['badge_no']}/{conflicts[0]['entity_code']}"
        assert reg.get_row(conn, "conflicts", pair)["relation"] == conflicts[0]["relation"]
        with pytest.raises(UsageError):
            reg.count_rows(conn, "entities", {"nonsense": "x"})

    # a 回避 declaration is personal: its edit is logged redacted (the log tail is published)
    reg.set_fields(
        engine, ws, "conflicts", pair, {"relation": "配偶任股东", "source": "举报"}, actor="t"
    )
    edit = entries(ws, engine)[-1]
    assert edit["kind"] == "conflicts.edit"
    assert edit["payload"]["changes"] == {
        "relation": ["<redacted>", "<redacted>"],
        "source": ["<redacted>", "<redacted>"],
    }
    assert "配偶任股东" not in json.dumps(edit, ensure_ascii=False)
    with engine.connect() as conn:
        assert reg.get_row(conn, "conflicts", pair)["relation"] == "配偶任股东"


def test_item_rules(tmp_path: Path, engine: Engine, ws: Workspace) -> None:
    fields = ["code", "name", "legal_basis", "item_type", "ratio_cap"]
    rows = [
        ["X1", "甲", "《条例》第一条", "一般", "5%"],
        ["X2", "乙", "《条例》第二条", "general", "0.05"],
        ["X3", "丙", "《条例》第三条", "重点", ""],
        ["X4", "丁", "《条例》第四条", "一般", "3/100"],
    ]
    path = tmp_path / "items.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([fields, *rows])
    do_import(engine, ws, "items", path)
    with engine.connect() as conn:
        caps = {i["code"]: (i["item_type"], i["ratio_cap"]) for i in reg.iter_items(conn)}
    assert caps == {
        "X1": ("一般", "1/20"),
        "X2": ("一般", "1/20"),
        "X3": ("重点", ""),
        "X4": ("一般", "3/100"),
    }
    bad = [
        ["Y1", "甲", "", "一般", "1/20"],  # no legal basis
        ["Y2", "乙", "《条例》", "一般", ""],  # general without a cap
        ["Y3", "丙", "《条例》", "重点", "150%"],  # above 100 %
        ["Y4", "丁", "《条例》", "其他", ""],  # unknown type
        ["Y5", "戊", "《条例》", "一般", "abc"],
    ]
    path2 = tmp_path / "bad_items.csv"
    with path2.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([fields, *bad])
    with pytest.raises(InputError) as info:
        do_import(engine, ws, "items", path2)
    assert [(r.row, r.code) for r in info.value.rows] == [
        (2, "registry.required"),
        (3, "registry.general_needs_cap"),
        (4, "registry.ratio_range"),
        (5, "registry.bad_item_type"),
        (6, "registry.bad_ratio"),
    ]


def test_conflict_pairs_are_unique(tmp_path: Path, engine: Engine, ws: Workspace) -> None:
    code = demo_data.entity(SEED, 0)["code"]
    path = tmp_path / "c.csv"
    path.write_text(
        f"执法证号,统一社会信用代码,关系\nB1,{code},近亲属\nB2,{code},近亲属\nb1,{code.lower()},曾任职\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        do_import(engine, ws, "conflicts", path)
    assert [(r.row, r.code, r.params) for r in info.value.rows] == [
        (4, "registry.duplicate_key", {"first": 2})
    ]


def test_edit_and_deactivate_are_logged(
    tmp_path: Path, engine: Engine, ws: Workspace, tree_snapshot: Any
) -> None:
    rows = list(demo_data.iter_entities(SEED, 5))
    do_import(engine, ws, "entities", write_entities(tmp_path / "a.csv", rows))
    code = rows[0]["code"]
    new_risk = "D" if rows[0]["risk_class"] != "D" else "A"
    result = reg.set_fields(
        engine,
        ws,
        "entities",
        code,
        {"name": "改名有限公司", "risk_class": new_risk, "tags": "甲，乙"},
        actor="tester",
        now=NOW,
    )
    assert set(result["changes"]) == {"name", "risk_class", "tags"}
    edit = entries(ws, engine)[-1]
    assert edit["kind"] == "entities.edit"
    assert edit["payload"]["changes"]["name"] == [rows[0]["name"], "改名有限公司"]
    assert edit["payload"]["changes"]["risk_class"] == ["<redacted>", "<redacted>"]
    assert edit["payload"]["changes"]["tags"] == [rows[0]["tags"], "乙|甲"]
    with engine.connect() as conn:
        row = reg.get_row(conn, "entities", code)
        assert row["tags"] == ["乙", "甲"]  # sorted by code point, de-duplicated
        assert row["risk_class"] == new_risk
        assert edit["payload"]["state"] == reg.state_digests(conn)

    before = tree_snapshot(ws.root)
    with pytest.raises(InputError):
        reg.set_fields(engine, ws, "entities", code, {"risk_as_of": "not a date"}, actor="tester")
    with pytest.raises(UsageError):
        reg.set_fields(engine, ws, "entities", code, {"code": "x"}, actor="tester")
    with pytest.raises(UsageError):
        reg.set_fields(engine, ws, "entities", code, {"colour": "red"}, actor="tester")
    with pytest.raises(NotFoundError):
        reg.set_fields(engine, ws, "entities", "914403001922038216", {"name": "x"}, actor="tester")
    with pytest.raises(UsageError):
        reg.deactivate(engine, ws, "entities", code, "  ", actor="tester")
    assert tree_snapshot(ws.root) == before

    assert reg.deactivate(engine, ws, "entities", code, "注销", actor="tester", now=NOW) is True
    assert reg.deactivate(engine, ws, "entities", code, "again", actor="tester") is False
    last = entries(ws, engine)[-1]
    assert last["kind"] == "entities.deactivate" and last["payload"]["reason"] == "注销"
    with engine.connect() as conn:
        assert code not in {e["code"] for e in reg.iter_entities(conn)}
        assert code in {e["code"] for e in reg.iter_entities(conn, include_inactive=True)}
        assert last["payload"]["state"] == reg.state_digests(conn)


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".json"])
def test_export_round_trips_and_public_drops_risk(
    tmp_path: Path, engine: Engine, ws: Workspace, ext: str
) -> None:
    rows = list(demo_data.iter_entities(SEED, 30))
    rows[0]["name"] = '=HYPERLINK("x")'  # must stay text, never become a formula
    do_import(engine, ws, "entities", write_entities(tmp_path / "a.csv", rows))
    out = tmp_path / f"export{ext}"
    assert reg.export_file(engine, "entities", out) == 30
    again = do_import(engine, ws, "entities", out)
    assert again.unchanged == 30 and again.added == again.updated == 0
    public = tmp_path / f"public{ext}"
    reg.export_file(engine, "entities", public, public=True)
    data = public.read_bytes()
    if ext == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(public, read_only=True)
        header = [c.value for c in next(book.worksheets[0].iter_rows())]
        book.close()
        assert "risk_class" not in header and "risk_as_of" not in header and "name" in header
    else:
        assert b"risk_class" not in data and b"risk_as_of" not in data
    assert not (tmp_path / f".export{ext}.tmp").exists()


def test_export_refuses_unknown_extension(tmp_path: Path, engine: Engine) -> None:
    with pytest.raises(UsageError):
        reg.export_file(engine, "entities", tmp_path / "x.txt")
    assert not (tmp_path / "x.txt").exists()


def test_inspector_model_columns(engine: Engine) -> None:
    with engine.connect() as conn:
        cols = set(conn.execute(text("SELECT * FROM inspector WHERE 1=0")).keys())
    assert {
        "badge_no",
        "issuer",
        "cert_valid_until",
        "is_expert",
        "specialties",
        "qualifications",
        "active",
    } <= cols
    assert Inspector.__tablename__ == "inspector"


# -- demo data --------------------------------------------------------------------------


def test_demo_data_is_deterministic_valid_and_gbk_safe(tmp_path: Path) -> None:
    a = list(demo_data.iter_entities("s1", 300))
    assert a == list(demo_data.iter_entities("s1", 300))
    assert a != list(demo_data.iter_entities("s2", 300))
    assert len({r["code"] for r in a}) == 300
    for r in a:
        assert uscc.check(r["code"]).ok and uscc.check(r["code"]).warnings == ()
        assert r["region_code"] in {d for d, _n in demo_data.DISTRICTS}
        "".join(r.values()).encode("gbk")
    assert any(len(r["code"]) == 15 for r in demo_data.iter_entities("s1", 2000))
    assert {r["risk_class"] for r in a} == {"A", "B", "C", "D"}
    assert {r["status"] for r in a} >= {"存续", "注销"}
    staff = demo_data.inspectors("s1", 60)
    assert any(s["is_expert"] == "是" for s in staff)
    assert any(s["cert_valid_until"] < "2025-01-01" for s in staff)
    assert all(i["legal_basis"] for i in demo_data.ITEMS) and len(demo_data.ITEMS) >= 5
    item_tags = {t for i in demo_data.ITEMS for t in i["scope_tags"].split("|")}
    assert {t for r in a for t in r["tags"].split("|")} <= item_tags | set(demo_data.TAGS_EXTRA)
    p1 = demo_data.write_demo(tmp_path / "one", "s1", entities=50, inspectors=10)
    p2 = demo_data.write_demo(tmp_path / "two", "s1", entities=50, inspectors=10)
    for key in p1:
        if key != "inspectors_xlsx":  # xlsx holds a creation time
            assert p1[key].read_bytes() == p2[key].read_bytes(), key
    assert p1["entities_gbk"].read_bytes().decode("gbk").startswith("统一社会信用代码")


def test_stream_is_unbiased_and_seeded() -> None:
    s = demo_data.Stream("x", "y")
    values = [s.below(3) for _ in range(3000)]
    assert set(values) == {0, 1, 2}
    assert all(800 < values.count(v) < 1200 for v in range(3))

    def draws(label: str) -> list[int]:
        stream = demo_data.Stream("x", label)
        return [stream.below(1000) for _ in range(5)]

    assert draws("y") == draws("y") != draws("z")
    with pytest.raises(ValueError):
        s.below(0)
