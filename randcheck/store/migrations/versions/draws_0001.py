"""draws: tasks, announcements, frozen snapshots, records and addenda."""

import sqlalchemy as sa
from alembic import op

revision = "draws_0001"
down_revision = None
branch_labels = ("draws",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draw_task",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(20), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "draw_announcement",
        sa.Column("task_id", sa.String(64), primary_key=True),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("announced_at", sa.String(20), nullable=False),
        sa.Column("roster", sa.LargeBinary(), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
    )
    op.create_table(
        "draw_snapshot",
        sa.Column("task_id", sa.String(64), primary_key=True),
        sa.Column("stratum", sa.String(64), primary_key=True),
        sa.Column("part", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "draw_record",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("task_id", sa.String(64), nullable=False, index=True),
        sa.Column("chain_index", sa.Integer(), nullable=False, unique=True),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("drawn_at", sa.String(20), nullable=False),
        sa.Column("redraw_reason", sa.Text(), nullable=True),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
    )
    op.create_table(
        "draw_addendum",
        sa.Column("record_digest", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("issued_at", sa.String(20), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for name in ("draw_addendum", "draw_record", "draw_snapshot", "draw_announcement", "draw_task"):
        op.drop_table(name)
