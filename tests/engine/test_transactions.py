"""No service opens a transaction inside another's: a request holds one pooled
connection at a time, and SQLite in memory (one connection) never sees a nested BEGIN.

Recommendations read the preference schema, which may read the database when its cache
is stale; it did so inside its own read transaction once, which crashed an in-memory
engine ("cannot start a transaction within a transaction") and held two connections on
file SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tailored import Engine
from tailored.engine.preferences.inputs import schema_document


def test_recommendations_for_a_user_with_preferences_after_the_schema_changes_in_memory() -> None:
    # Default settings (the schema is cached for the serving refresh interval); a schema
    # change empties the cache, so the next request reads it again.
    with Engine.open("sqlite://") as engine:
        engine.items.upsert_many([{"id": f"i{n}", "title": f"Item {n}"} for n in range(5)])
        engine.events.record({"user_id": "ann", "type": "view", "item_id": "i1"})
        engine.preferences.update("ann", {"theme": "dark"}, changed_by="ann")
        same = schema_document(engine.preferences.schema())
        engine.preferences.set_schema(same, changed_by="admin")
        answer = engine.recommendations.for_user("ann", n=3)
        assert len(answer.items) == 3
        similar = engine.recommendations.similar("i1", n=2, user_id="ann")
        assert len(similar.items) == 2


def test_a_recommendation_request_holds_one_connection_at_a_time(shop: Engine) -> None:
    shop.preferences.update("camper0", {"theme": "dark"}, changed_by="camper0")
    with _most_connections_at_once(shop) as most:
        shop.recommendations.for_user("camper0", n=3)
        shop.recommendations.similar("tent", n=3, user_id="camper0")
        shop.recommendations.bought_together("tent", n=3, user_id="camper0")
    assert most() == 1


@contextmanager
def _most_connections_at_once(engine: Engine) -> Iterator[object]:
    out, most = 0, 0

    def checkout(*_: object) -> None:
        nonlocal out, most
        out += 1
        most = max(most, out)

    def checkin(*_: object) -> None:
        nonlocal out
        out -= 1

    pool = engine.db.engine
    event.listen(pool, "checkout", checkout)
    event.listen(pool, "checkin", checkin)
    try:
        yield lambda: most
    finally:
        event.remove(pool, "checkout", checkout)
        event.remove(pool, "checkin", checkin)


def test_a_transaction_inside_another_on_the_same_thread_is_refused(engine: Engine) -> None:
    with (
        engine.db.reading(),
        pytest.raises(RuntimeError, match="inside another"),
        engine.db.writing(),
    ):
        pass
    with engine.db.writing():  # the refused one left nothing open
        pass
