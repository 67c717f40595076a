"""``services.tasklist.list_tasks`` (the light listing of ``task list``) against its
reference ``services.tasks.list_tasks``."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.services import tasklist, tasks
from randcheck.store.draw_models import TaskRow


def _summaries(engine: Engine) -> list[tuple[str, str, str, str]]:
    return [(r.id, r.title, r.status, r.created_at) for r in tasks.list_tasks(engine)]


def test_the_light_listing_names_the_models_table_and_columns() -> None:
    model = TaskRow.__table__  # type: ignore[attr-defined]
    assert tasklist.TASK.name == model.name
    assert set(tasklist.TASK.c.keys()) <= set(model.c.keys())


def test_the_light_listing_gives_the_references_rows(engine: Engine) -> None:
    assert tasklist.list_tasks(engine) == [] == _summaries(engine)
    with Session(engine) as session:
        for i, (task_id, status) in enumerate(
            [("b-2", "announced"), ("A10", "created"), ("A9", "drawn"), ("年度", "created")]
        ):
            session.add(
                TaskRow(
                    id=task_id,
                    title=f"任务 {i} [x]",
                    definition="{}",
                    created_at=f"2026-0{i + 1}-01T00:00:00Z",
                    status=status,
                )
            )
        session.commit()
    light = [(r.id, r.title, r.status, r.created_at) for r in tasklist.list_tasks(engine)]
    assert light == _summaries(engine)
