"""results: a change counter on the inspection history and results, and the cached digest.

``history_state`` holds one row, ``history``: a counter that triggers bump on every insert,
update and delete of ``inspection_history`` or ``inspection_result`` (whoever writes, in the
writer's transaction), and the history digest (``services.results.history``: SHA-256 over the
sorted content digests of every row of both tables) with the counter it was computed at.  An
announcement reads the digest from here while the counter has not moved, instead of reading
every row's content digest again (about a second at 2 million rows).  On SQLite the triggers
run per row; on PostgreSQL once per statement.
"""

import sqlalchemy as sa
from alembic import op

revision = "results_0004"
down_revision = "results_0003"
branch_labels = None
depends_on = None

TABLES = ("inspection_history", "inspection_result")
EVENTS = ("INSERT", "UPDATE", "DELETE")
BUMP = "UPDATE history_state SET generation = generation + 1 WHERE name = 'history'"


def upgrade() -> None:
    op.create_table(
        "history_state",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("generation", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("digest_at", sa.BigInteger(), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False, server_default=""),
    )
    op.execute("INSERT INTO history_state (name, generation) VALUES ('history', 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION randcheck_history_changed() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN EXECUTE format("  # the counter beside the table written, whatever
            # the writer's search_path
            "'UPDATE %I.history_state SET generation = generation + 1 WHERE name = ''history''', "
            "TG_TABLE_SCHEMA); RETURN NULL; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION randcheck_history_changed()"
            )
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(
                    f"CREATE TRIGGER {table}_changed_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {BUMP}; END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_changed ON {table}")
        op.execute("DROP FUNCTION randcheck_history_changed()")
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_changed_{event.lower()}")
    op.drop_table("history_state")
