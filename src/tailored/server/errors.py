"""The one place where errors become HTTP responses.

Body: ``{"error": {"code": ..., "message": ..., "field": ...}}``; `field` names the part of
the request at fault as a dotted path (``body.events.3.timestamp``, ``query.limit``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tailored.engine.inputs import field_and_reason
from tailored.errors import (
    AuthenticationError,
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    TailoredError,
    Unavailable,
    UnsupportedMediaType,
)

_STATUS: list[tuple[type[TailoredError], int, str]] = [
    (PayloadTooLarge, 413, "payload_too_large"),
    (UnsupportedMediaType, 415, "unsupported_media_type"),
    (InvalidInput, 422, "invalid_input"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (AuthenticationError, 401, "unauthorized"),
    (PermissionDenied, 403, "forbidden"),
    (Unavailable, 503, "unavailable"),
]


class MalformedJSON(InvalidInput):
    """The body is not valid JSON (HTTP 400)."""


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def _tailored_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TailoredError)
    return error_for(exc)


def error_for(exc: TailoredError) -> JSONResponse:
    """The HTTP response for an error of the `tailored.errors` tree."""
    if isinstance(exc, MalformedJSON):
        return error_response(400, "malformed_json", str(exc), "body")
    for kind, status, code in _STATUS:
        if isinstance(exc, kind):
            field = exc.field if isinstance(exc, InvalidInput) else None
            headers = {401: {"WWW-Authenticate": "Bearer"}, 503: {"Retry-After": "1"}}.get(status)
            return error_response(status, code, str(exc), field, headers)
    return error_response(500, "internal_error", "unexpected error")


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if not errors:
        return error_response(422, "invalid_input", "invalid request")
    first = errors[0]
    if first.get("type") == "json_invalid":
        return error_response(
            400, "malformed_json", f"body is not valid JSON: {first['msg']}", "body"
        )
    field, reason = field_and_reason(first)
    message = f"{field}: {reason}" if field else reason
    return error_response(422, "invalid_input", message, field)


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail))


def install(app: FastAPI) -> None:
    app.add_exception_handler(TailoredError, _tailored_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
