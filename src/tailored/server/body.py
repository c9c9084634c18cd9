"""Request bodies: the size limit every endpoint shares, the JSON content type, and
reading JSON ourselves where rows are validated one by one (batches)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tailored.domain.json_values import MAX_DEPTH
from tailored.engine.inputs import UnreadableRow
from tailored.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from tailored.server.errors import MalformedJSON, error_response


class BodyLimit:
    """ASGI middleware: a body larger than ``limit()`` bytes is answered 413.

    A declared Content-Length over the limit is refused before reading; a chunked body is
    counted as it arrives, so an oversized upload never sits whole in memory.
    """

    def __init__(self, app: ASGIApp, limit: Callable[[], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit()
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > max_bytes:
            problem = f"is {int(declared)} bytes; the limit is {max_bytes}"
            response = error_response(413, "payload_too_large", f"body {problem}", "body")
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise PayloadTooLarge("body", f"is over the limit of {max_bytes} bytes")
            return message

        await self.app(scope, counted, send)


def require_json(request: Request) -> None:
    """Refuse a body sent as anything but JSON (415), including one with no type."""
    if not is_json(request.headers.get("content-type")):
        raise UnsupportedMediaType(
            "headers.content-type",
            "send the body as JSON, with 'Content-Type: application/json'",
        )


def is_json(content_type: str | None) -> bool:
    """Whether a Content-Type header names JSON (application/json or application/*+json).

    >>> is_json("application/json; charset=utf-8"), is_json("text/plain"), is_json(None)
    (True, False, False)
    """
    if not content_type:
        return False
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


# A run of 19 digits may be an integer past 64 bits, which orjson would turn into a
# rounded float without a word (so may one in a string; then the exact parse is merely
# slower).
_LONG_NUMBER = re.compile(rb"\d{19}")


class TooDeep(InvalidInput):
    """A JSON document nested deeper than the parsers go (about a thousand levels)."""


def parse_json(raw: bytes, *, field: str = "body") -> Any:
    """The document, parsed so that rows can be judged one by one: orjson for speed, and
    Python's exact parser where orjson would round a large integer or refuse the whole
    document for one out-of-range number (1e309, NaN): those come back as Python ints
    and floats, for each row's checks to reject by field."""
    if not raw.strip():
        raise MalformedJSON(field, "is empty; send a JSON document")
    if _LONG_NUMBER.search(raw) is None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # the exact parser below says whether, and where, it is malformed
    try:
        return json.loads(raw)
    except RecursionError:
        raise TooDeep(field, f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # JSONDecodeError, or bytes that are not UTF-8
        raise MalformedJSON(field, f"is not valid JSON: {error}") from None


def parse_batch(raw: bytes, *, key: str) -> tuple[list[Any], bool]:
    """The rows of a batch body (see `rows_of`). When the whole document is too deep to
    parse, an array is read row by row, so a row nested a thousand levels deep is one
    rejected row, not a lost batch."""
    try:
        document = parse_json(raw)
    except TooDeep:
        spans = _array_elements(raw)
        if spans is None:
            raise
        return [_row(raw[start:end]) for start, end in spans], False
    return rows_of(document, key=key)


def _row(raw: bytes) -> Any:
    try:
        return parse_json(raw)
    except InvalidInput as error:
        return UnreadableRow(error.problem)


# Strings (with their escapes) and the characters that shape a JSON document.
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{},]')


def _array_elements(raw: bytes) -> list[tuple[int, int]] | None:
    """The byte spans of the elements of a top-level JSON array (None: not an array, or
    its brackets do not balance). Only structure is checked; each element is parsed on
    its own afterwards.

    >>> doc = b'[{"a": [1, ","]}, [[[]]] , 3]'
    >>> [doc[s:e].strip() for s, e in _array_elements(doc)]
    [b'{"a": [1, ","]}', b'[[[]]]', b'3']
    """
    body = raw.strip()
    if not body.startswith(b"[") or not body.endswith(b"]"):
        return None
    offset = len(raw) - len(raw.lstrip())
    spans: list[tuple[int, int]] = []
    depth, start = 0, offset + 1
    for token in _TOKEN.finditer(raw, offset):
        char = token.group()
        if char in (b"[", b"{"):
            depth += 1
        elif char in (b"]", b"}"):
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:  # the closing bracket of the array
                if raw[start : token.start()].strip():
                    spans.append((start, token.start()))
                return spans if not raw[token.end() :].strip() else None
        elif char == b"," and depth == 1:
            spans.append((start, token.start()))
            start = token.end()
    return None


def rows_of(document: Any, *, key: str) -> tuple[list[Any], bool]:
    """A batch as a list of rows, and whether the caller sent a single object.

    Accepted shapes: an array of rows, ``{"<key>": [rows]}``, or one row object.
    """
    if isinstance(document, list):
        return document, False
    if isinstance(document, dict):
        if set(document) == {key} and isinstance(document[key], list):
            return document[key], False
        return [document], True
    raise InvalidInput(
        "body", f"must be a JSON object or an array of objects, not {type(document).__name__}"
    )


__all__ = [
    "BodyLimit",
    "TooDeep",
    "is_json",
    "parse_batch",
    "parse_json",
    "require_json",
    "rows_of",
]
