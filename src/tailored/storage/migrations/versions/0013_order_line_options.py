"""order line options: a saved order's line is its item and the options chosen for it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 19:00:00
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from tailored.storage.columns import JSONColumn

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_LINES = sa.table(
    "saved_order_lines",
    sa.column("order_id", sa.BigInteger()),
    sa.column("item_id", sa.String()),
    sa.column("position", sa.Integer()),
)


def upgrade() -> None:
    # A line is now its place in the order (one item may be on several lines with other
    # options); lines stored before keep their item, quantity and place, with no options.
    _number_positions()
    with op.batch_alter_table("saved_order_lines", recreate="always") as batch:
        batch.add_column(sa.Column("options", JSONColumn, server_default="{}", nullable=False))
        batch.drop_constraint("pk_saved_order_lines", type_="primary")
        batch.create_primary_key("pk_saved_order_lines", ["order_id", "position"])


def downgrade() -> None:
    # Back to one line per item: a later line of an item already on the order is dropped
    # (its options cannot be kept either).
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_LINES.c.order_id, _LINES.c.item_id, _LINES.c.position).order_by(
            _LINES.c.order_id, _LINES.c.position
        )
    ).all()
    seen: set[tuple[int, str]] = set()
    for order_id, item_id, position in rows:
        if (order_id, item_id) in seen:
            conn.execute(
                sa.delete(_LINES).where(
                    _LINES.c.order_id == order_id, _LINES.c.position == position
                )
            )
        seen.add((order_id, item_id))
    with op.batch_alter_table("saved_order_lines", recreate="always") as batch:
        batch.drop_constraint("pk_saved_order_lines", type_="primary")
        batch.create_primary_key("pk_saved_order_lines", ["order_id", "item_id"])
        batch.drop_column("options")


def _number_positions() -> None:
    """Positions 0, 1, 2, ... in each order, in their order so far (they already are,
    unless a row was written by hand)."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_LINES.c.order_id, _LINES.c.item_id, _LINES.c.position).order_by(
            _LINES.c.order_id, _LINES.c.position, _LINES.c.item_id
        )
    ).all()
    lines: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for order_id, item_id, position in rows:
        lines[order_id].append((item_id, position))
    for order_id, held in lines.items():
        if [position for _, position in held] == list(range(len(held))):
            continue
        for index, (item_id, _) in enumerate(held):
            conn.execute(
                sa.update(_LINES)
                .where(_LINES.c.order_id == order_id, _LINES.c.item_id == item_id)
                .values(position=index)
            )
