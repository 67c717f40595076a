"""The pre-draw 公告 ``publish/<task>/notice.html``, and the registry text every page shows.

Written when a task is announced (and again by ``randcheck task notice``); the publication
bundle carries the same file.  Text from the registries is read here, made visible where it
holds characters that could hide or reorder what a reader sees (:func:`visible`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.bundle import layout, pages
from randcheck.core.draw.announce import Announcement, parse_announcement
from randcheck.core.draw.envelope import open_envelope
from randcheck.core.text import visible
from randcheck.errors import NotFoundError
from randcheck.io.atomic import atomic_write, make_private_dir
from randcheck.services import snapshots
from randcheck.store.draw_models import TaskRow
from randcheck.store.models import Item
from randcheck.workspace import PUBLISH_MODE, Workspace


def taskdef(session: Session, task_id: str) -> dict[str, Any]:
    """The stored task definition (as the office wrote it)."""
    row = session.get(TaskRow, task_id)
    if row is None:
        raise NotFoundError("publish.no_task", task=task_id)
    doc = json.loads(row.definition)
    if not isinstance(doc, dict):
        raise NotFoundError("publish.no_task", task=task_id)
    return doc


def items(session: Session, ann: Announcement) -> list[dict[str, str]]:
    """The announced items with their public registry fields."""
    out = []
    for it in ann.task.items:
        row = session.get(Item, it.code)
        out.append(
            {
                "code": it.code,
                "kind": "重点" if it.kind == "key" else "一般",
                "name": visible(row.name) if row else "",
                "legal_basis": visible(row.legal_basis) if row else "",
                "department": visible(row.department) if row else "",
                "method": visible(row.method) if row else "",
            }
        )
    return out


def write_notice(ws: Workspace, engine: Engine, task_id: str) -> Path:
    """Write ``publish/<task>/notice.html`` for an announced task; returns its path."""
    with Session(engine) as session:
        row = snapshots.announcement_row(session, task_id)
        ann_env = open_envelope(row.envelope, "announcement")
        ann = parse_announcement(ann_env.doc)
        definition = taskdef(session, task_id)
        listed = items(session, ann)
    bureau = ws.bureau().get("name", "") if ws.is_initialised() else ""
    data = pages.render_notice(ann_env, definition, listed, bureau)
    folder = ws.publish_dir / layout.folder_name(task_id)
    make_private_dir(folder, PUBLISH_MODE)  # meant to be published
    path = folder / layout.NOTICE
    atomic_write(path, data)
    return path
