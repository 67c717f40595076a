"""registries: a change counter on the entity table and the pool index it validates.

``registry_generation`` holds one counter per watched table; a trigger bumps the entity
table's counter on every insert, update and delete, whoever makes it (randcheck's importer,
an edit, a script or a DBA behind the tool's back), in the writer's own transaction.
``pool_index_part`` holds the pool index (``randcheck.services.poolindex``): the registry's
codes grouped and sorted, tagged with the counter they were read at, so that the index is
used only while nothing has changed since.  On SQLite the trigger runs per row; on
PostgreSQL once per statement.
"""

import sqlalchemy as sa
from alembic import op

revision = "registries_0002"
down_revision = "registries_0001"
branch_labels = None
depends_on = None

EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    op.create_table(
        "registry_generation",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("generation", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.execute("INSERT INTO registry_generation (name, generation) VALUES ('entity', 0)")
    op.create_table(
        "pool_index_part",
        sa.Column("part", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    bump = "UPDATE registry_generation SET generation = generation + 1 WHERE name = 'entity'"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION randcheck_entity_changed() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN EXECUTE format("  # the counter beside the table written, whatever
            # the writer's search_path
            "'UPDATE %I.registry_generation SET generation = generation + 1 "
            "WHERE name = ''entity''', "
            "TG_TABLE_SCHEMA); RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER entity_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            "ON entity FOR EACH STATEMENT EXECUTE FUNCTION randcheck_entity_changed()"
        )
    else:
        for event in EVENTS:  # per row (registry import sets them aside and counts itself)
            op.execute(
                f"CREATE TRIGGER entity_changed_{event.lower()} AFTER {event} ON entity "
                f"BEGIN {bump}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER entity_changed ON entity")
        op.execute("DROP FUNCTION randcheck_entity_changed()")
    else:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER entity_changed_{event.lower()}")
    op.drop_table("pool_index_part")
    op.drop_table("registry_generation")
