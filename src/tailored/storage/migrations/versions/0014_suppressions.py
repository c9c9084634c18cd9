"""suppressions: keyed hashes of erased ids, so late events do not bring a person back

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tailored.storage.columns import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suppressions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("erased_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name="pk_suppressions"),
    )


def downgrade() -> None:
    op.drop_table("suppressions")
