"""``randcheck site build``: gather, render, write what changed, sign, log.

Everything but the entity directory is rendered in memory first, so a failure while reading or
rendering writes nothing; then files are written (only those whose bytes changed, each
atomically), ``SHA256SUMS`` and ``SHA256SUMS.sig`` last, and the files the previous
``SHA256SUMS`` listed that the site no longer has are removed.  No build time is written
anywhere: the same workspace and ``as_of`` give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine
from sqlmodel import Session
from sqlmodel import select as sm_select

from randcheck.bundle import layout
from randcheck.core import signing
from randcheck.core.canonical import canonical
from randcheck.core.chinatime import reading_date
from randcheck.core.draw.envelope import open_envelope
from randcheck.errors import CannotRunError, ConflictError, InputError, VerificationError
from randcheck.io.atomic import check_writable
from randcheck.services import audit as audit_svc
from randcheck.services import keys as keys_svc
from randcheck.services.results import clock
from randcheck.services.results.clock import Due
from randcheck.site import entities, feed, output, pages, statspage
from randcheck.site.data import SiteData, TaskInfo, gather
from randcheck.site.history import history
from randcheck.site.zipper import Deflated, fast_zip
from randcheck.store.draw_models import TaskRow
from randcheck.workspace import FILE_MODE, Workspace

KIND = "site.build"
OFFICE_KEY = "keys/office.pub"
LAST = (layout.SUMS, layout.SUMS_SIG)
LOCK_NAME = "site.lock"  # in db/: held by the one site build running in the workspace


@dataclass(frozen=True)
class SiteResult:
    path: Path
    files: int
    written: tuple[str, ...]
    removed: tuple[str, ...]
    sums: str  # SHA-256 of SHA256SUMS
    seq: int


def default_out(ws: Workspace) -> Path:
    return ws.publish_dir / "site"


def bundle_files(folder: Path) -> dict[str, bytes]:
    """The files of a published bundle that its ``SHA256SUMS`` lists, checked against it,
    plus ``SHA256SUMS`` and its signature (nothing else in the folder is copied)."""
    try:
        sums = (folder / layout.SUMS).read_bytes()
        listed = layout.parse_sums(sums)
        files = {layout.SUMS: sums}
        sig = folder / layout.SUMS_SIG
        if sig.is_file():
            files[layout.SUMS_SIG] = sig.read_bytes()
        for rel, digest in listed.items():
            data = folder.joinpath(*rel.split("/")).read_bytes()
            if hashlib.sha256(data).hexdigest() != digest:
                raise CannotRunError("site.bundle_changed", folder=str(folder), file=rel)
            files[rel] = data
    except OSError as exc:
        raise CannotRunError(
            "site.bundle_unreadable", folder=str(folder), reason=exc.strerror or str(exc)
        ) from exc
    except InputError as exc:
        raise CannotRunError("site.bundle_unreadable", folder=str(folder), reason=str(exc)) from exc
    return files


def _zip(
    out: Path,
    t: TaskInfo,
    files: Mapping[str, bytes],
    before: Mapping[str, str],
    shared: Deflated,
) -> output.Content:
    """The task's zip: the one in place when the site's copy of the bundle has the same
    ``SHA256SUMS`` and the zip is what the previous build listed; else a new one (the large
    files the bundles share deflated once, in ``shared``)."""
    name = pages.zip_name(t)
    path = out.joinpath(*name.split("/"))
    copy = out.joinpath(*pages.task_dir(t).split("/"), "bundle", layout.SUMS)
    if name in before and output.same(copy, files[layout.SUMS]) and path.is_file():
        if hashlib.sha256(path.read_bytes()).hexdigest() == before[name]:
            return path
    return fast_zip(t.folder, files, shared)


def _overdue(due: Sequence[Due], data: SiteData) -> list[dict[str, Any]]:
    """Overdue results by task and item: how many, and the earliest deadline (no entity)."""
    from randcheck.services.results import clock

    by_id = {t.id: t for t in data.tasks}
    groups: dict[tuple[str, str], list[str]] = {}
    for row in due:
        if row.status == clock.OVERDUE and row.task_id in by_id:
            groups.setdefault((row.task_id, row.item), []).append(row.deadline or "")
    out = []
    for (task, item), deadlines in sorted(
        groups.items(), key=lambda kv: (kv[0][0].encode(), kv[0][1].encode())
    ):
        t = by_id[task]
        out.append({
            "title": t.title,
            "link": pages.task_link(t),
            "item": f"{item} {data.item_names.get(item, '')}".strip(),
            "count": len(deadlines),
            "deadline": reading_date(min(deadlines)),
        })  # fmt: skip
    return out


def _record_digest(folder: Path, raw: bytes) -> str:
    """The digest of a bundle's ``record.json`` (what its 核验码 is made of)."""
    try:
        return open_envelope(raw, "record").digest
    except VerificationError as exc:
        raise CannotRunError(
            "site.bundle_unreadable",
            folder=str(folder),
            reason_key=exc.code,
            reason_params=exc.params,
        ) from exc


def current_bundles(data: SiteData) -> dict[str, dict[str, bytes]]:
    """{task id: files} of the bundles that are the task's current draw, read and checked
    against their ``SHA256SUMS``.  A folder holding another record's bundle (a redraw since,
    or a superseded record published there) is not the current draw: the task loses its
    ``bundle`` and is marked ``bundle_stale`` (待重新公示), and nothing of it is copied."""
    out: dict[str, dict[str, bytes]] = {}
    for t in data.tasks:
        if t.bundle is None:
            continue
        try:
            raw = (t.bundle / layout.RECORD).read_bytes()
        except OSError as exc:
            raise CannotRunError(
                "site.bundle_unreadable", folder=str(t.bundle), reason=exc.strerror or str(exc)
            ) from exc
        if _record_digest(t.bundle, raw) != t.record_digest:
            t.bundle, t.bundle_stale = None, True
            continue
        files = bundle_files(t.bundle)  # record.json checked against SHA256SUMS too
        if files.get(layout.RECORD) != raw:  # replaced while being read
            raise CannotRunError("site.bundle_changed", folder=str(t.bundle), file=layout.RECORD)
        t.bundle_digest = t.record_digest
        out[t.id] = files
    return out


def check_out(ws: Workspace, out: Path, tasks: Sequence[str]) -> None:
    """Refuse a site folder (resolved) that would mix with the workspace: the workspace or
    ``publish/`` themselves or a folder holding them, anything inside ``keys/``, ``db/`` or
    ``audit_logs/``, or a task's publication folder or a folder inside one."""
    root = ws.root.resolve()
    publish = ws.publish_dir.resolve()

    def within(path: Path, folder: Path) -> bool:
        return path == folder or folder in path.parents

    for task in tasks:  # a task's folder (e.g. a task named "site": publish/site)
        if within(out, (ws.publish_dir / layout.folder_name(task)).resolve()):
            raise CannotRunError("site.is_task_folder", path=str(out), task=task)
    for folder in (root, publish):
        if within(folder, out):
            raise CannotRunError("site.out_holds_workspace", path=str(out), folder=str(folder))
    for folder in (ws.keys_dir, ws.db_dir, ws.audit_dir):
        if within(out, folder.resolve()):
            raise CannotRunError("site.out_in_workspace", path=str(out), folder=folder.name)


def render_site(
    ws: Workspace,
    engine: Engine,
    out: Path,
    key: Ed25519PrivateKey,
    as_of: date,
    *,
    entity_directory: bool = False,
    stats: Mapping[str, Any] | None = None,
    chart: Callable[..., str] | None = None,
) -> tuple[dict[str, output.Content], list[str]]:
    """Every file of the site but ``SHA256SUMS`` and its signature, and the files written
    already (``stats``: a ``Stats.to_json()`` dict to show instead of the figures of the year
    of ``as_of``, ``chart`` its chart maker; tests give both).  Everything that can fail
    (bundles, statistics, zips, pages) comes first; the directory pages (only with
    ``entity_directory``) last: they are written as they are made (write-if-different) and
    given as paths, so ten million rows never sit in memory."""
    data = gather(ws, engine)
    check_out(ws, out, [t.id for t in data.tasks])
    before = output.previous_sums(out)
    files: dict[str, output.Content] = {}
    bundles = current_bundles(data)
    # zlib releases the GIL while it compresses: the zips are made on every core while the
    # pages are rendered; each task's page (it shows the zip's size) waits for its zip
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    try:
        shared: Deflated = {}
        zips = {t.id: pool.submit(_zip, out, t, bundles[t.id], before, shared)
                for t in data.tasks if t.id in bundles}  # fmt: skip
        due = clock.due(ws, engine, None, as_of)  # every drawn task's results on the clock
        if stats is None:  # the figures of the year of ``as_of`` (docs/STATS.md)
            from randcheck.core import charts
            from randcheck.services import stats as stats_svc

            # the public view: no target of a draw not yet published is named (docs/STATS.md)
            shown = frozenset(t.bundle_digest for t in data.tasks if t.bundle is not None)
            stats = stats_svc.compute(
                ws, engine, as_of.year, as_of, published=shown, due=due
            ).to_json()
            chart = chart or charts.bar_chart
        stats_ctx = statspage.context(stats, chart)
        counts = entities.counts(engine)
        files["index.html"] = pages.index_page(data, as_of, _overdue(due, data))
        files["items.html"] = pages.items_page(data, history(data.item_log))
        files["inspectors.html"] = pages.inspectors_page(data)
        files["plans.html"] = pages.plans_page(data)
        files["stats.html"] = pages.stats_page(data, stats_ctx)
        for t in data.tasks:
            zip_size: int | None = None
            if t.notice is not None:
                files[pages.notice_name(t)] = t.notice.read_bytes()
            if t.id in bundles:
                base = f"{pages.task_dir(t)}/bundle/"
                files.update({base + rel: b for rel, b in bundles[t.id].items()})
                packed = zips[t.id].result()
                files[pages.zip_name(t)] = packed
                zip_size = packed.stat().st_size if isinstance(packed, Path) else len(packed)
            code = layout.short_code(t.bundle_digest) if t.bundle_digest else ""
            files[pages.task_link(t)] = pages.task_page(data, t, zip_size, code)
    finally:  # after an error, the zips not begun are dropped
        pool.shutdown(wait=True, cancel_futures=True)
    links = {t.id: pages.task_link(t) for t in data.tasks}
    files["feed.xml"] = feed.atom(data, feed.entries(data, links))
    signer = signing.public_raw(key)
    own = {k.key_id: k.name for k in keys_svc.own_keys(ws)}
    name = own.get(signing.key_id(signer), "office")
    files[OFFICE_KEY] = keys_svc.export_for(ws, name, signer).encode("utf-8")
    directory: list[tuple[str, str, str]] = []
    early: list[str] = []
    if entity_directory:
        total = max(1, -(-counts.total // entities.PAGE_SIZE))
        for n, rows in enumerate(entities.directory_pages(engine), start=1):
            page = entities.page_name(n)
            if output.write_one(out, page, pages.directory_page(data, n, total, rows)):
                early.append(page)
            files[page] = out.joinpath(*page.split("/"))
            directory.append((page, rows[0][0], rows[-1][0]))
    files["entities.html"] = pages.entities_page(data, counts, directory)
    return files, early


def build_site(
    ws: Workspace,
    engine: Engine,
    key: Ed25519PrivateKey,
    *,
    out: Path | None = None,
    as_of: date,
    entity_directory: bool = False,
    stats: Mapping[str, Any] | None = None,
    chart: Callable[..., str] | None = None,
    actor: str = "randcheck",
    now: datetime | None = None,
) -> SiteResult:
    """Build the site into ``out`` (default ``publish/site``) and log ``site.build``; one
    build at a time in a workspace (a second one is refused, ``site.busy``)."""
    from filelock import FileLock, Timeout

    ws.require()
    folder = (out or default_out(ws)).resolve()
    check_writable(folder, "site.cannot_write")
    with Session(engine) as s:  # refused before the lock file is made (render checks again)
        check_out(ws, folder, list(s.exec(sm_select(TaskRow.id)).all()))
    lock = ws.db_dir / LOCK_NAME
    try:  # two builds at once could leave one's pages under the other's signed SHA256SUMS
        with FileLock(str(lock), timeout=0, mode=FILE_MODE):
            return _build(ws, engine, key, folder, as_of, entity_directory, stats, chart, actor,
                          now)  # fmt: skip
    except Timeout:
        raise ConflictError("site.busy", lock=str(lock)) from None


def _build(
    ws: Workspace,
    engine: Engine,
    key: Ed25519PrivateKey,
    folder: Path,
    as_of: date,
    entity_directory: bool,
    stats: Mapping[str, Any] | None,
    chart: Callable[..., str] | None,
    actor: str,
    now: datetime | None,
) -> SiteResult:
    files, early = render_site(ws, engine, folder, key, as_of, entity_directory=entity_directory,
                        stats=stats, chart=chart)  # fmt: skip
    sums = layout.sums_text(output.Contents(files))
    sig = signing.sign(key, layout.site_sums_signing_input(sums)).hex()
    keyid = signing.key_id(signing.public_raw(key))
    files[layout.SUMS] = sums
    files[layout.SUMS_SIG] = canonical({"keyid": keyid, "sig": sig}) + b"\n"
    done = output.write_all(folder, files, LAST)
    digest = hashlib.sha256(sums).hexdigest()
    try:
        shown = folder.relative_to(ws.root.resolve()).as_posix()
    except ValueError:  # outside the workspace: its name only (the log tail is published)
        shown = folder.name
    seq = audit_svc.AuditLog(ws, engine).record(
        actor, KIND, {"out": shown, "files": len(files), "sums": digest}, now
    )
    written = tuple(sorted([*early, *done.written], key=lambda p: p.encode("utf-8")))
    return SiteResult(folder, len(files), written, tuple(done.removed), digest, seq)
