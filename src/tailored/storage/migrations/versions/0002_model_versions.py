"""model versions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tailored.storage.columns import BigId, JSONColumn, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("params", JSONColumn, nullable=False),
        sa.Column("metrics", JSONColumn, nullable=False),
        sa.Column("data_from", UTCDateTime(), nullable=True),
        sa.Column("data_to", UTCDateTime(), nullable=True),
        sa.Column("interactions", BigId, nullable=False),
        sa.Column("users", BigId, nullable=False),
        sa.Column("items", BigId, nullable=False),
        sa.Column("artifact", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
    )


def downgrade() -> None:
    op.drop_table("model_versions")
