"""preferences

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tailored.storage.columns import BigId, JSONColumn, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "preference_schemas",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("fields", JSONColumn, nullable=False),
        sa.Column("created_by", sa.String(length=256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preference_schemas")),
    )
    op.create_table(
        "preference_changes",
        sa.Column("seq", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("old", JSONColumn, nullable=True),
        sa.Column("new", JSONColumn, nullable=True),
        sa.Column("changed_by", sa.String(length=256), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_preference_changes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_preference_changes")),
    )
    with op.batch_alter_table("preference_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_preference_changes_user_id_seq"), ["user_id", "seq"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("preference_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preference_changes_user_id_seq"))
    op.drop_table("preference_changes")
    op.drop_table("preference_schemas")
