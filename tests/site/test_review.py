"""The review findings of issue #10 on the site's data, build and output, each as a test
that fails without its fix."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from randcheck.bundle import layout
from randcheck.bundle.table import result_rows
from randcheck.core import signing
from randcheck.errors import CannotRunError
from randcheck.services.audit import AuditLog
from randcheck.services.results import publication
from randcheck.site.build import current_bundles
from randcheck.site.data import gather
from tests.drawfixtures import OPERATOR
from tests.results.world import at, import_rows, redraw, result_row
from tests.site.helpers import tree
from tests.site.world import AS_OF, OK, World


def test_results_table_is_in_the_bundles_publish_order(world: World) -> None:
    """The page's results table is the bundle's table: publish order (SPEC §14.1: stratum,
    draw rank), not code order."""
    t = world.drawn.task
    rows = [result_row(t, c, "K01", "2026-09-28", OK) for c in world.drawn.targets]
    import_rows(world.ws, world.engine, world.tmp / "r.xlsx", rows, now=at("2026-10-01"))
    publication.publish(world.ws, world.engine, t, OPERATOR, "签发人", now=at("2026-10-12"))
    bundle = world.publish_bundle()
    world.build()
    text = (bundle / "inspection-results.csv").read_text("utf-8-sig")
    bundle_order = [r[2] for r in list(csv.reader(io.StringIO(text)))[1:]]
    record = json.loads((bundle / layout.RECORD).read_bytes())["signed"]
    ann = json.loads((bundle / layout.ANNOUNCEMENT).read_bytes())["signed"]
    strata = [str(s["id"]) for s in ann["strata"]]
    publish_order = [r["code"] for r in result_rows(strata, record, [])]
    assert bundle_order == publish_order and len(publish_order) == 3
    page = (world.out / "tasks/T26/index.html").read_text("utf-8")
    section = page.split("检查结果</h2>")[1]
    assert re.findall(r"91320505MA[0-9A-Z]{8}", section)[:3] == bundle_order


def test_a_redraw_after_publish_does_not_show_the_old_bundle(world: World) -> None:
    """The replaced draw's bundle is not the current result: not copied, no zip, no link,
    the task marked stale (待重新公示); the 核验码 shown comes from the bundle itself."""
    world.publish_bundle()
    world.build()
    page = (world.out / "tasks/T26/index.html").read_text("utf-8")
    assert layout.short_code(world.drawn.record) in page  # the bundle's own record
    redraw(world.ws, world.engine, world.drawn.task, "2026-10-14T03:00:00Z",
           datetime(2026, 10, 14, 3, 1, tzinfo=UTC))  # fmt: skip
    res = world.build()
    files = tree(world.out)
    assert not any(p.startswith("tasks/T26/bundle/") for p in files)
    assert "tasks/T26/T26.zip" not in files and "tasks/T26/T26.zip" in res.removed
    assert b'href="bundle/index.html"' not in files["tasks/T26/index.html"]
    assert "待重新公示" in files["tasks/T26/index.html"].decode()  # said, not just hidden
    assert "待重新公示" in files["index.html"].decode()
    assert layout.short_code(world.drawn.record).encode() not in files["tasks/T26/index.html"]
    data = gather(world.ws, world.engine)
    (t26,) = [t for t in data.tasks if t.id == "T26"]
    current_bundles(data)
    assert t26.bundle is None and t26.bundle_stale and t26.bundle_digest == ""


def test_a_symlinked_folder_in_the_site_is_refused_and_nothing_outside_is_touched(
    world: World, tmp_path: Path
) -> None:
    world.build()
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(world.out / "tasks", elsewhere)
    before = tree(elsewhere)
    shutil.rmtree(world.out / "tasks")
    os.symlink(elsewhere, world.out / "tasks")
    site = tree(world.out)
    with pytest.raises(CannotRunError) as caught:
        world.build(as_of=date(2026, 11, 5))  # index.html would change, tasks/ pages go
    assert caught.value.code == "site.symlinked_folder"
    assert caught.value.params["path"] == str(world.out / "tasks")
    assert tree(elsewhere) == before and tree(world.out) == site


def test_a_removal_never_deletes_outside_the_site(world: World, tmp_path: Path) -> None:
    world.build()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "index.html"
    victim.write_bytes(b"not the site's")
    (world.out / "old").symlink_to(elsewhere)
    sums = (world.out / layout.SUMS).read_bytes()
    (world.out / layout.SUMS).write_bytes(sums + layout.sums_text({"old/index.html": b"x"}))
    with pytest.raises(CannotRunError) as caught:
        world.build()
    assert caught.value.code == "site.symlinked_folder"
    assert victim.read_bytes() == b"not the site's"


def test_a_failed_build_with_the_directory_leaves_no_new_page(world: World) -> None:
    bundle = world.publish_bundle()
    world.build()
    before = tree(world.out)
    (bundle / "results.csv").write_bytes(b"edited")
    with pytest.raises(CannotRunError) as caught:
        world.build(entity_directory=True)
    assert caught.value.code == "site.bundle_changed"
    assert tree(world.out) == before


@pytest.mark.parametrize(
    ("where", "code"),
    [
        ("", "site.out_holds_workspace"),
        ("publish", "site.out_holds_workspace"),
        ("keys", "site.out_in_workspace"),
        ("keys/site", "site.out_in_workspace"),
        ("db", "site.out_in_workspace"),
        ("audit_logs/x", "site.out_in_workspace"),
        ("publish/T26", "site.is_task_folder"),
        ("publish/T26/site", "site.is_task_folder"),
    ],
)
def test_an_out_folder_mixing_with_the_workspace_is_refused(
    world: World, where: str, code: str
) -> None:
    world.publish_bundle()
    root = world.ws.root
    before = tree(root)
    with pytest.raises(CannotRunError) as caught:
        world.build(out=root / where if where else root)
    assert caught.value.code == code
    assert tree(root) == before  # keys/office.pub included: nothing written


def test_the_log_names_an_outside_folder_by_its_name_only(world: World, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "secret-path" / "www"
    res = world.build(out=out)
    last = AuditLog(world.ws, world.engine).entries()[-1]
    assert last["seq"] == res.seq and last["payload"]["out"] == "www"
    assert str(tmp_path) not in json.dumps(last, ensure_ascii=False)


def test_the_site_manifest_is_signed_under_its_own_tag(world: World) -> None:
    res = world.build()
    sums = (res.path / layout.SUMS).read_bytes()
    sig = bytes.fromhex(json.loads((res.path / layout.SUMS_SIG).read_bytes())["sig"])
    public = signing.public_raw(OPERATOR)
    signing.verify(public, layout.site_sums_signing_input(sums), sig)
    with pytest.raises(Exception):  # noqa: B017 - never valid as a bundle's manifest signature
        signing.verify(public, layout.sums_signing_input(sums), sig)


def test_the_stats_page_names_no_target_of_an_unpublished_draw(world: World) -> None:
    """A target of T26 (drawn, not published) with one other inspection this year is repeated
    for the office (``randcheck stats``: no cap, more than once) but never named on the site
    until the draw is published."""
    from randcheck.services import stats
    from randcheck.services.results import historyimport
    from tests.publish.cycle import write_csv

    target = world.drawn.targets[0]
    rows = [["code", "inspected_on", "item", "department", "source", "random", "ref"],
            [target, "2026-03-01", "X1", "消防", "专项", "否", "ZX-1"]]  # fmt: skip
    path = write_csv(world.tmp / "history.csv", rows)
    historyimport.import_history(world.ws, world.engine, path, actor="tester", now=at("2026-10-01"))
    office = stats.compute(world.ws, world.engine, 2026, AS_OF).to_json()
    assert target in {r["code"] for r in office["repeated"]}
    world.build()
    assert target.encode() not in (world.out / "stats.html").read_bytes()
    world.publish_bundle()
    world.build()
    assert target.encode() in (world.out / "stats.html").read_bytes()


def test_a_second_build_at_the_same_time_is_refused(world: World) -> None:
    """One site build at a time: two at once could leave one's pages under the other's signed
    SHA256SUMS.  While the lock is held (by another process's build) a build is refused,
    writes nothing and logs nothing; the lock dies with its holder (flock)."""
    from filelock import FileLock

    from randcheck.errors import ConflictError
    from randcheck.site.build import LOCK_NAME

    world.build()
    before = tree(world.out)
    log = (world.ws.audit_dir / "log.jsonl").read_bytes()
    with FileLock(str(world.ws.db_dir / LOCK_NAME)):
        with pytest.raises(ConflictError) as caught:
            world.build(as_of=date(2026, 11, 5))
    assert caught.value.code == "site.busy"
    assert tree(world.out) == before
    assert (world.ws.audit_dir / "log.jsonl").read_bytes() == log
    assert world.build(as_of=date(2026, 11, 5)).written  # free again


def test_temp_files_of_a_killed_build_are_swept(world: World) -> None:
    """A build killed mid-write (kill -9) leaves the atomic writes' temp files beside their
    targets; the next build removes them, and only them."""
    world.build()
    stray = [
        world.out / ".index.html.a1b2c3d_.tmp",
        world.out / "tasks" / "T26" / ".x.zzzzzzzz.tmp",
    ]
    for path in stray:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    office = [world.out / ".htaccess", world.out / "notes.tmp", world.out / ".a.tmp"]
    for path in office:
        path.write_bytes(b"the office's own")
    world.build()
    assert not any(p.exists() for p in stray)
    assert all(p.read_bytes() == b"the office's own" for p in office)
