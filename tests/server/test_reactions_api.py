"""/v1/reactions over HTTP on every backend: consumer status, dead letters, retry; the
client reads the same; unknown consumers are 404, bad limits 422 naming the field."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tailored import Engine
from tailored.engine.reactions import Batch, Consumer
from tailored.server import create_app


def test_status_dead_letters_and_retry(api: Any, engine: Engine) -> None:
    client, admin = api.client, api.admin
    [alerts] = client.get("/v1/reactions", headers=admin).json()
    assert (alerts["name"], alerts["stream"], alerts["behind"]) == ("alerts", "item_changes", 0)
    client.put("/v1/items/lamp", json={"title": "Lamp"}, headers=admin)
    engine.reactions.run()
    [alerts] = client.get("/v1/reactions", headers=admin).json()
    assert alerts["behind"] == 0 and alerts["position"]["seq"] >= 1
    assert (alerts["failures"], alerts["dead_letters"], alerts["last_error"]) == (0, 0, None)

    assert client.get("/v1/reactions/alerts/dead-letters", headers=admin).json() == []
    retried = client.post("/v1/reactions/alerts/dead-letters/retry", headers=admin)
    assert retried.json() == {"handled": 0, "failing": 0}

    missing = client.get("/v1/reactions/nobody/dead-letters", headers=admin)
    assert missing.status_code == 404, missing.text
    assert client.post("/v1/reactions/nobody/dead-letters/retry", headers=admin).status_code == 404
    bad = client.get("/v1/reactions/alerts/dead-letters?limit=0", headers=admin)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "query.limit"


def test_a_failing_consumer_shows_its_dead_letter(api: Any, engine: Engine) -> None:
    def broken(_conn: Any, _batch: Batch) -> None:
        raise ValueError("no downstream")

    # A server of its own with one more consumer, over the same database and keys.
    custom = Engine(engine.db, engine.settings)
    custom.reactions.register(Consumer("broken", "events", broken, start="beginning"))
    custom.events.record({"event_id": "e1", "user_id": "u1", "type": "view", "item_id": "m"})
    for _ in range(10):  # one failure per run until it is set aside
        with custom.db.writing() as conn:  # skip the waits between retries
            conn.exec_driver_sql("UPDATE reaction_positions SET retry_at = NULL")
        custom.reactions.run(settle_seconds=0)
    with TestClient(create_app(custom)) as client:
        [letter] = client.get("/v1/reactions/broken/dead-letters", headers=api.admin).json()
        statuses = {c["name"]: c for c in client.get("/v1/reactions", headers=api.admin).json()}
    assert letter["consumer"] == "broken" and letter["stream"] == "events"
    assert letter["error"] == "ValueError: no downstream" and letter["attempts"] == 5
    assert (statuses["broken"]["dead_letters"], statuses["broken"]["behind"]) == (1, 0)
