"""api key lifecycle: expiry, rotation with an overlap window, optional rate limits

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tailored.storage.columns import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Keys stored before never expire, have no previous secret and no rate limit.
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("expires_at", UTCDateTime, nullable=True))
        batch.add_column(sa.Column("previous_key_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("previous_expires_at", UTCDateTime, nullable=True))
        batch.add_column(sa.Column("rotated_at", UTCDateTime, nullable=True))
        batch.add_column(sa.Column("rate_requests", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rate_per", sa.String(8), nullable=True))
        batch.add_column(sa.Column("rate_burst", sa.Integer(), nullable=True))
        batch.create_unique_constraint("uq_api_keys_previous_key_hash", ["previous_key_hash"])


def downgrade() -> None:
    # A rotated key keeps only its current secret; expiry and rate limits are dropped.
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("uq_api_keys_previous_key_hash", type_="unique")
        for column in (
            "rate_burst",
            "rate_per",
            "rate_requests",
            "rotated_at",
            "previous_expires_at",
            "previous_key_hash",
            "expires_at",
        ):
            batch.drop_column(column)
