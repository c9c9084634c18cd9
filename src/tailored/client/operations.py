"""Operations defined once, sent blocking or async.

A resource (`Items`, `Orders`, ...) defines each operation as a method that builds a
`Call` and declares the routes it may use. Reached through a resource of the blocking
client (`Items[Sync]`), the method sends the call and returns the result; through one of
the async client (`Items[Async]`), it returns an awaitable of the same result. The types
follow: mypy sees `client.items.get` as ``(item_id: str) -> Item`` and
`async_client.items.get` as ``(item_id: str) -> Awaitable[Item]``.

>>> from tailored.client.calls import Route
>>> LENGTH = Route("GET", "/length/{text}", idempotent=True)
>>> class Texts(Resource[Mode]):
...     @operation(LENGTH)
...     def length(self, text: str) -> Call[int]:
...         return LENGTH.call(int, path={"text": text})
>>> texts: Texts[Sync] = Texts(lambda call: call.read("3"))  # a sender that answers "3"
>>> texts.length("abc")
3
>>> [route.template for route in Texts.length.routes]
['GET /length/{text}']
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

from tailored.client.calls import Call, Route

P = ParamSpec("P")
T = TypeVar("T")


class Sync:
    """Marks resources of the blocking `Client`: operations return results.

    >>> from tailored.client.catalog import Items
    >>> Items[Sync].__name__
    'Items'
    """


class Async:
    """Marks resources of the `AsyncClient`: operations return awaitables.

    >>> from tailored.client.catalog import Items
    >>> Items[Async].__name__
    'Items'
    """


Mode = TypeVar("Mode", Sync, Async)
Send = Callable[[Call[Any]], Any]


class Resource(Generic[Mode]):
    """A group of operations on one kind of thing, sending through `send`.

    >>> Resource(print)._send is print
    True
    """

    def __init__(self, send: Send) -> None:
        self._send = send


Build = Callable[Concatenate[Any, P], Call[T]]


class Operation(Generic[P, T]):
    """The descriptor `operation` makes of a call-building method: its `routes`, its
    parameters without the resource (`signature`), and whether it answers pages.

    >>> from tailored.client.catalog import Items
    >>> Items.list.paged, Items.get.paged, str(Items.get.signature)
    (True, False, "(item_id: 'str') -> 'Call[Item]'")
    """

    def __init__(self, build: Build[P, T], routes: tuple[Route, ...]) -> None:
        self.build = build
        self.routes = routes
        signature = inspect.signature(build)
        parameters = list(signature.parameters.values())[1:]  # without the resource
        self.signature = signature.replace(parameters=parameters)
        self.paged = "cursor" in signature.parameters  # answers pages: `iterate` follows them
        self.__doc__ = build.__doc__
        self.__name__ = build.__name__

    @overload
    def __get__(self, resource: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, resource: Resource[Sync], owner: type[Any]) -> Callable[P, T]: ...
    @overload
    def __get__(self, resource: Resource[Async], owner: type[Any]) -> Callable[P, Awaitable[T]]: ...
    def __get__(self, resource: Resource[Any] | None, owner: type[Any]) -> Any:
        if resource is None:
            return self
        build, routes = self.build, self.routes

        @functools.wraps(build)
        def send(*args: Any, **kwargs: Any) -> Any:
            call = build(resource, *args, **kwargs)
            if call.route not in routes:  # keeps the declared routes (and their test) true
                raise RuntimeError(f"{build.__qualname__} sent undeclared {call.route.template}")
            return resource._send(call)

        send.__signature__ = self.signature  # type: ignore[attr-defined]
        send.operation = self  # type: ignore[attr-defined]
        return send


def operation(*routes: Route) -> Callable[[Build[P, T]], Operation[P, T]]:
    """Declare a method of a `Resource` as an operation using `routes` (the method
    builds the call; sending it is the client's business)."""

    def declare(build: Build[P, T]) -> Operation[P, T]:
        return Operation(build, routes)

    return declare


def operations(resource: type[Resource[Any]]) -> dict[str, Operation[Any, Any]]:
    """The operations of a resource class, by name."""
    return {
        name: member
        for name, member in inspect.getmembers(resource)
        if isinstance(member, Operation)
    }


__all__ = ["Async", "Mode", "Operation", "Resource", "Send", "Sync", "operation", "operations"]
