"""Fixtures for the client tests: `Client` and `AsyncClient` in front of the real app,
served in-process over the test engine of each backend (tests/conftest.py).

The sync client sends through Starlette's `TestClient` (an `httpx.Client`), the async one
through `httpx.ASGITransport`: every request goes through the app's middleware, routes,
schemas and error mapping, exactly as over a socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient

from tailored import Engine
from tailored.client import AsyncClient, Client
from tailored.server import create_app
from tailored.types import Scope

BASE_URL = "http://testserver"
T = TypeVar("T")


@pytest.fixture
def keys(engine: Engine) -> dict[Scope, str]:
    """One API key secret per scope."""
    return {
        scope: engine.keys.create(f"client-{scope}", scopes=[scope]).secret
        for scope in ("admin", "ingest", "serve")
    }


@pytest.fixture
def app_http(engine: Engine) -> Iterator[TestClient]:
    """The app over the test engine, started (its job runner included)."""
    with TestClient(create_app(engine)) as http:
        yield http


@pytest.fixture
def client_as(app_http: TestClient, keys: dict[Scope, str]) -> Callable[[Scope], Client]:
    """`client_as("serve")`: a client holding that scope's key."""

    def make(scope: Scope) -> Client:
        return Client(BASE_URL, api_key=keys[scope], http=app_http)

    return make


@pytest.fixture
def client(client_as: Callable[[Scope], Client]) -> Client:
    """A client with an admin key."""
    return client_as("admin")


@pytest.fixture
def client_for(engine: Engine) -> Iterator[Callable[..., Client]]:
    """`client_for(max_batch_items=2)`: an admin client of an app whose engine shares the
    test database but runs with other settings."""
    with ExitStack() as stack:

        def make(**settings: Any) -> Client:
            custom = Engine(engine.db, engine.settings.model_copy(update=settings))
            http = stack.enter_context(TestClient(create_app(custom)))
            key = engine.keys.create("custom", scopes=["admin"]).secret
            return Client(BASE_URL, api_key=key, http=http)

        yield make


RunAsync = Callable[[Callable[[], Coroutine[Any, Any, Any]]], Any]
WithAsyncClient = Callable[[Callable[[AsyncClient], Awaitable[Any]]], Any]


def _run_async(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`work()` run to completion on an event loop of its own, in a thread of its own:
    the test session may hold a loop running in this thread (the browser tests'
    session-wide Playwright does), where `asyncio.run` refuses to start."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(work())).result()


@pytest.fixture
def run_async() -> RunAsync:
    return _run_async


@pytest.fixture
def with_async_client(engine: Engine, keys: dict[Scope, str]) -> WithAsyncClient:
    """`with_async_client(scenario)`: await `scenario(client)` with an admin `AsyncClient`
    over `httpx.ASGITransport` (the app is not started: no job runner, which these tests
    do not need) and answer its result."""

    def run(scenario: Callable[[AsyncClient], Awaitable[T]]) -> T:
        async def main() -> T:
            transport = httpx.ASGITransport(app=create_app(engine))
            async with httpx.AsyncClient(transport=transport) as http:
                return await scenario(AsyncClient(BASE_URL, api_key=keys["admin"], http=http))

        return _run_async(main)

    return run
