"""`Client` and `AsyncClient`: the REST API of a tailored server, grouped by resource
as the `Engine` facade groups its services, so code moves between the two."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Generic

import httpx

from tailored.client.audit import Audit
from tailored.client.catalog import Items
from tailored.client.configurators import Configurators
from tailored.client.events import Events, EventTypes
from tailored.client.health import Health
from tailored.client.keys import Keys
from tailored.client.lists import Lists
from tailored.client.operations import Async, Mode, Send, Sync
from tailored.client.orders import Orders
from tailored.client.placements import Placements
from tailored.client.preferences import Preferences
from tailored.client.privacy import Privacy
from tailored.client.profiles import Consents, Users
from tailored.client.reactions import Reactions
from tailored.client.recommendations import Recommendations
from tailored.client.senders import DEFAULT_TIMEOUT, AsyncSender, Connection, SyncSender
from tailored.client.subscriptions import Subscriptions
from tailored.client.training import Jobs, Training


class _Resources(Generic[Mode]):
    """Every resource, in one place for both clients (so they cannot drift apart)."""

    def __init__(self, send: Send) -> None:
        self.health: Health[Mode] = Health(send)
        self.items: Items[Mode] = Items(send)
        self.users: Users[Mode] = Users(send)
        self.consents: Consents[Mode] = Consents(send)
        self.events: Events[Mode] = Events(send)
        self.event_types: EventTypes[Mode] = EventTypes(send)
        self.recommendations: Recommendations[Mode] = Recommendations(send)
        self.preferences: Preferences[Mode] = Preferences(send)
        self.lists: Lists[Mode] = Lists(send)
        self.orders: Orders[Mode] = Orders(send)
        self.subscriptions: Subscriptions[Mode] = Subscriptions(send)
        self.jobs: Jobs[Mode] = Jobs(send)
        self.training: Training[Mode] = Training(send)
        self.configurators: Configurators[Mode] = Configurators(send)
        self.placements: Placements[Mode] = Placements(send)
        self.reactions: Reactions[Mode] = Reactions(send)
        self.keys: Keys[Mode] = Keys(send)
        self.privacy: Privacy[Mode] = Privacy(send)
        self.audit: Audit[Mode] = Audit(send)


RESOURCES: tuple[type[Any], ...] = (
    Health,
    Items,
    Users,
    Consents,
    Events,
    EventTypes,
    Recommendations,
    Preferences,
    Lists,
    Orders,
    Subscriptions,
    Jobs,
    Training,
    Configurators,
    Placements,
    Reactions,
    Keys,
    Privacy,
    Audit,
)
"""The resource classes of both clients (what the route coverage test reads)."""


class Client(_Resources[Sync]):
    """The REST API of a tailored server, over a blocking `httpx.Client`.

    `api_key` is sent as ``Authorization: Bearer <key>`` (None: the health probes
    only). `timeout` is in seconds per request. `retries` is how often a call that is
    safe to repeat is sent again after a 503 (honouring ``Retry-After``, at most 10 s) or
    a failed connection: reads, replacing writes, deletes, events (the client gives each
    an `event_id`) and reorders (it gives each an order id); creating lists, orders,
    designs and training jobs is never repeated. `http` is an `httpx.Client` of your own
    (proxies, TLS, a test app's `TestClient`): the client sends through it, keeps its
    settings (its timeout instead of `timeout`) and leaves closing it to you.

    Errors are the engine's: `InvalidInput` (with `.field`), `NotFound`, `Conflict`,
    `AuthenticationError`, `PermissionDenied`, `PayloadTooLarge`, `UnsupportedMediaType`,
    and `Unavailable` for a busy server or one that cannot be reached.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine, InvalidInput
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")          # a store in memory, served in-process:
    >>> key = engine.keys.create("shop", scopes=["admin"]).secret
    >>> http = TestClient(create_app(engine))       # in production: leave `http` out
    >>> client = Client("http://testserver", api_key=key, http=http)
    >>> client.items.upsert({"id": "beans", "title": "Beans", "attributes": {"price": 12.5}})
    ... # doctest: +ELLIPSIS
    Item(id='beans', title='Beans', description='', categories=(), attributes={'price': 12.5}, \
available=True, created_at=datetime.datetime(...), updated_at=datetime.datetime(...))
    >>> order = client.orders.create("u42", "my usual", [("beans", 2)])
    >>> order.total, client.orders.reorder("u42", order.id, placed_id="o-1").recorded
    (25.0, 1)
    >>> try:
    ...     client.events.record({"user_id": "u42", "type": "teleport"})
    ... except InvalidInput as error:
    ...     print(error.field, "-", error.problem[:29])
    type - unknown event type 'teleport'
    >>> engine.close()
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 2,
        http: httpx.Client | None = None,
    ) -> None:
        connection = Connection.of(base_url, api_key=api_key, timeout=timeout, retries=retries)
        self._sender = SyncSender(connection, http)
        super().__init__(self._sender)

    @property
    def base_url(self) -> str:
        return self._sender.connection.base_url

    def close(self) -> None:
        """Close the connections this client opened (not an `http` client passed in)."""
        self._sender.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client({self.base_url!r})"


class AsyncClient(_Resources[Async]):
    """`Client` for asyncio: the same resources and operations, each awaited; `http` is
    an `httpx.AsyncClient` of your own (e.g. over `httpx.ASGITransport` in tests).

    >>> import asyncio, httpx
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> from tailored import Engine
    >>> from tailored.server import create_app
    >>> async def main(engine):
    ...     key = engine.keys.create("shop", scopes=["admin"]).secret
    ...     transport = httpx.ASGITransport(app=create_app(engine))
    ...     async with httpx.AsyncClient(transport=transport) as http:
    ...         client = AsyncClient("http://testserver", api_key=key, http=http)
    ...         item = await client.items.upsert({"id": "beans", "title": "Beans"})
    ...         return (await client.items.get(item.id)).title
    >>> with Engine.open("sqlite://") as engine, ThreadPoolExecutor(1) as thread:
    ...     # asyncio.run in a thread of its own: a loop may run in this one already
    ...     thread.submit(asyncio.run, main(engine)).result()
    'Beans'
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 2,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        connection = Connection.of(base_url, api_key=api_key, timeout=timeout, retries=retries)
        self._sender = AsyncSender(connection, http)
        super().__init__(self._sender)

    @property
    def base_url(self) -> str:
        return self._sender.connection.base_url

    async def aclose(self) -> None:
        """Close the connections this client opened (not an `http` client passed in)."""
        await self._sender.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncClient({self.base_url!r})"


__all__ = ["RESOURCES", "AsyncClient", "Client"]
