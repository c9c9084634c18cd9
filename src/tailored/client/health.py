"""The probes: is the process up, does its database answer (no API key needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation

LIVE = Route("GET", "/healthz", idempotent=True)
READY = Route("GET", "/readyz", idempotent=True)


@dataclass(frozen=True, slots=True)
class Liveness:
    """The server process answers; `version` is the server's version of tailored.

    >>> Liveness("ok", "0.1.0").status
    'ok'
    """

    status: str
    version: str


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether the database answers: `database` names the backend when it does, and
    what went wrong when it does not.

    >>> Readiness("unavailable", "connection refused").ready
    False
    """

    status: str
    database: str

    @property
    def ready(self) -> bool:
        return self.status == "ok"


def _liveness(data: Any) -> Liveness:
    return Liveness(data["status"], data["version"])


def _readiness(data: Any) -> Readiness:
    return Readiness(data["status"], data["database"])


class Health(Resource[Mode]):
    """Liveness and readiness probes, for load balancers and start-up scripts.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> client = Client("http://testserver", api_key=None, http=TestClient(create_app(engine)))
    >>> client.health.live().status
    'ok'
    >>> client.health.ready()
    Readiness(status='ok', database='sqlite')
    >>> engine.close()
    """

    @operation(LIVE)
    def live(self) -> Call[Liveness]:
        """The process is up (the server does not touch the database for this)."""
        return LIVE.call(_liveness)

    @operation(READY)
    def ready(self) -> Call[Readiness]:
        """Whether the database answers: a `Readiness`, ready or not (never an error:
        the server's 503 here is the answer, and is not retried)."""
        return READY.call(_readiness, answers=frozenset({503}))


__all__ = ["Health", "Liveness", "Readiness"]
