"""``list_tasks``: the task table's summary columns in id order, for ``randcheck task list``.

A listing needs four text columns of one table, so it reads them through SQLAlchemy Core
(``table``/``column``: no model class, no SQLModel or pydantic import) instead of
``randcheck.services.tasks.list_tasks``, whose module pulls in the pool, announcement, signing
and time-stamp code and whose model module builds every draw table's class: together most of a
command's fixed start-up (bench/bench_startup.py).  ``services.tasks.list_tasks`` stays the
reference: tests/services/test_tasklist.py checks both give the same rows, and that the names
below are the model's (``randcheck.store.draw_models.TaskRow``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import column, select, table

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

#: the columns of ``draw_task`` a listing shows (TaskRow's names, checked by a test)
TASK = table("draw_task", column("id"), column("title"), column("status"), column("created_at"))


@dataclass(frozen=True)
class TaskSummary:
    id: str
    title: str
    status: str
    created_at: str


def list_tasks(engine: Engine) -> list[TaskSummary]:
    """Every task, ordered by id as ``services.tasks.list_tasks`` orders them."""
    c = TASK.c
    stmt = select(c.id, c.title, c.status, c.created_at).order_by(c.id)
    with engine.connect() as conn:
        return [TaskSummary(*row) for row in conn.execute(stmt)]
