"""Sending calls over httpx: one blocking sender and one async sender around the same
pure steps (the request of a call, what an answer means, whether to try again), so the
two differ only in how they wait.

>>> import httpx
>>> from tailored.client.calls import Route
>>> def server(request):
...     return httpx.Response(200, json={"status": "ok", "version": "0.1.0"})
>>> connection = Connection.of("http://shop.test/api/", api_key=None)
>>> send = SyncSender(connection, httpx.Client(transport=httpx.MockTransport(server)))
>>> send(Route("GET", "/healthz", idempotent=True).call(lambda data: data["status"]))
'ok'
>>> connection.url("/healthz")
'http://shop.test/api/healthz'
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from importlib import metadata
from typing import Any, TypeVar

import httpx

from tailored.client.calls import Call
from tailored.client.failures import error_from, unexpected
from tailored.client.retrying import RetryPolicy, retriable_failure
from tailored.errors import InvalidInput, TailoredError, Unavailable

T = TypeVar("T")
DEFAULT_TIMEOUT = 10.0  # seconds; training is queued, so no call of the API waits long


def _version() -> str:
    try:
        return metadata.version("tailored")
    except metadata.PackageNotFoundError:  # run from a checkout without installing
        return "unknown"


@dataclass(frozen=True, slots=True)
class Connection:
    """Where the server is and how to talk to it: the base URL, the headers of every
    request (the API key among them), the timeout and the retry policy.

    >>> connection = Connection.of("https://shop.test/tailored/", api_key="tk_x", retries=1)
    >>> connection.url("/v1/items"), connection.policy.retries
    ('https://shop.test/tailored/v1/items', 1)
    """

    base_url: str
    headers: tuple[tuple[str, str], ...]
    timeout: float | httpx.Timeout
    policy: RetryPolicy

    @classmethod
    def of(
        cls,
        base_url: str,
        *,
        api_key: str | None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 2,
    ) -> Connection:
        """A connection, its settings checked (`InvalidInput` names a bad one)."""
        try:
            url = httpx.URL(base_url)
        except (httpx.InvalidURL, TypeError):
            url = None
        if url is None or url.scheme not in ("http", "https") or not url.host:
            raise InvalidInput(
                "base_url",
                f"must be an http:// or https:// URL, e.g. http://127.0.0.1:8000, not {base_url!r}",
            )
        headers = [("Accept", "application/json"), ("User-Agent", f"tailored-client/{_version()}")]
        if api_key is not None:
            if not isinstance(api_key, str) or not api_key or not api_key.isprintable():
                raise InvalidInput("api_key", "must be the key's secret, e.g. tk_xxxxxxxx_...")
            headers.append(("Authorization", f"Bearer {api_key.strip()}"))
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise InvalidInput("retries", f"must be a whole number, 0 or more, not {retries!r}")
        if not isinstance(timeout, httpx.Timeout) and not (
            isinstance(timeout, int | float) and timeout > 0
        ):
            raise InvalidInput("timeout", f"must be a positive number of seconds, not {timeout!r}")
        return cls(str(url).rstrip("/"), tuple(headers), timeout, RetryPolicy(retries=retries))

    def url(self, path: str) -> str:
        return self.base_url + path

    def request(self, call: Call[Any]) -> dict[str, Any]:
        """The keyword arguments of `httpx.Client.request` for `call`."""
        headers = dict(self.headers)
        if call.body is not None:
            headers["Content-Type"] = "application/json"
        return {
            "method": call.route.method,
            "url": self.url(call.path),
            "params": call.query,
            "content": call.body,
            "headers": headers,
        }

    def unreachable(self, call: Call[Any], error: httpx.TransportError) -> Unavailable:
        """A transport failure in words that name the server and the call."""
        where = f"{call.describe()} at {self.base_url}"
        if isinstance(error, httpx.TimeoutException):
            return Unavailable(f"no answer to {where} in time ({type(error).__name__})")
        reason = str(error) or type(error).__name__
        return Unavailable(f"cannot reach tailored for {where}: {reason}")

    def retry_wait(
        self, call: Call[Any], attempt: int, response: httpx.Response | None
    ) -> float | None:
        """Seconds to wait before sending `call` again, or None to stop here. `response`
        is the answer of attempt `attempt` (None: the connection failed)."""
        if not self.policy.allows(attempt=attempt, idempotent=call.route.idempotent):
            return None
        if response is None:
            return self.policy.wait(attempt=attempt, retry_after=None)
        if response.status_code != 503 or 503 in call.answers:
            return None
        return self.policy.wait(attempt=attempt, retry_after=response.headers.get("Retry-After"))


def pause(seconds: float) -> None:
    """Wait before sending again (one name, so that tests record waits instead)."""
    time.sleep(seconds)


async def apause(seconds: float) -> None:
    await asyncio.sleep(seconds)


def answer(call: Call[T], response: httpx.Response) -> T:
    """The result of `call` from its answer, or the error the answer stands for."""
    status = response.status_code
    if not (200 <= status < 300 or status in call.answers):
        raise error_from(
            status,
            response.content,
            call.describe(),
            retry_after=response.headers.get("Retry-After"),
        )
    try:
        if call.raw:
            return call.read(response.content)
        data = json.loads(response.content) if response.content else None
        return call.read(data)
    except TailoredError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise unexpected(call.describe(), f"{type(error).__name__}: {error}") from error


class SyncSender:
    """Sends calls with a blocking `httpx.Client`: its own (with the connection's
    timeout), or `http` as given, whose settings stay as they are and which its owner
    closes.

    >>> send = SyncSender(Connection.of("http://shop.test", api_key=None))
    >>> send.close()
    """

    def __init__(self, connection: Connection, http: httpx.Client | None = None) -> None:
        self.connection = connection
        self._owned = http is None
        self._http = http if http is not None else httpx.Client(timeout=connection.timeout)

    def __call__(self, call: Call[T]) -> T:
        attempt = 0
        while True:
            try:
                response = self._http.request(**self.connection.request(call))
            except httpx.TransportError as error:
                wait = self.connection.retry_wait(call, attempt, None)
                if wait is None or not retriable_failure(error):
                    raise self.connection.unreachable(call, error) from error
            else:
                wait = self.connection.retry_wait(call, attempt, response)
                if wait is None:
                    return answer(call, response)
            pause(wait)
            attempt += 1

    def close(self) -> None:
        if self._owned:
            self._http.close()


class AsyncSender:
    """Sends calls with an `httpx.AsyncClient` (its own, or `http` as given).

    >>> sender = AsyncSender(Connection.of("http://shop.test", api_key=None))
    >>> sender.connection.base_url
    'http://shop.test'
    """

    def __init__(self, connection: Connection, http: httpx.AsyncClient | None = None) -> None:
        self.connection = connection
        self._owned = http is None
        self._http = http if http is not None else httpx.AsyncClient(timeout=connection.timeout)

    async def __call__(self, call: Call[T]) -> T:
        attempt = 0
        while True:
            try:
                response = await self._http.request(**self.connection.request(call))
            except httpx.TransportError as error:
                wait = self.connection.retry_wait(call, attempt, None)
                if wait is None or not retriable_failure(error):
                    raise self.connection.unreachable(call, error) from error
            else:
                wait = self.connection.retry_wait(call, attempt, response)
                if wait is None:
                    return answer(call, response)
            await apause(wait)
            attempt += 1

    async def close(self) -> None:
        if self._owned:
            await self._http.aclose()


__all__ = ["DEFAULT_TIMEOUT", "AsyncSender", "Connection", "SyncSender", "answer"]
