"""Values as the console shows them to a person: a preference, a trait or an event's
context in words, not as JSON.

>>> readable(["M", "S", "XL"]), readable({"min": 20.0, "max": 120.0}), readable(True)
('S, M, XL', '20 to 120', 'yes')
>>> readable({"min": None, "max": 120}), readable({"min": 5, "max": None}), readable(None)
('up to 120', '5 or more', '—')
>>> readable({"device": "mobile", "placement": "home"})
'device: mobile · placement: home'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tailored.domain.natural import natural_order

NOTHING = "—"


def readable(value: Any) -> str:
    """`value` (JSON-like) in words: lists in their natural order, ranges as bounds,
    yes/no, whole numbers without a decimal point, objects as `name: value` pairs."""
    match value:
        case None:
            return NOTHING
        case bool():
            return "yes" if value else "no"
        case int() | float():
            return _number(value)
        case str():
            return value
        case list() | tuple():
            words = [readable(v) for v in value]
            return ", ".join(natural_order(words)) if words else NOTHING
        case Mapping() if value and set(value) <= {"min", "max"}:
            return _range(value.get("min"), value.get("max"))
        case Mapping():
            return " · ".join(f"{name}: {readable(v)}" for name, v in value.items()) or NOTHING
    return str(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _range(low: Any, high: Any) -> str:
    if low is None and high is None:
        return "any"
    if low is None:
        return f"up to {readable(high)}"
    if high is None:
        return f"{readable(low)} or more"
    return f"{readable(low)} to {readable(high)}"


__all__ = ["readable"]
