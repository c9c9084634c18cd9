"""reactions: the event log's transaction ids, item changes, consumer positions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tailored.storage.columns import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The writing transaction's id (xid8, which never wraps around, as a bigint).
_TXID = "(pg_current_xact_id()::text::bigint)"


def _txid_column() -> sa.Column:
    # Default 0 first: rows already stored (all committed) come before any new one, and
    # adding a column with a constant default does not rewrite the table.
    return sa.Column("txid", sa.BigInteger(), server_default="0", nullable=False)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.add_column("events", _txid_column())
    else:
        # AUTOINCREMENT: SQLite would hand the sequence number of the newest row out
        # again once that row is deleted, behind a reader already past it. (Rebuilds the
        # table, once.)
        with op.batch_alter_table(
            "events", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as batch:
            batch.add_column(_txid_column())
    op.create_index(op.f("ix_events_txid_seq"), "events", ["txid", "seq"])
    op.create_table(
        "item_changes",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        _txid_column(),
        sa.Column("item_id", sa.String(length=256), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("available_before", sa.Boolean(), nullable=True),
        sa.Column("price_before", sa.Float(), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_item_changes")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_item_changes_txid_seq"), "item_changes", ["txid", "seq"])
    op.create_index(
        op.f("ix_item_changes_item_id_txid_seq"), "item_changes", ["item_id", "txid", "seq"]
    )
    if postgres:
        for table in ("events", "item_changes"):
            op.execute(f"ALTER TABLE {table} ALTER COLUMN txid SET DEFAULT {_TXID}")
    op.create_table(
        "reaction_positions",
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("retry_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", name=op.f("pk_reaction_positions")),
    )
    op.create_table(
        "reaction_dead_letters",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reaction_dead_letters")),
        sa.UniqueConstraint(
            "consumer", "txid", "seq", name=op.f("uq_reaction_dead_letters_consumer_txid_seq")
        ),
    )


def downgrade() -> None:
    op.drop_table("reaction_dead_letters")
    op.drop_table("reaction_positions")
    op.drop_index(op.f("ix_item_changes_item_id_txid_seq"), table_name="item_changes")
    op.drop_index(op.f("ix_item_changes_txid_seq"), table_name="item_changes")
    op.drop_table("item_changes")
    op.drop_index(op.f("ix_events_txid_seq"), table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("txid")
