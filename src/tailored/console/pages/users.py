"""The console's user explorer: find a user, then see their profile, what they chose
(preferences, consents, with history; saved orders with each line's options), what they
did, and what they are shown and why."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tailored.console.pages.common import problem
from tailored.console.rendering import engine_of, page
from tailored.errors import InvalidInput, NotFound

router = APIRouter()
PAGE_SIZE = 25
RECOMMENDED = 10
RELATED = 5
RECENT_EVENTS = 25


@router.get("/users", response_class=HTMLResponse, response_model=None)
def users(request: Request, id: str = "", cursor: str = "") -> Response:
    engine = engine_of(request)
    wanted = id.strip()
    error = None
    if wanted:
        try:
            engine.users.get(wanted, with_activity=False)
        except NotFound:
            error = f"There is no user {wanted!r}."
        else:
            return RedirectResponse(f"/console/users/{quote(wanted, safe='')}", status_code=303)
    try:
        found = engine.users.list(cursor=cursor or None, limit=PAGE_SIZE)
    except InvalidInput as invalid:  # a cursor edited by hand
        error, found = f"{invalid.field}: {invalid.problem}", engine.users.list(limit=PAGE_SIZE)
    return page(
        request,
        "console/users.html",
        section="users",
        users=found.items,
        total=engine.users.count(),
        wanted=wanted,
        error=error,
        next_page=(
            "/console/users?" + urlencode({"cursor": found.next_cursor})
            if found.next_cursor
            else None
        ),
        first_page="/console/users" if cursor else None,
        status_code=404 if error and wanted else 200,
    )


@router.get("/users/{user_id:path}", response_class=HTMLResponse, response_model=None)
def user(request: Request, user_id: str) -> Response:
    engine = engine_of(request)
    try:
        profile = engine.users.get(user_id)
    except NotFound:
        return problem(request, f"There is no user {user_id!r}.", status_code=404, section="users")
    recommendations = engine.recommendations
    activity = profile.activity
    latest = activity.recent_items[0] if activity and activity.recent_items else None
    latest_item = engine.items.get_many([latest]).get(latest) if latest else None
    events = engine.events.query(user_id=user_id, limit=RECENT_EVENTS).items
    # Items by title (a deleted item keeps its id), fields by their label.
    shown = list(dict.fromkeys(e.item_id for e in events if e.item_id))
    titles = {item_id: item.title for item_id, item in engine.items.get_many(shown).items()}
    labels = {field.name: field.label for field in engine.preferences.schema().fields}
    return page(
        request,
        "console/user.html",
        section="users",
        profile=profile,
        preferences=engine.preferences.get(user_id),
        preference_history=engine.preferences.history(user_id, limit=20),
        labels=labels,
        consent_history=engine.consents.history(user_id),
        orders=engine.orders.list(user_id),
        events=events,
        titles=titles,
        recommended=recommendations.for_user(user_id, n=RECOMMENDED),
        latest=latest,
        latest_title=latest_item.title if latest_item else latest,
        similar=(recommendations.similar(latest, n=RELATED, user_id=user_id) if latest else None),
        together=(
            recommendations.bought_together(latest, n=RELATED, user_id=user_id) if latest else None
        ),
    )


__all__ = ["router"]
