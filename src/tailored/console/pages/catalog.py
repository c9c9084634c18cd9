"""The console's catalog browser: filter items by category, attribute and availability,
page through them, and open one to see what is recommended next to it, and why."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tailored.console.pages.common import problem
from tailored.console.rendering import engine_of, page
from tailored.errors import InvalidInput, NotFound

router = APIRouter()
PAGE_SIZE = 25
RELATED = 6
CATEGORY_CHOICES = 200  # the most active categories offered in the filter


@router.get("/catalog", response_class=HTMLResponse, response_model=None)
def catalog(
    request: Request,
    id: str = "",
    category: str = "",
    attribute: str = "",
    value: str = "",
    available: str = "",
    cursor: str = "",
) -> Response:
    engine = engine_of(request)
    if id.strip():
        return RedirectResponse(f"/console/catalog/{quote(id.strip(), safe='')}", status_code=303)
    filters = {
        "category": category.strip(),
        "attribute": attribute.strip(),
        "value": value.strip(),
        "available": available if available in ("yes", "no") else "",
    }
    error = None
    if bool(filters["attribute"]) != bool(filters["value"]):
        error = "Give both an attribute name and a value to filter by attribute."
    try:
        found = engine.items.list(
            categories=[filters["category"]] if filters["category"] else [],
            attributes=(
                {filters["attribute"]: [filters["value"]]}
                if filters["attribute"] and filters["value"]
                else None
            ),
            available={"yes": True, "no": False}.get(filters["available"]),
            cursor=cursor or None,
            limit=PAGE_SIZE,
        )
    except InvalidInput as invalid:  # a cursor edited by hand
        error, found = f"{invalid.field}: {invalid.problem}", engine.items.list(limit=PAGE_SIZE)
    categories = [name for name, _ in engine.recommendations.popular_values("category")]
    shown = {filters["category"]} - {""}
    attribute_names = sorted({name for item in found.items for name in item.attributes})
    kept = {k: v for k, v in filters.items() if v}
    return page(
        request,
        "console/catalog.html",
        section="catalog",
        items=found.items,
        filters=filters,
        error=error,
        total=engine.items.count(),
        categories=sorted(set(categories[:CATEGORY_CHOICES]) | shown),
        attribute_names=attribute_names,
        next_page=(
            "/console/catalog?" + urlencode({**kept, "cursor": found.next_cursor})
            if found.next_cursor
            else None
        ),
        first_page=("/console/catalog?" + urlencode(kept)) if cursor else None,
    )


@router.get("/catalog/{item_id:path}", response_class=HTMLResponse, response_model=None)
def item(request: Request, item_id: str) -> Response:
    engine = engine_of(request)
    try:
        found = engine.items.get(item_id)
    except NotFound:
        message = f"There is no item {item_id!r} in the catalog."
        return problem(request, message, status_code=404, section="catalog")
    recommendations = engine.recommendations
    return page(
        request,
        "console/item.html",
        section="catalog",
        item=found,
        similar=recommendations.similar(item_id, n=RELATED),
        together=recommendations.bought_together(item_id, n=RELATED),
        events=engine.events.query(item_id=item_id, limit=20).items,
    )


__all__ = ["router"]
