"""event meaning: a custom event type's weight, meaning and reason phrase

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Types registered before meaning was data: not an interaction, no meaning, the
    # generic phrase (an admin gives them theirs with PATCH /v1/event-types/{name}).
    with op.batch_alter_table("event_types", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weight", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("meaning", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column(
                "phrase",
                sa.String(length=80),
                server_default="interacted with {item}",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("event_types", schema=None) as batch_op:
        batch_op.drop_column("phrase")
        batch_op.drop_column("meaning")
        batch_op.drop_column("weight")
