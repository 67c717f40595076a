"""``site build``: determinism, incremental writes, privacy, self-containment, the manifest."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest

from randcheck import verifier
from randcheck.bundle import layout
from randcheck.core import signing
from randcheck.errors import CannotRunError
from randcheck.services import draws, gathering, keys, stats, tasks
from randcheck.services.audit import AuditLog
from randcheck.site import zipper
from randcheck.site.build import bundle_files
from tests.drawfixtures import DICE, OPERATOR, definition, record_draw, write_def
from tests.results.world import at, import_rows, result_row
from tests.site.helpers import ATOM_NS, links, resolve, stamps, tree
from tests.site.world import AS_OF, ID_CARD, NOTE, OK, PHONE, World


def test_rebuild_is_byte_identical_and_writes_nothing(world: World) -> None:
    first = world.build()
    before = tree(first.path)
    marks = stamps(first.path)
    second = world.build()
    assert second.written == () and second.removed == ()
    assert tree(second.path) == before
    assert stamps(second.path) == marks
    assert second.sums == first.sums


def test_as_of_changes_only_the_date_dependent_pages(world: World) -> None:
    world.build()
    before = tree(world.out)
    assert "2026年11月2日 09:00 北京时间" in before["index.html"].decode()  # T27 is upcoming
    later = world.build(as_of=date(2026, 11, 5))
    # the home page (upcoming, overdue) and the statistics (figures as of that day)
    assert set(later.written) == {"index.html", "stats.html", layout.SUMS, layout.SUMS_SIG}
    index = (world.out / "index.html").read_text("utf-8")
    upcoming, missed = index.split('<h2 id="missed">计划时间已过、尚未抽取</h2>')
    # T27's planned time has passed and it was not drawn: it moves to its own list
    assert "2026年11月2日 09:00 北京时间" not in upcoming
    assert "2026年11月2日 09:00 北京时间" in missed and "2026年第二批食品经营抽查" in missed
    assert "2027年第一批企业公示信息抽查" not in missed  # T28 is still upcoming


def test_a_new_draw_rewrites_only_what_changed(world: World) -> None:
    world.build()
    before, marks = tree(world.out), stamps(world.out)
    plan = draws.prepare(world.engine, "T27")
    drawn_at = "2026-10-03T03:00:00Z"
    ev = gathering.evidence_from_file(plan, DICE, drawn_at)
    body = draws.compute(plan, ev, drawn_at)
    record_draw(world.ws, world.engine, plan, ev, body, now=datetime(2026, 10, 3, 3, 1, tzinfo=UTC))
    res = world.build()
    after, new_marks = tree(world.out), stamps(world.out)
    changed = {p for p in after if before.get(p) != after[p]}
    touched = {p for p in new_marks if marks.get(p) != new_marks[p]}
    assert set(res.written) == changed == touched
    assert "tasks/T27/index.html" in changed and "index.html" in changed
    assert "items.html" not in changed and "tasks/T26/index.html" not in changed


def test_no_personal_field_of_the_roster_reaches_the_site(world: World) -> None:
    world.publish_results()
    world.publish_bundle()
    world.build()
    files = tree(world.out)
    assert "王公开".encode() in files["inspectors.html"]  # the roster is shown...
    assert b"P001" in files["inspectors.html"]
    for rel, data in files.items():  # ...but never its personal columns
        for secret in (ID_CARD, PHONE, NOTE):
            assert secret.encode() not in data, (rel, secret)
        if rel.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in zf.namelist():
                    for secret in (ID_CARD, PHONE, NOTE):
                        assert secret.encode() not in zf.read(name), (rel, name)


def test_nothing_external_and_every_link_resolves(world: World) -> None:
    world.publish_results()
    world.publish_bundle()
    world.build()
    root = world.out.resolve()
    found = links(root)
    assert len(found) > 50
    for page, link in found:
        if link == "data:," and page.endswith("verify.html"):
            continue  # the verifier page's empty icon: stops the browser asking for favicon.ico
        assert not link.startswith(("http:", "https:", "//", "data:", "javascript:")), (page, link)
        assert ":" not in link.split("/")[0], (page, link)
        target = resolve(root, page, link)
        if target is not None:
            assert target.is_file(), (page, link)
            assert root in target.parents, (page, link)
    script = verifier.script().encode()
    for rel, data in tree(root).items():
        if rel.endswith("/bundle/verify.js"):
            # the browser verifier: the vendored noble.js cites papers by URL in its comments,
            # kept byte for byte as audited; it is exactly randcheck's script, which requests
            # nothing (tests/browser/verifier watch its real requests)
            assert data == script, rel
            continue
        # XML namespace names are identifiers, not requests: the feed's Atom namespace and
        # the inline charts' SVG namespace (the browser tests watch the real requests)
        text = data.replace(ATOM_NS.encode(), b"") if rel == "feed.xml" else data
        text = text.replace(b'<svg xmlns="http://www.w3.org/2000/svg"', b"<svg")
        assert b"http://" not in text and b"https://" not in text, rel
        if rel.endswith(".html"):
            assert b"@import" not in text and b"url(" not in text, rel
            assert b'<html lang="zh-CN">' in data, rel
    feed = (root / "feed.xml").read_text("utf-8")
    ids = [line for line in feed.splitlines() if line.startswith("<id>")]
    assert ids and all(line.startswith("<id>tag:randcheck,") for line in ids)


def test_before_publish_counts_not_names_then_the_bundle(world: World) -> None:
    names = [f"测试企业{i}号" for i in range(40)]
    world.build()
    files = tree(world.out)
    for rel, data in files.items():
        for code in world.drawn.targets:
            assert code.encode() not in data, (rel, code)
    for rel in ("plans.html", "tasks/T26/index.html", "index.html"):
        assert not any(n.encode() in files[rel] for n in names), rel
    assert not any(p.startswith("tasks/T26/bundle/") for p in files)
    assert "tasks/T26/T26.zip" not in files
    assert "抽中 3 户" in files["tasks/T26/index.html"].decode()
    assert "tasks/T26/notice.html" in files
    bundle = world.publish_bundle()
    res = world.build()
    files = tree(world.out)
    assert files["tasks/T26/bundle/index.html"] == (bundle / layout.INDEX).read_bytes()
    assert all(c.encode() in files["tasks/T26/bundle/index.html"] for c in world.drawn.targets)
    assert "tasks/T26/T26.zip" in res.written
    assert b'href="bundle/index.html"' in files["tasks/T26/index.html"]


def test_zip_is_deterministic_equals_the_bundle_and_is_cached(world: World) -> None:
    bundle = world.publish_bundle()
    world.build()
    raw = (world.out / "tasks/T26/T26.zip").read_bytes()
    expected = bundle_files(bundle)
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == sorted(f"T26/{p}" for p in expected)
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
        assert {i.filename[4:]: zf.read(i) for i in infos} == expected
    assert zipper.deterministic_zip("T26", expected) == raw
    assert zipper.deterministic_zip("T26", dict(reversed(expected.items()))) == raw
    mark = stamps(world.out)["tasks/T26/T26.zip"]
    world.build(as_of=date(2026, 10, 21))  # the bundle's SHA256SUMS is unchanged: kept
    assert stamps(world.out)["tasks/T26/T26.zip"] == mark
    world.publish_results()  # republished with results: a new SHA256SUMS, a new zip
    world.publish_bundle()
    res = world.build()
    assert "tasks/T26/T26.zip" in res.written
    with zipfile.ZipFile(world.out / "tasks/T26/T26.zip") as zf:
        assert any(n.startswith("T26/results/") for n in zf.namelist())


def test_manifest_covers_every_file_and_its_signature_verifies(world: World) -> None:
    world.publish_bundle()
    res = world.build()
    files = tree(res.path)
    sums = files[layout.SUMS]
    listed = layout.parse_sums(sums)
    assert set(listed) == set(files) - {layout.SUMS, layout.SUMS_SIG}
    for rel, digest in listed.items():
        assert hashlib.sha256(files[rel]).hexdigest() == digest
    assert res.sums == hashlib.sha256(sums).hexdigest()
    sig = json.loads(files[layout.SUMS_SIG])
    public, _name = keys.parse_public_text(files["keys/office.pub"].decode(), "office.pub")
    assert public == signing.public_raw(OPERATOR)
    assert sig["keyid"] == signing.key_id(public)
    signing.verify(public, layout.site_sums_signing_input(sums), bytes.fromhex(sig["sig"]))
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the manifest was changed
        signing.verify(
            public, layout.site_sums_signing_input(sums + b"x"), bytes.fromhex(sig["sig"])
        )


def test_the_build_is_logged(world: World) -> None:
    res = world.build()
    last = AuditLog(world.ws, world.engine).entries()[-1]
    assert last["kind"] == "site.build" and last["seq"] == res.seq
    assert last["payload"] == {"out": "publish/site", "files": res.files, "sums": res.sums}


def test_results_appear_only_once_published(world: World) -> None:
    t = world.drawn.task
    a = world.drawn.targets[0]
    import_rows(world.ws, world.engine, world.tmp / "r.xlsx",
                [result_row(t, a, "K01", "2026-09-28", OK)], now=at("2026-10-01"))  # fmt: skip
    world.build()
    page = (world.out / "tasks/T26/index.html").read_text("utf-8")
    assert OK not in page and a not in page and "暂无已公示的检查结果" in page
    world.publish_results()
    world.build()
    page = (world.out / "tasks/T26/index.html").read_text("utf-8")
    assert OK in page and a in page and "第 1 批" in page
    index = (world.out / "index.html").read_text("utf-8")
    assert "最新检查结果公示" in index and "第 1 批" in index
    assert "tag:randcheck,2026-10-12:320500/results/" in (world.out / "feed.xml").read_text()


def test_only_files_the_previous_manifest_listed_are_removed(world: World) -> None:
    world.build()
    stray = world.out / "README.txt"
    stray.write_text("the office's own file", encoding="utf-8")
    old = world.out / "tasks/OLD/index.html"  # listed by a previous build, gone now
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old page")
    sums = (world.out / layout.SUMS).read_bytes()
    (world.out / layout.SUMS).write_bytes(
        sums + layout.sums_text({"tasks/OLD/index.html": b"old page"})
    )
    res = world.build()
    assert res.removed == ("tasks/OLD/index.html",)
    assert not old.parent.exists()
    assert stray.read_text(encoding="utf-8") == "the office's own file"


def test_the_stats_page_shows_the_year_of_as_of(world: World) -> None:
    """By default the page shows the workspace's own figures of the year of --as-of, as
    ``randcheck stats`` computes them, each chart (real SVG) beside its table."""
    world.publish_results()
    world.build()
    page = (world.out / "stats.html").read_text("utf-8")
    figures = stats.compute(world.ws, world.engine, AS_OF.year, AS_OF).to_json()
    assert f"（{AS_OF.year} 年）" in page and "统计数据暂未生成" not in page
    assert figures["coverage"]["items"] and figures["terms"]  # the world drew and published
    for row in figures["coverage"]["items"]:
        assert f'<td class="num">{row["drawn"]}</td><td class="num">{row["pool"]}</td>' in page
    for row in figures["terms"]:
        assert f'<bdi>{row["term"]}</bdi></th><td class="num">{row["count"]}</td>' in page
    groups = [*(figures["coverage"][k] for k in ("items", "departments", "strata")),
              figures["workload"]["inspectors"], figures["terms"]]  # fmt: skip
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == sum(1 for g in groups if g)
    assert ' id="' not in page.split('<main id="main">', 1)[1]  # charts carry no (duplicate) ids


def test_a_task_named_site_is_never_overwritten_by_the_site(world: World) -> None:
    """publish/site is the default site folder and the folder of a task whose id is "site":
    the build refuses rather than mix the two, and writes nothing; --out elsewhere works."""
    doc = definition(id="site", title="名为 site 的任务", items=["G01"])
    path = write_def(world.ws.root / "defs" / "site.toml", doc)
    tasks.create_tasks(world.ws, world.engine, path, "tester", now=at("2026-10-05"))
    with pytest.raises(CannotRunError) as caught:
        world.build()
    assert caught.value.code == "site.is_task_folder"
    assert caught.value.params["task"] == "site"
    assert not world.out.exists()
    elsewhere = world.ws.root / "www"
    assert world.build(out=elsewhere).path == elsewhere.resolve()
