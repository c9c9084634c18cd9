"""Following cursors: every row of a listing, page after page, for any operation that
answers a `Page` (items, users, events, designs, notifications, the outbox).

    for item in iterate(client.items.list, categories=["shoes"], limit=200):
        ...
    async for event in aiterate(async_client.events.query, user_id="u42"):
        ...

The arguments are the operation's own, checked by mypy; `cursor` (where to start) may be
given too. Each page is fetched when the one before is used up.

>>> from tailored.domain.results import Page
>>> def numbers(*, cursor: str | None = None, limit: int = 2) -> Page[int]:
...     start = int(cursor or 0)
...     end = min(start + limit, 5)
...     return Page(tuple(range(start, end)), str(end) if end < 5 else None)
>>> list(iterate(numbers, limit=2))
[0, 1, 2, 3, 4]
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, ParamSpec, TypeVar, cast

from tailored.domain.results import Page

P = ParamSpec("P")
T = TypeVar("T")


def iterate(list_page: Callable[P, Page[T]], *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
    """Every row `list_page` lists, following `next_cursor` until the last page."""
    fetch = cast(Callable[..., Page[T]], _paged(list_page))
    cursor = kwargs.pop("cursor", None)
    while True:
        page = fetch(*args, **kwargs, cursor=cursor)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


async def aiterate(
    list_page: Callable[P, Awaitable[Page[T]]], *args: P.args, **kwargs: P.kwargs
) -> AsyncIterator[T]:
    """`iterate` for the operations of an `AsyncClient`."""
    fetch = cast(Callable[..., Awaitable[Page[T]]], _paged(list_page))
    cursor = kwargs.pop("cursor", None)
    while True:
        page = await fetch(*args, **kwargs, cursor=cursor)
        for row in page.items:
            yield row
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _paged(list_page: Callable[..., Any]) -> Callable[..., Any]:
    """`list_page`, once it is known to take a cursor (an operation that answers a page,
    or any function with a `cursor` keyword)."""
    declared = getattr(list_page, "operation", None)
    if declared is not None and not declared.paged:
        raise TypeError(f"{declared.__name__} does not answer pages: call it directly")
    return list_page


__all__ = ["aiterate", "iterate"]
