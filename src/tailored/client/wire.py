"""What goes on the wire: request bodies as JSON bytes, query values as text, path
segments quoted. Pure functions; the senders do the I/O.

Bodies are encoded with the standard library, ASCII-escaped: a lone surrogate or a NaN
in a row reaches the server, which rejects that row by field (a batch keeps its other
rows), instead of sinking the whole request in the client. Datetimes travel as ISO-8601,
Decimals as numbers, tuples as arrays.

>>> from datetime import UTC
>>> body({"timestamp": datetime(2026, 1, 5, 9, 30, tzinfo=UTC), "price": Decimal("4.50")})
b'{"timestamp":"2026-01-05T09:30:00+00:00","price":4.5}'
>>> query([("category", ["shoes", "bags"]), ("available", True), ("cursor", None)])
(('category', 'shoes'), ('category', 'bags'), ('available', 'true'))
>>> segment("user_id", "caf\u00e9 42"), segment("list_id", 7)
('caf%C3%A9%2042', '7')
>>> segment("user_id", "..")  # doctest: +ELLIPSIS
Traceback (most recent call last):
tailored.errors.InvalidInput: path.user_id: must be 1-256 characters, not '.' or '..', ...
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeAlias, cast
from urllib.parse import quote

from tailored.domain.identifiers import check_identifier
from tailored.errors import InvalidInput

Scalar: TypeAlias = str | int | float | bool | datetime | date | None
QueryValue: TypeAlias = Scalar | Sequence[Scalar]
Query: TypeAlias = Iterable[tuple[str, QueryValue]]


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON: send dicts, lists, text and numbers")


def body(document: Any) -> bytes:
    """`document` as the JSON bytes of a request body."""
    try:
        text = json.dumps(document, default=_default, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as error:
        raise InvalidInput("body", str(error)) from None
    return text.encode("ascii")


def text(value: Scalar) -> str:
    """One query-string value: booleans as the server spells them, moments in ISO-8601."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def query(pairs: Query) -> tuple[tuple[str, str], ...]:
    """Query parameters as (name, text) pairs: a sequence repeats the name (any of
    several values), None leaves the parameter out (the server's default)."""
    found: list[tuple[str, str]] = []
    for name, value in pairs:
        values = value if isinstance(value, list | tuple) else [cast(Scalar, value)]
        found.extend((name, text(v)) for v in values if v is not None)
    return tuple(found)


def segment(name: str, value: object) -> str:
    """A path parameter, checked and percent-encoded. Ids follow the one id rule the
    server applies (an id such as '..' would otherwise be resolved away by the HTTP
    stack and reach another route); record numbers are whole numbers."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(f"path.{name}", f"must be an id or a number, not {value!r}")
    if isinstance(value, int):
        return str(value)
    return quote(check_identifier(f"path.{name}", value), safe="")


__all__ = ["Query", "QueryValue", "Scalar", "body", "query", "segment", "text"]
