"""Fixtures for the API tests: apps over the test database with other settings or a clock.

The `api` fixture (tests/conftest.py) serves the shared test engine; `client_for` builds a
second app on the same database, so the `api` keys work with it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tailored import Engine
from tailored.server import create_app


class Clock:
    """A server clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC))


@pytest.fixture
def client_for(engine: Engine) -> Iterator[Callable[..., TestClient]]:
    """`client_for(clock=..., max_batch_items=5)`: a client of an app whose engine shares the
    test database but runs with other settings or a fixed clock."""
    with ExitStack() as stack:

        def make(*, clock: Callable[[], datetime] | None = None, **settings: Any) -> TestClient:
            custom = Engine(
                engine.db,
                engine.settings.model_copy(update=settings),
                **({"clock": clock} if clock is not None else {}),
            )
            return stack.enter_context(TestClient(create_app(custom)))

        yield make
