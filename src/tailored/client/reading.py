"""Reading the JSON of answers into Python values: moments, money, pages, batch results.
A missing or mistyped field raises (KeyError, TypeError, ValueError), which the sender
reports as an answer it cannot read.

>>> moment("2026-03-01T12:00:00.250000Z")
datetime.datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=datetime.timezone.utc)
>>> money(3.9), money(12)
(Decimal('3.9'), Decimal('12'))
>>> page({"items": [1, 2], "next_cursor": "c2"}, "items", str)
Page(items=('1', '2'), next_cursor='c2')
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from tailored.domain.results import BatchResult, Page, Rejection

T = TypeVar("T")


def moment(value: Any) -> datetime:
    """An ISO-8601 moment as the server writes it (UTC, ``Z``)."""
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO-8601 moment, got {value!r}")
    return datetime.fromisoformat(value)


def maybe_moment(value: Any) -> datetime | None:
    return None if value is None else moment(value)


def money(value: Any) -> Decimal:
    """An amount as a Decimal, digit for digit as the JSON number was written."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected an amount, got {value!r}")
    return Decimal(repr(value))


def texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise TypeError(f"expected a list of texts, got {values!r}")
    return tuple(str(value) for value in values)


def rows(values: Any, read: Callable[[Any], T]) -> tuple[T, ...]:
    if not isinstance(values, list):
        raise TypeError(f"expected a list, got {type(values).__name__}")
    return tuple(read(value) for value in values)


def page(data: Any, key: str, read: Callable[[Any], T]) -> Page[T]:
    """A page of `key` rows and the cursor of the next page."""
    return Page(rows(data[key], read), data["next_cursor"])


def batch_result(data: Any) -> BatchResult:
    return BatchResult(
        accepted=data["accepted"],
        duplicates=data["duplicates"],
        rejected=tuple(Rejection(r["index"], r["field"], r["reason"]) for r in data["rejected"]),
    )


__all__ = ["batch_result", "maybe_moment", "moment", "money", "page", "rows", "texts"]
