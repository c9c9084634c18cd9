"""Migrations build the schema the code expects, from an empty database, on each backend."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from typer.testing import CliRunner

from tailored import Engine
from tailored.cli.main import app
from tailored.engine.reactions import Batch, Consumer
from tailored.storage import schema
from tailored.storage.database import Database
from tailored.storage.tables import metadata


def _tables(db: Database) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_from_empty_creates_every_table_and_matches_the_code(fresh_url: str) -> None:
    db = Database(fresh_url)
    try:
        assert schema.current_revision(db) is None
        assert _tables(db) == set()
        schema.upgrade(db)
        assert schema.current_revision(db) == schema.head_revision()
        assert _tables(db) == set(metadata.tables) | {"alembic_version"}
        with db.engine.connect() as conn:
            differences = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), metadata
            )
        assert differences == []
    finally:
        db.dispose()


def test_downgrade_to_base_and_back(fresh_url: str) -> None:
    db = Database(fresh_url)
    try:
        schema.upgrade(db)
        schema.downgrade(db, "base")
        assert _tables(db) == {"alembic_version"}
        schema.upgrade(db)
        assert _tables(db) >= set(metadata.tables)
    finally:
        db.dispose()


def test_cli_upgrade_then_engine_open_is_idempotent(fresh_url: str) -> None:
    result = CliRunner().invoke(app, ["db", "upgrade", "--database-url", fresh_url])
    assert result.exit_code == 0, result.output
    assert "schema at" in result.output and "was empty" in result.output
    for _ in range(2):  # opening an up-to-date database migrates nothing and keeps data
        with Engine.open(fresh_url) as engine:
            engine.items.upsert({"id": "kept", "title": "still here"})
    with Engine.open(fresh_url) as engine:
        assert engine.items.get("kept").title == "still here"


def test_types_registered_before_meaning_was_data_keep_working(fresh_url: str) -> None:
    db = Database(fresh_url)
    try:
        schema.upgrade(db, "0007")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO event_types (name, requires_item, requires_value, description,"
                    " created_at) VALUES ('wishlist_add', true, false, 'Saved.', :at)"
                ),
                {"at": "2026-01-01 00:00:00"},
            )
        schema.upgrade(db)
    finally:
        db.dispose()
    with Engine.open(fresh_url) as engine:
        found = engine.event_types.known()["wishlist_add"]
        assert (found.requires_item, found.description) == (True, "Saved.")
        assert (found.weight, found.meaning, found.phrase) == (0.0, None, "interacted with {item}")
        engine.event_types.update("wishlist_add", {"weight": 2.0})
        assert engine.event_types.meanings().weights["wishlist_add"] == 2.0


def test_events_stored_before_reactions_come_first_in_the_log(fresh_url: str) -> None:
    db = Database(fresh_url)
    try:
        schema.upgrade(db, "0010")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO events (event_id, user_id, item_id, type, value, context,"
                    " timestamp, received_at) VALUES ('old', 'u1', 'mug', 'view', NULL, '{}',"
                    " :at, :at)"
                ),
                {"at": "2026-01-01 00:00:00"},
            )
        schema.upgrade(db)
    finally:
        db.dispose()
    with Engine.open(fresh_url) as engine:
        seen: list[str] = []

        def audit(_conn: object, batch: Batch) -> None:
            seen.extend(event.event_id for _, event in batch)  # type: ignore[union-attr]

        engine.reactions.register(Consumer("audit", "events", audit, start="beginning"))
        engine.events.record({"event_id": "new", "user_id": "u1", "type": "view", "item_id": "m"})
        engine.reactions.run()
        assert seen == ["old", "new"]
        with engine.db.reading() as conn:
            old, new = conn.execute(sa.text("SELECT txid FROM events ORDER BY seq")).scalars()
        assert old == 0 and (new > 0) == (engine.db.backend == "postgresql")


def test_order_lines_stored_before_options_keep_their_items_and_take_options(
    fresh_url: str,
) -> None:
    db = Database(fresh_url)
    try:
        schema.upgrade(db, "0012")
        at = {"at": "2026-01-01 00:00:00"}
        with db.engine.begin() as conn:
            for statement in (
                "INSERT INTO users (id, traits, preferences, created_at, updated_at)"
                " VALUES ('ann', '{}', '{}', :at, :at)",
                "INSERT INTO saved_orders (user_id, name, created_at, updated_at)"
                " VALUES ('ann', 'usual', :at, :at)",
                "INSERT INTO saved_order_lines (order_id, item_id, quantity, position)"
                " SELECT id, 'tee', 2, 0 FROM saved_orders",
                "INSERT INTO saved_order_lines (order_id, item_id, quantity, position)"
                " SELECT id, 'mug', 1, 1 FROM saved_orders",
            ):
                conn.execute(sa.text(statement), at if ":at" in statement else {})
        schema.upgrade(db)
    finally:
        db.dispose()
    with Engine.open(fresh_url) as engine:
        engine.items.upsert_many(
            [{"id": "tee", "attributes": {"sizes": ["M", "XL"]}}, {"id": "mug"}]
        )
        (order,) = engine.orders.list("ann")
        assert [(ln.item_id, ln.quantity, ln.options) for ln in order.lines] == [
            ("tee", 2, {}),
            ("mug", 1, {}),
        ]
        lines = [*order.lines, ("tee", 1, {"size": "XL"})]  # the same item, another line
        changed = engine.orders.update("ann", order.id, name="usual", lines=lines)
        assert [(ln.item_id, ln.options) for ln in changed.lines] == [
            ("tee", {}),
            ("mug", {}),
            ("tee", {"size": "XL"}),
        ]
