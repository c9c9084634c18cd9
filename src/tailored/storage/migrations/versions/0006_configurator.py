"""product configurator

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tailored.storage.columns import BigId, JSONColumn, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "configurators",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configurators")),
    )
    op.create_table(
        "configurator_versions",
        sa.Column("configurator_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", JSONColumn, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["configurator_id"],
            ["configurators.id"],
            name=op.f("fk_configurator_versions_configurator_id_configurators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "configurator_id", "version", name=op.f("pk_configurator_versions")
        ),
    )
    op.create_table(
        "designs",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("configurator_id", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("choices", JSONColumn, nullable=False),
        sa.Column("price", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["configurator_id"],
            ["configurators.id"],
            name=op.f("fk_designs_configurator_id_configurators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_designs")),
    )
    with op.batch_alter_table("designs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_designs_user_id_id"), ["user_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_designs_configurator_id"), ["configurator_id"], unique=False
        )

    op.create_table(
        "design_picks",
        sa.Column("design_id", BigId, nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("choice_id", sa.String(length=64), nullable=False),
        sa.Column("configurator_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["design_id"],
            ["designs.id"],
            name=op.f("fk_design_picks_design_id_designs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("design_id", "group_id", "choice_id", name=op.f("pk_design_picks")),
    )
    with op.batch_alter_table("design_picks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_design_picks_configurator_id_group_id_choice_id"),
            ["configurator_id", "group_id", "choice_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("design_picks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_design_picks_configurator_id_group_id_choice_id"))

    op.drop_table("design_picks")
    with op.batch_alter_table("designs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_designs_configurator_id"))
        batch_op.drop_index(batch_op.f("ix_designs_user_id_id"))

    op.drop_table("designs")
    op.drop_table("configurator_versions")
    op.drop_table("configurators")
