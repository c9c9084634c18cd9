"""Small shared type aliases, importable from anywhere."""

from __future__ import annotations

from typing import Literal, TypeAlias

JSONScalar: TypeAlias = str | int | float | bool | None
JSONValue: TypeAlias = JSONScalar | list["JSONValue"] | dict[str, "JSONValue"]
JSONObject: TypeAlias = dict[str, JSONValue]

Scope = Literal["admin", "ingest", "serve"]
SCOPES: tuple[Scope, ...] = ("admin", "ingest", "serve")

__all__ = ["SCOPES", "JSONObject", "JSONScalar", "JSONValue", "Scope"]
