"""Error answers of the server back into the exception tree of `tailored.errors`, the
same classes the engine raises, so code that catches `NotFound` or reads
`InvalidInput.field` works the same in-process and over HTTP.

The server answers ``{"error": {"code", "message", "field"}}`` (`tailored.server.errors`);
the status picks the class, as there::

    400, 422 InvalidInput (a refused design: InvalidDesign, with its violations)
    413 PayloadTooLarge   415 UnsupportedMediaType   404 NotFound   409 Conflict
    409 with code "merged" MergedAway (an id merged into another person)
    401 AuthenticationError   403 PermissionDenied   429 RateLimited
    502, 503, 504 Unavailable
    anything else         TailoredError, naming the status

>>> body = b'{"error": {"message": "type: unknown type \\'teleport\\'", "field": "type"}}'
>>> error = error_from(422, body, "POST /v1/events")
>>> type(error).__name__, error.field, error.problem
('InvalidInput', 'type', "unknown type 'teleport'")
>>> body = b'{"error": {"code": "not_found", "message": "item \\'sku-9\\' not found"}}'
>>> error = error_from(404, body, "GET /v1/items/sku-9")
>>> type(error).__name__, error.kind, error.identifier, str(error)
('NotFound', 'item', 'sku-9', "item 'sku-9' not found")
>>> str(error_from(502, b"<html>Bad gateway</html>", "GET /v1/items"))
'GET /v1/items answered HTTP 502: <html>Bad gateway</html>'
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from tailored.domain.configurator.template import InvalidDesign, Violation
from tailored.errors import (
    AuthenticationError,
    Conflict,
    InvalidInput,
    MergedAway,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    RateLimited,
    TailoredError,
    Unavailable,
    UnsupportedMediaType,
)

# "<kind> <repr of the id> not found", as `NotFound` words it.
_NOT_FOUND = re.compile(r"^(?P<kind>.+?) (?P<id>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") not found$")
# "user_id: <repr> was merged into <repr>, ...", as `MergedAway` words it.
_QUOTED = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
_MERGED = re.compile(rf"^user_id: (?P<anon>{_QUOTED}) was merged into (?P<user>{_QUOTED}),")
_SNIPPET = 200  # characters of a body that is not ours, quoted in the message


def error_from(
    status: int, content: bytes, where: str, *, retry_after: str | None = None
) -> TailoredError:
    """The exception for an error answer with `status` and body `content` to the call
    described by `where` (``POST /v1/events``); `retry_after` is the answer's
    ``Retry-After`` header (a 429's wait)."""
    detail = _detail(content)
    if detail is None:
        snippet = content.decode("utf-8", "replace").strip()[:_SNIPPET]
        message = f"{where} answered HTTP {status}" + (f": {snippet}" if snippet else "")
        return Unavailable(message) if status in (502, 503, 504) else TailoredError(message)
    message = str(detail.get("message") or f"{where} answered HTTP {status}")
    field = str(detail.get("field") or "")
    if status in (400, 413, 415, 422):
        kind = {413: PayloadTooLarge, 415: UnsupportedMediaType}.get(status, InvalidInput)
        violations = detail.get("violations")
        if kind is InvalidInput and isinstance(violations, list):
            return _refused_design(violations, field, message)
        return kind(field, _problem(field, message))
    if status == 404:
        return _not_found(message, where)
    if status == 429:
        return RateLimited(message, retry_after=_wait(retry_after))
    if status == 409 and detail.get("code") == "merged":
        merged = _MERGED.match(message)
        if merged is not None:
            return MergedAway(ast.literal_eval(merged["anon"]), ast.literal_eval(merged["user"]))
    simple: dict[int, type[TailoredError]] = {
        409: Conflict,
        401: AuthenticationError,
        403: PermissionDenied,
        502: Unavailable,
        503: Unavailable,
        504: Unavailable,
    }
    if status in simple:
        return simple[status](message)
    return TailoredError(f"{where} answered HTTP {status}: {message}")


def _wait(retry_after: str | None) -> float:
    """A 429's ``Retry-After`` in seconds (1 when absent or unreadable)."""
    try:
        seconds = float(retry_after or "")
    except ValueError:
        return 1.0
    return seconds if 0 <= seconds < float("inf") else 1.0


def _detail(content: bytes) -> dict[str, Any] | None:
    """The `error` object of an error body, or None when the body is not ours (a proxy's
    page, an empty body)."""
    try:
        document = json.loads(content)
    except ValueError:
        return None
    error = document.get("error") if isinstance(document, dict) else None
    return error if isinstance(error, dict) else None


def _problem(field: str, message: str) -> str:
    """The message without the "field: " the server put in front (`InvalidInput` puts it
    back), so `str(error)` reads as the server wrote it."""
    prefix = f"{field}: "
    return message[len(prefix) :] if field and message.startswith(prefix) else message


def _not_found(message: str, where: str) -> NotFound:
    found = _NOT_FOUND.match(message)
    if found is None:  # no route at all, e.g. a server older than this client
        return NotFound("route", where)
    return NotFound(found["kind"], ast.literal_eval(found["id"]))


def _refused_design(violations: list[Any], field: str, message: str) -> InvalidInput:
    """A design the template refuses: `InvalidDesign` with every violation, worded as
    the server worded it (a reorder puts why in front: "the template changed ...")."""
    try:
        parsed = [
            Violation(
                name=v["name"],
                kind=v["kind"],
                message=v["message"],
                groups=tuple(v.get("groups", ())),
                choices=tuple(v.get("choices", ())),
            )
            for v in violations
        ]
    except (KeyError, TypeError):
        return InvalidInput(field, _problem(field, message))
    plain = InvalidDesign(parsed)
    head = f"{plain.field}: "
    if parsed and message.startswith(head) and message.endswith(plain.problem):
        return InvalidDesign(parsed, prefix=message[len(head) : len(message) - len(plain.problem)])
    return InvalidInput(field, _problem(field, message))


def unexpected(where: str, problem: str) -> TailoredError:
    """An answer this client cannot read (a server of another version, a proxy)."""
    return TailoredError(f"{where}: unexpected answer from the server: {problem}")


__all__ = ["error_from", "unexpected"]
