"""Query-string conventions shared by the endpoints that filter items."""

from __future__ import annotations

from tailored.errors import InvalidInput


def attribute_filters(pairs: list[str]) -> dict[str, list[str]]:
    """`attr=name:value` parameters as {name: [values]} (a repeated name: any value).

    >>> attribute_filters(["brand:Acme", "brand:Zeta", "size:42"])
    {'brand': ['Acme', 'Zeta'], 'size': ['42']}
    """
    filters: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition(":")
        if not sep or not name or not value:
            raise InvalidInput("query.attr", f"{pair!r} must look like name:value, e.g. brand:Acme")
        filters.setdefault(name, []).append(value)
    return filters


__all__ = ["attribute_filters"]
