"""The one place where errors become HTTP responses, and where the API description says so.

Body: ``{"error": {"code": ..., "message": ..., "field": ...}}``; `field` names the part of
the request at fault as a dotted path (``body.events.3.timestamp``, ``query.limit``).
`document_errors` writes that shape, with the statuses each operation can answer, into
the OpenAPI description, so that clients (and the API fuzzer) can rely on it.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from tailored.engine.inputs import field_and_reason
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

_STATUS: list[tuple[type[TailoredError], int, str]] = [
    (PayloadTooLarge, 413, "payload_too_large"),
    (UnsupportedMediaType, 415, "unsupported_media_type"),
    (InvalidInput, 422, "invalid_input"),
    (NotFound, 404, "not_found"),
    (MergedAway, 409, "merged"),
    (Conflict, 409, "conflict"),
    (AuthenticationError, 401, "unauthorized"),
    (PermissionDenied, 403, "forbidden"),
    (RateLimited, 429, "rate_limited"),
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
            if isinstance(exc, RateLimited):  # whole seconds, rounded up: never too early
                headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
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


class ErrorDetail(BaseModel):
    """What went wrong, and where."""

    code: str = Field(description="What went wrong, for programs: invalid_input, not_found, ...")
    message: str = Field(description="What went wrong and how to fix it, for people")
    field: str | None = Field(
        None, description="The part of the request at fault, as a dotted path (body.events.3.type)"
    )


class ErrorOut(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


# What each error status means, unless the route that declares it says more.
_ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON",
    401: "No API key, or an unknown, revoked or expired one (or a secret a rotation replaced)",
    403: "The API key lacks the scope this operation needs",
    404: "Nothing by the id in the path",
    409: "The request clashes with what is stored",
    413: "The body is over the size limit",
    415: "The body is not JSON: send Content-Type: application/json",
    429: "The API key is over its rate limit: retry after `Retry-After` seconds",
    422: "A value is invalid: `error.field` names it",
    503: "The database is busy or unreachable: retry after `Retry-After` seconds",
}
_ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
    503: {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
}
_FASTAPI_DEFAULT = "Validation Error"  # the 422 FastAPI describes; `install` answers ours
_SCHEMA_REF = "#/components/schemas/"


def _error_statuses(operation: dict[str, Any]) -> set[int]:
    """What `operation` (an OpenAPI operation object) can answer besides success: the
    statuses it declares, and those that follow from its key, body and parameters."""
    statuses = {int(code) for code in operation.get("responses", {}) if int(code) >= 400}
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    if operation.get("security"):
        # every key is checked against the database, and against its rate limit if any
        statuses |= {401, 403, 429, 503}
    if has_body:
        statuses |= {400, 413, 415, 422}
    if parameters:
        statuses.add(422)
    if any(parameter["in"] == "path" for parameter in parameters):
        statuses.add(404)
    return statuses


def document_errors(schema: dict[str, Any]) -> None:
    """Describe every error answer of the OpenAPI document `schema` as `ErrorOut`, in place.

    Replaces FastAPI's default 422 body (`HTTPValidationError`, which `install` turns into
    our shape) and keeps descriptions that routes give their own error statuses.

    >>> schema = {"paths": {"/v1/things/{id}": {"get": {
    ...     "parameters": [{"name": "id", "in": "path"}], "security": [{"HTTPBearer": []}],
    ...     "responses": {"200": {"description": "OK"}}}}}}
    >>> document_errors(schema)
    >>> answers = schema["paths"]["/v1/things/{id}"]["get"]["responses"]
    >>> sorted(answers)
    ['200', '401', '403', '404', '422', '429', '503']
    >>> answers["404"]["content"]["application/json"]["schema"]
    {'$ref': '#/components/schemas/ErrorOut'}
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    definition = ErrorOut.model_json_schema(ref_template=_SCHEMA_REF + "{model}")
    components.update(definition.pop("$defs", {}))
    components[ErrorOut.__name__] = definition
    body = {"application/json": {"schema": {"$ref": f"{_SCHEMA_REF}{ErrorOut.__name__}"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in sorted(_error_statuses(operation)):
                declared = responses.get(str(status), {}).get("description")
                description = (
                    declared
                    if declared and declared != _FASTAPI_DEFAULT
                    else _ERROR_DESCRIPTIONS.get(status, "An error")
                )
                answer: dict[str, Any] = {"description": description, "content": body}
                if status in _ERROR_HEADERS:
                    answer["headers"] = _ERROR_HEADERS[status]
                responses[str(status)] = answer
            operation["responses"] = dict(sorted(responses.items()))
    for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's, now unused
        components.pop(name, None)


def install(app: FastAPI) -> None:
    app.add_exception_handler(TailoredError, _tailored_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
