"""The console's audit log: every admin action, key change, consent change and model
activation, newest first, filtered by action, actor, target and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tailored.console.rendering import engine_of, page
from tailored.errors import InvalidInput

router = APIRouter()
PAGE_SIZE = 50


@router.get("/audit", response_class=HTMLResponse, response_model=None)
def audit(
    request: Request,
    action: str = "",
    actor: str = "",
    target: str = "",
    since: str = "",
    until: str = "",
    cursor: str = "",
) -> Response:
    engine = engine_of(request)
    asked = {"action": action, "actor": actor, "target": target, "since": since, "until": until}
    asked = {name: value.strip() for name, value in asked.items()}
    error = None
    try:
        found = engine.audit.list(
            action=asked["action"] or None,
            actor=asked["actor"] or None,
            target=asked["target"] or None,
            since=_day("since", asked["since"]),
            # The day given is included: entries before the start of the next one.
            until=_day("until", asked["until"], days_after=1),
            cursor=cursor or None,
            limit=PAGE_SIZE,
        )
    except InvalidInput as invalid:
        error = f"{invalid.field}: {invalid.problem}"
        found = engine.audit.list(limit=PAGE_SIZE)
    filters = {name: value for name, value in asked.items() if value}
    return page(
        request,
        "console/audit.html",
        section="audit",
        entries=found.items,
        asked=asked,
        error=error,
        filtered=bool(filters),
        next_page=(
            "/console/audit?" + urlencode({**filters, "cursor": found.next_cursor})
            if found.next_cursor and error is None
            else None
        ),
        first_page=("/console/audit?" + urlencode(filters)) if cursor else None,
        status_code=422 if error else 200,
    )


def _day(field: str, value: str, *, days_after: int = 0) -> datetime | None:
    """A date of the form (YYYY-MM-DD) as the UTC midnight it starts (or `days_after` later)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
        return datetime.combine(day, time(), tzinfo=UTC) + timedelta(days=days_after)
    except (ValueError, OverflowError):
        raise InvalidInput(field, f"{value!r} is not a date like 2026-12-03") from None
