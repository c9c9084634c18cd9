"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 13:51:23.630383
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tailored.storage.columns import BigId, JSONColumn, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "event_types",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("requires_item", sa.Boolean(), nullable=False),
        sa.Column("requires_value", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_event_types")),
    )
    op.create_table(
        "events",
        sa.Column("seq", BigId, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=256), nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("item_id", sa.String(length=256), nullable=True),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("context", JSONColumn, nullable=False),
        sa.Column("timestamp", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_events_event_id")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_user_id_timestamp"), ["user_id", "timestamp"], unique=False
        )

    op.create_table(
        "items",
        sa.Column("id", sa.String(length=256), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("categories", JSONColumn, nullable=False),
        sa.Column("attributes", JSONColumn, nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
    )
    op.create_table(
        "user_merges",
        sa.Column("anonymous_id", sa.String(length=256), nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("events_moved", BigId, nullable=False),
        sa.Column("merged_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("anonymous_id", name=op.f("pk_user_merges")),
    )
    with op.batch_alter_table("user_merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_merges_user_id"), ["user_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.String(length=256), nullable=False),
        sa.Column("traits", JSONColumn, nullable=False),
        sa.Column("preferences", JSONColumn, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_table(
        "consent_log",
        sa.Column("seq", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=256), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_consent_log_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_consent_log")),
    )
    with op.batch_alter_table("consent_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_log_user_id_seq"), ["user_id", "seq"], unique=False
        )

    op.create_table(
        "consents",
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=256), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_consents_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "purpose", name=op.f("pk_consents")),
    )
    op.create_table(
        "item_categories",
        sa.Column("item_id", sa.String(length=256), nullable=False),
        sa.Column("category", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_item_categories_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "category", name=op.f("pk_item_categories")),
    )
    with op.batch_alter_table("item_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_categories_category_item_id"), ["category", "item_id"], unique=False
        )

    op.create_table(
        "item_facets",
        sa.Column("item_id", sa.String(length=256), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_facets_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", "name", "value", name=op.f("pk_item_facets")),
    )
    with op.batch_alter_table("item_facets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_facets_name_value_item_id"),
            ["name", "value", "item_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("item_facets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_facets_name_value_item_id"))

    op.drop_table("item_facets")
    with op.batch_alter_table("item_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_categories_category_item_id"))

    op.drop_table("item_categories")
    op.drop_table("consents")
    with op.batch_alter_table("consent_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_log_user_id_seq"))

    op.drop_table("consent_log")
    op.drop_table("users")
    with op.batch_alter_table("user_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_merges_user_id"))

    op.drop_table("user_merges")
    op.drop_table("items")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_user_id_timestamp"))

    op.drop_table("events")
    op.drop_table("event_types")
    op.drop_table("api_keys")
