"""audit: the audit_lock row that every log-writing transaction updates first.

Updating one row takes the database's write lock (SQLite) or that row's lock (PostgreSQL), so
log-writing transactions run one after another on both, and the checks each makes before it
writes (is the task still undrawn? is there still no other pending attempt?) hold until it
commits.
"""

import sqlalchemy as sa
from alembic import op

revision = "audit_0002"
down_revision = "audit_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    lock = op.create_table(
        "audit_lock",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(lock, [{"id": 1, "n": 0}])


def downgrade() -> None:
    op.drop_table("audit_lock")
