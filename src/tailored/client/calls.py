"""A call of the REST API as a plain value: the route, the path, query and body, and how
the answer is read. Resources build calls, senders send them (blocking or async), so the
two clients share every definition and cannot drift apart.

>>> ITEM = Route("GET", "/v1/items/{item_id}", idempotent=True)
>>> call = ITEM.call(dict, path={"item_id": "sku 1"}, query=[("expand", None)])
>>> call.path, call.query, call.describe()
('/v1/items/sku%201', (), 'GET /v1/items/sku%201')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from tailored.client import wire

T = TypeVar("T")
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
NO_BODY: Any = object()  # a call without a body (None would be the JSON `null`)


@dataclass(frozen=True, slots=True)
class Route:
    """One operation of the REST API: its method and path template, and whether sending
    it twice does what sending it once does (`idempotent`): only then may a sender
    repeat it after a 503 or a failed connection.

    >>> Route("POST", "/v1/users/{user_id}/lists", idempotent=False).template
    'POST /v1/users/{user_id}/lists'
    """

    method: Method
    path: str
    idempotent: bool

    @property
    def template(self) -> str:
        return f"{self.method} {self.path}"

    def call(
        self,
        read: Callable[[Any], T],
        *,
        path: Mapping[str, object] | None = None,
        query: wire.Query = (),
        body: Any = NO_BODY,
        answers: frozenset[int] = frozenset(),
        raw: bool = False,
    ) -> Call[T]:
        """This route called with `path` parameters, `query` and a JSON `body`; `read`
        turns the answer's JSON (None when there is none; with `raw`, the answer's bytes
        as they came, e.g. a zip) into the result."""
        segments = {name: wire.segment(name, value) for name, value in (path or {}).items()}
        return Call(
            route=self,
            path=self.path.format(**segments),
            read=read,
            query=wire.query(query),
            body=None if body is NO_BODY else wire.body(body),
            answers=answers,
            raw=raw,
        )


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """A request ready to send. `answers` names statuses besides 2xx whose body is a
    result rather than an error (a readiness probe's 503).

    >>> call = Route("PUT", "/v1/users/{user_id}", idempotent=True).call(
    ...     dict, path={"user_id": "u42"}, body={"traits": {"city": "Oslo"}})
    >>> call.describe(), call.body
    ('PUT /v1/users/u42', b'{"traits":{"city":"Oslo"}}')
    """

    route: Route
    path: str
    read: Callable[[Any], T]
    query: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    answers: frozenset[int] = frozenset()
    raw: bool = False  # `read` gets the answer's bytes, not its JSON

    def describe(self) -> str:
        """The call in words, for error messages: ``GET /v1/items/sku-1``."""
        return f"{self.route.method} {self.path}"


def nothing(_data: Any) -> None:
    """The result of a call that answers 204 No Content."""
    return None


__all__ = ["NO_BODY", "Call", "Method", "Route", "nothing"]
