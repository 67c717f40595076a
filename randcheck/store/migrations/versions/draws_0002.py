"""draws: at most one official (not superseded) record per task, enforced by the database.

A partial unique index, which SQLite and PostgreSQL both enforce.  A workspace that already
holds two official records of one task (a race that earlier versions let through on
PostgreSQL) keeps the later one (the higher ``chain_index``, the one the record chain goes on
from) official and marks the others superseded, so that the index can be built; both stay in
the log and the database.
"""

import sqlalchemy as sa
from alembic import op

revision = "draws_0002"
down_revision = "draws_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    record = sa.table(
        "draw_record",
        sa.column("task_id", sa.String),
        sa.column("chain_index", sa.Integer),
        sa.column("superseded", sa.Boolean),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(record.c.task_id, record.c.chain_index)
        .where(record.c.superseded.is_(False))
        .order_by(record.c.task_id, record.c.chain_index)
    ).all()
    newest = dict(rows)  # ordered by chain_index: the last one of each task wins
    for task_id, index in rows:
        if index != newest[task_id]:
            conn.execute(
                sa.update(record).where(record.c.chain_index == index).values(superseded=True)
            )
    op.create_index(
        "one_official_record",
        "draw_record",
        ["task_id"],
        unique=True,
        sqlite_where=sa.text("superseded = 0"),
        postgresql_where=sa.text("NOT superseded"),
    )


def downgrade() -> None:
    op.drop_index("one_official_record", table_name="draw_record")
