"""/healthz and /readyz: probes that need no key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

import tailored
from tailored import Engine
from tailored.server import create_app


def test_healthz_answers_without_a_key(api: Any) -> None:
    response = api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": tailored.__version__}


def test_readyz_reports_the_backend(api: Any, backend: str) -> None:
    response = api.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": backend}


def test_readyz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    unmigrated = Engine.open(f"sqlite:///{tmp_path / 'empty.db'}", migrate=False)
    try:
        with TestClient(create_app(unmigrated)) as client:
            ready = client.get("/readyz")
            alive = client.get("/healthz")
    finally:
        unmigrated.close()

    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["database"]
    assert alive.status_code == 200
