"""/v1/admin/training and /v1/admin/models: background training jobs, polled over HTTP,
and scheduled retraining."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tailored import Engine
from tailored.engine.jobs import Jobs
from tailored.errors import ConfigurationError
from tailored.server import create_app

Client = Callable[..., TestClient]
Headers = dict[str, dict[str, str]]


@pytest.fixture
def api(engine: Engine) -> Headers:
    """Keys per scope, without the shared app of tests/conftest.py: its job runner would
    take part in these tests."""
    return {
        scope: {"Authorization": f"Bearer {engine.keys.create(scope, scopes=[scope]).secret}"}
        for scope in ("admin", "ingest", "serve")
    }


def _views(engine: Engine) -> None:
    rows = [
        {"user_id": f"u{u}", "item_id": f"i{(u + k) % 6}", "type": "view"}
        for u in range(15)
        for k in range(3)
    ]
    assert not engine.events.record_many(rows).rejected


def _wait(
    client: TestClient, api: Headers, job_id: int, *, timeout: float = 30.0
) -> dict[str, Any]:
    """Poll the job until it is finished."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/v1/admin/training/{job_id}", headers=api["admin"])
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        if job["status"] in ("succeeded", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']} after {timeout} s"
        time.sleep(0.02)


def _until(check: Callable[[], Any], *, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return found


@pytest.fixture
def client(client_for: Client, tmp_path: Path) -> TestClient:
    return client_for(models_dir=tmp_path)


def test_a_training_job_is_queued_then_polled_until_it_succeeds(
    api: Headers, client: TestClient, engine: Engine
) -> None:
    _views(engine)
    response = client.post(
        "/v1/admin/training", json={"model": "popular", "tune": False}, headers=api["admin"]
    )
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] == "queued" and queued["model"] == "popular"
    assert queued["version"] is None and queued["error"] is None
    assert response.headers["Location"] == f"/v1/admin/training/{queued['id']}"
    done = _wait(client, api, queued["id"])
    assert done["status"] == "succeeded", done
    assert done["started_at"] and done["finished_at"] and done["origin"] == "api"
    version = done["version"]
    assert version["model"] == "popular" and version["active"] is True
    assert version["users"] == 15
    assert version["metrics"] == {}  # 6 items: too few to rank for an honest evaluation
    assert version["metrics_note"].endswith("items to rank (at least 21 needed)")
    listed = client.get("/v1/admin/training", headers=api["admin"]).json()
    assert [job["id"] for job in listed] == [queued["id"]]
    models = client.get("/v1/admin/models", headers=api["admin"]).json()
    assert [m["id"] for m in models] == [version["id"]]


def test_a_job_without_a_model_reports_the_choice_made_on_validation(
    api: Headers, client: TestClient, engine: Engine
) -> None:
    rows = [  # 60 shoppers walking a 40-item chain: enough to validate on
        {"user_id": f"u{u}", "item_id": f"i{((u * 7) % 40 + k) % 40}", "type": "view"}
        for u in range(60)
        for k in range(8)
    ]
    assert not engine.events.record_many(rows).rejected
    response = client.post("/v1/admin/training", json={"tune": False}, headers=api["admin"])
    assert response.status_code == 202 and response.json()["model"] == "auto"
    done = _wait(client, api, response.json()["id"])
    assert done["status"] == "succeeded", done
    version = done["version"]
    selection = version["metrics"]["selection"]
    assert selection["model"] == version["model"]
    scores = selection["candidates_val_ndcg@10"]
    assert len(scores) == 7 and scores[version["model"]] == max(scores.values())
    assert selection["val_ndcg@10"] == scores[version["model"]]
    refused = client.post("/v1/admin/training", json={"params": {"l2": 1.0}}, headers=api["admin"])
    assert refused.status_code == 422 and "params" in refused.text


def test_a_job_on_the_readme_example_reports_why_it_has_no_metrics(
    api: Headers, client: TestClient
) -> None:
    # The README's client example: two items, a view and two purchases by one user. It
    # used to report coverage@10 2.0 and NDCG@10 0.63 (a hit on an item it could not rank).
    items = [{"id": "beans", "title": "House blend"}, {"id": "filter", "title": "Paper filters"}]
    assert client.post("/v1/items", json=items, headers=api["admin"]).status_code == 200
    events = [
        {"user_id": "u42", "type": kind, "item_id": item, "timestamp": 1_780_000_000 + s}
        for s, (kind, item) in enumerate(
            [("view", "beans"), ("purchase", "beans"), ("purchase", "filter")]
        )
    ]
    recorded = client.post("/v1/events", json=events, headers=api["ingest"])
    assert recorded.json()["accepted"] == 3, recorded.text
    done = _wait(client, api, _submit(client, api, {"model": "popular"}))
    assert done["status"] == "succeeded", done
    version = done["version"]
    assert version["metrics"] == {}
    assert version["metrics_note"] == (
        "too little data for an honest offline evaluation: 1 user with held-out interactions "
        "(at least 10 needed) and 1 item to rank (at least 21 needed)"
    )
    [listed] = client.get("/v1/admin/models", headers=api["admin"]).json()
    assert listed["metrics"] == {} and listed["metrics_note"] == version["metrics_note"]


def test_jobs_queue_behind_the_running_one_and_run_in_order(
    api: Headers, client: TestClient, engine: Engine
) -> None:
    _views(engine)
    ids = [
        client.post(
            "/v1/admin/training", json={"model": m, "tune": False}, headers=api["admin"]
        ).json()["id"]
        for m in ("item_knn", "popular", "ease")
    ]
    finished = [_wait(client, api, job_id) for job_id in ids]
    assert [job["status"] for job in finished] == ["succeeded"] * 3
    starts = [job["started_at"] for job in finished]
    ends = [job["finished_at"] for job in finished]
    assert starts[1] >= ends[0] and starts[2] >= ends[1]  # one at a time, in order


def test_activate_a_version_and_roll_back(api: Headers, client: TestClient, engine: Engine) -> None:
    _views(engine)
    first = _wait(client, api, _submit(client, api, {"model": "popular", "tune": False}))
    second = _wait(client, api, _submit(client, api, {"model": "popular", "params": {
        "half_life_days": None}}))  # fmt: skip
    assert second["version"]["params"]["half_life_days"] is None
    back = client.post(f"/v1/admin/models/{first['version']['id']}/activate", headers=api["admin"])
    assert back.status_code == 200 and back.json()["active"] is True
    models = client.get("/v1/admin/models", headers=api["admin"]).json()
    assert [(m["id"], m["active"]) for m in models] == [
        (second["version"]["id"], False),
        (first["version"]["id"], True),
    ]


def test_a_failing_training_is_a_failed_job_with_the_reason(
    api: Headers, client: TestClient
) -> None:
    done = _wait(client, api, _submit(client, api, {"model": "popular"}))
    assert done["status"] == "failed" and done["version"] is None
    assert "no events with items to train on" in done["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"model": "deep"}, "model"),
        ({"model": "ease", "params": {"l2": "high"}}, "params.l2"),
        ({"model": "ease", "params": {"depth": 2}}, "params.depth"),
        ({"model": "ease", "params": [1, 2]}, "body.params"),
        ({"tune": "yes"}, "body.tune"),
        ({"model": "ease", "epochs": 3}, "body.epochs"),
    ],
)
def test_bad_requests_get_a_4xx_naming_the_field(
    api: Headers, client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/admin/training", json=body, headers=api["admin"])
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    assert client.get("/v1/admin/training", headers=api["admin"]).json() == []


def test_unknown_ids_and_other_scopes(api: Headers, client: TestClient) -> None:
    assert client.get("/v1/admin/training/99", headers=api["admin"]).status_code == 404
    missing = client.post("/v1/admin/models/99/activate", headers=api["admin"])
    assert missing.status_code == 404 and "model version '99'" in missing.text
    assert client.get("/v1/admin/training/x", headers=api["admin"]).status_code == 422
    for path in ("/v1/admin/training", "/v1/admin/models"):
        assert client.get(path, headers=api["serve"]).status_code == 403
        assert client.get(path).status_code == 401
    assert client.post("/v1/admin/training", json={}, headers=api["ingest"]).status_code == 403


def test_a_job_left_running_by_a_dead_process_is_failed_on_start_up(
    api: Headers, engine: Engine, client_for: Client, tmp_path: Path
) -> None:
    _views(engine)

    class Dies:
        def train(self, *args: Any, **kwargs: Any) -> Any:
            raise SystemExit("killed")

    before_restart = f"{socket.gethostname()}:{os.getpid()}:00000000"
    job = engine.jobs.submit("popular", tune=False)
    dead = Jobs(engine.db, Dies(), now=engine.jobs._now, worker=before_restart)  # type: ignore[arg-type]
    with pytest.raises(SystemExit):
        dead.run_next()
    client = client_for(models_dir=tmp_path)  # the restarted server
    found = client.get(f"/v1/admin/training/{job.id}", headers=api["admin"]).json()
    assert found["status"] == "failed"
    assert "is gone (restarted or killed); submit the job again" in found["error"]


def test_scheduled_retraining_queues_one_job_per_interval_across_workers(
    api: Headers, engine: Engine, tmp_path: Path
) -> None:
    _views(engine)
    before = set(threading.enumerate())
    settings = {"models_dir": tmp_path, "retrain_models": ("popular",), "retrain_tune": False}

    def worker(hours: float) -> TestClient:
        custom = Engine(engine.db, engine.settings.model_copy(
            update={**settings, "retrain_every_hours": hours}))  # fmt: skip
        return TestClient(create_app(custom))

    # Three workers start together with a one-hour schedule: one job between them.
    apps = [worker(1.0) for _ in range(3)]
    starting = [threading.Thread(target=app.__enter__) for app in apps]
    for thread in starting:
        thread.start()
    for thread in starting:
        thread.join(30)
    try:
        [job] = _until(lambda: apps[0].get("/v1/admin/training", headers=api["admin"]).json())
        assert job["origin"] == "schedule" and job["model"] == "popular"
        assert _wait(apps[1], api, job["id"])["status"] == "succeeded"
        time.sleep(0.2)  # a few more checks of every scheduler: nothing is due
        assert len(apps[2].get("/v1/admin/training", headers=api["admin"]).json()) == 1
    finally:
        for app in apps:
            app.__exit__(None, None, None)
    # A one-second schedule: the next job comes about a second after the last one.
    with worker(1 / 3600) as fast:
        jobs = _until(
            lambda: [
                j
                for j in fast.get("/v1/admin/training", headers=api["admin"]).json()
                if j["status"] == "succeeded"
            ][1:]
        )
        assert all(j["origin"] == "schedule" for j in jobs)
    alive = {thread.name for thread in set(threading.enumerate()) - before}
    assert not {"tailored-jobs", "tailored-retrain"} & alive  # stopped with the servers


def test_unknown_retrain_models_stop_the_server_at_start_up(engine: Engine) -> None:
    custom = Engine(engine.db, engine.settings.model_copy(
        update={"retrain_every_hours": 1.0, "retrain_models": ("deep",)}))  # fmt: skip
    refused = pytest.raises(ConfigurationError, match="retrain_models: unknown model 'deep'")
    with refused, TestClient(create_app(custom)):
        pass


def _submit(client: TestClient, api: Headers, body: dict[str, Any]) -> int:
    response = client.post("/v1/admin/training", json=body, headers=api["admin"])
    assert response.status_code == 202, response.text
    job_id: int = response.json()["id"]
    return job_id
