"""What JSON a caller may store: values every backend keeps exactly as they were sent.

Free-form JSON (traits, item attributes, event context, model parameters, preference
values) and every text field are checked once, at the boundary, by these rules:

- integers fit in 64 bits (PostgreSQL's JSONB and BIGINT, SQLite's INTEGER; a larger one
  would come back rounded, or not be stored at all);
- numbers are finite (JSON has no NaN or Infinity; storing them turned them into null);
- text holds no NUL character (PostgreSQL cannot store one) and no lone surrogate
  ("\\ud800" is valid JSON syntax but not Unicode text);
- nesting is at most `MAX_DEPTH` levels (deeper documents are never real data, and
  deep recursion is a way to crash a parser or serializer).

A problem names its place as a dotted path under the field given, e.g.
``traits.address.zip``, ``context.items.3``.

>>> check_json("traits", {"name": "Ann", "tags": ["a", 1, 2.5, True, None]})
>>> check_json("traits", {"visits": 2**64})
Traceback (most recent call last):
tailored.errors.InvalidInput: traits.visits: integer out of range: must fit in 64 bits
>>> check_json("context", {"geo": {"lat": float("nan")}})
Traceback (most recent call last):
tailored.errors.InvalidInput: context.geo.lat: must be a finite number (not NaN or Infinity)
>>> json_problem([[[]]], max_depth=2)
('0.0', 'nested deeper than 2 levels')
"""

from __future__ import annotations

import math
from typing import Any

from tailored.errors import InvalidInput

MAX_DEPTH = 32
MIN_INT, MAX_INT = -(2**63), 2**63 - 1


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text (None: it can).

    >>> text_problem("ok"), text_problem("a\\x00b")
    (None, 'must not contain NUL characters')
    """
    if "\x00" in value:
        return "must not contain NUL characters"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "must be valid Unicode text (it holds a lone surrogate such as \\ud800)"
    return None


def json_problem(value: Any, *, max_depth: int = MAX_DEPTH) -> tuple[str, str] | None:
    """The first problem of a JSON value as (dotted path inside it, reason), or None."""
    found = _problem(value, 0, max_depth)
    if found is None:
        return None
    path, reason = found
    return ".".join(reversed(path)), reason


# Runs on every event's context at ingest: exact type tests first, and the path of a
# problem is built only once one is found (on the way back up).
def _problem(value: Any, depth: int, max_depth: int) -> tuple[list[str], str] | None:
    kind = type(value)
    if kind is str:
        if value.isascii() and "\x00" not in value:  # the common case, without a call
            return None
        problem = text_problem(value)
        return None if problem is None else ([], problem)
    if value is None or kind is bool:
        return None
    if kind is int:
        if MIN_INT <= value <= MAX_INT:
            return None
        return [], "integer out of range: must fit in 64 bits"
    if kind is float:
        return (
            None if math.isfinite(value) else ([], "must be a finite number (not NaN or Infinity)")
        )
    if kind is dict or kind is list:
        if depth >= max_depth:
            return [], f"nested deeper than {max_depth} levels"
        pairs = value.items() if kind is dict else enumerate(value)
        for key, inner in pairs:
            if type(key) is str and not (key.isascii() and "\x00" not in key):
                problem = text_problem(key)
                if problem is not None:
                    return [key], f"key {problem}"
            found = _problem(inner, depth + 1, max_depth)
            if found is not None:
                found[0].append(str(key))
                return found
        return None
    bases: tuple[Any, ...] = (bool, int, float, str, dict, list)
    for base in bases:  # a subclass (an IntEnum): as its base
        if isinstance(value, base):
            return _problem(base(value), depth, max_depth)
    return [], f"must be a JSON value, not {kind.__name__}"


def check_json(field: str, value: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise `InvalidInput` naming the place of the first problem of `value`."""
    found = json_problem(value, max_depth=max_depth)
    if found is not None:
        path, reason = found
        raise InvalidInput(f"{field}.{path}" if path and field else path or field, reason)


def storable_text(field: str, value: str) -> str:
    """`value` if it can be stored as text, else `InvalidInput` naming `field`."""
    problem = text_problem(value)
    if problem is not None:
        raise InvalidInput(field, problem)
    return value


__all__ = ["MAX_DEPTH", "check_json", "json_problem", "storable_text", "text_problem"]
