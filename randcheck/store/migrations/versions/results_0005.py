"""results: the kept history index.

``history_index_part`` holds what an announcement reads of the inspection history, kept
sorted (``services.results.historyindex``): manifest in part 0, payload in parts, every part
tagged with the ``history_state`` counter it was read at.  Nothing else depends on it: it is
built again from the tables whenever its tag is not the counter.
"""

import sqlalchemy as sa
from alembic import op

revision = "results_0005"
down_revision = "results_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "history_index_part",
        sa.Column("part", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("history_index_part")
