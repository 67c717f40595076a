"""results: inspection results, signed results documents, outside history, office calendar."""

import sqlalchemy as sa
from alembic import op

revision = "results_0001"
down_revision = None
branch_labels = ("results",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspection_result",
        sa.Column("task_id", sa.String(64), primary_key=True),
        sa.Column("entity_code", sa.String(18), primary_key=True),
        sa.Column("item_code", sa.String(64), primary_key=True),
        sa.Column("record_digest", sa.String(64), nullable=False),
        sa.Column("completed_on", sa.String(10), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("followup", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("inspectors", sa.Text(), nullable=False),
        sa.Column("late_reason", sa.Text(), nullable=False),
        sa.Column("vocabulary", sa.String(128), nullable=False),
        sa.Column("entered_by", sa.String(128), nullable=False),
        sa.Column("entered_at", sa.String(20), nullable=False),
        sa.Column("content", sa.String(64), nullable=False),
        sa.Column("correction", sa.Text(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("published", sa.Integer(), nullable=True),
        sa.Column("first_published_on", sa.String(10), nullable=True),
    )
    op.create_index("inspection_result_entity", "inspection_result", ["entity_code"])
    op.create_table(
        "results_document",
        sa.Column("task_id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("record_digest", sa.String(64), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("vocabulary", sa.LargeBinary(), nullable=False),
        sa.Column("issued_at", sa.String(20), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
    )
    op.create_table(
        "inspection_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_code", sa.String(18), nullable=False),
        sa.Column("inspected_on", sa.String(10), nullable=False),
        sa.Column("item_code", sa.String(64), nullable=False),
        sa.Column("inspectors", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("is_random", sa.Boolean(), nullable=False),
        sa.Column("ref", sa.Text(), nullable=False),
        sa.Column("content", sa.String(64), nullable=False, unique=True),
    )
    op.create_index(
        "inspection_history_entity", "inspection_history", ["entity_code", "inspected_on"]
    )
    op.create_table(
        "work_calendar",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("workday", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_work_calendar_year", "work_calendar", ["year"])


def downgrade() -> None:
    op.drop_table("work_calendar")
    op.drop_index("inspection_history_entity", table_name="inspection_history")
    op.drop_table("inspection_history")
    op.drop_table("results_document")
    op.drop_index("inspection_result_entity", table_name="inspection_result")
    op.drop_table("inspection_result")
