"""registries: entity, inspector, item and conflict tables (一单两库 plus 回避)."""

import sqlalchemy as sa
from alembic import op

revision = "registries_0001"
down_revision = None
branch_labels = ("registries",)
depends_on = None


def _text(name: str, length: int | None = None) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.String(length=length), nullable=False, server_default="")


def upgrade() -> None:
    op.create_table(
        "entity",
        sa.Column("code", sa.String(length=18), primary_key=True),
        _text("legacy_reg_no", 15),
        _text("name"),
        _text("subject_type"),
        _text("registration_authority"),
        _text("jurisdiction_unit"),
        _text("region_code", 6),
        _text("grid"),
        _text("industry"),
        _text("status"),
        _text("tags"),
        _text("risk_class"),
        sa.Column("risk_as_of", sa.Date(), nullable=True),
        sa.Column("last_inspected_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _text("row_hash", 64),
    )
    op.create_table(
        "inspector",
        sa.Column("badge_no", sa.String(length=64), primary_key=True),
        _text("issuer"),
        sa.Column("cert_valid_until", sa.Date(), nullable=True),
        _text("name"),
        _text("unit"),
        _text("department"),
        _text("region"),
        _text("specialties"),
        _text("qualifications"),
        sa.Column("is_expert", sa.Boolean(), nullable=False, server_default=sa.false()),
        _text("status"),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _text("row_hash", 64),
    )
    op.create_table(
        "item",
        sa.Column("code", sa.String(length=64), primary_key=True),
        _text("name"),
        _text("legal_basis"),
        _text("department"),
        _text("method"),
        _text("scope_tags"),
        _text("scope_filter"),
        _text("required_qualification"),
        _text("item_type"),
        _text("ratio_cap"),
        _text("frequency"),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _text("row_hash", 64),
    )
    op.create_table(
        "conflict",
        sa.Column("badge_no", sa.String(length=64), primary_key=True),
        sa.Column("entity_code", sa.String(length=18), primary_key=True),
        _text("relation"),
        _text("source"),
        sa.Column("declared_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _text("row_hash", 64),
    )
    op.create_index("ix_conflict_entity_code", "conflict", ["entity_code"])


def downgrade() -> None:
    op.drop_index("ix_conflict_entity_code", table_name="conflict")
    for name in ("conflict", "item", "inspector", "entity"):
        op.drop_table(name)
