"""Request bodies: the size limit every endpoint shares, and reading JSON ourselves where
rows are validated one by one (batches)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tailored.errors import InvalidInput, PayloadTooLarge
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


async def read_json(request: Request) -> Any:
    return parse_json(await request.body())


def parse_json(raw: bytes) -> Any:
    if not raw:
        raise MalformedJSON("body", "is empty; send a JSON document")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise MalformedJSON("body", f"is not valid JSON: {error}") from None


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
