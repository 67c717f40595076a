"""results: the history index also holds department, ref and is_random (``randcheck stats``).

``inspection_history_entity`` was (entity_code, inspected_on); it becomes (entity_code,
inspected_on, department, ref, is_random), the same prefix for the lookups of one entity's
history (exclusions, ``recent_days``, ``annual_cap``) and a covering index for the
repeated-inspections statistic: one inspection is one (entity, date, department, ref), so
``stats`` groups the year's history in index order without reading the table or sorting, and
finds a listed entity's departments by an index search.  Replacing the index rather than adding
one keeps ``history import`` at one index to maintain besides the unique content digest
(its entries are wider: about 40 bytes more per row).
"""

from alembic import op

revision = "results_0002"
down_revision = "results_0001"
branch_labels = None
depends_on = None

COLUMNS = ["entity_code", "inspected_on", "department", "ref", "is_random"]


def upgrade() -> None:
    op.drop_index("inspection_history_entity", table_name="inspection_history")
    op.create_index("inspection_history_entity", "inspection_history", COLUMNS)


def downgrade() -> None:
    op.drop_index("inspection_history_entity", table_name="inspection_history")
    op.create_index(
        "inspection_history_entity", "inspection_history", ["entity_code", "inspected_on"]
    )
