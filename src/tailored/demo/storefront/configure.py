"""The configurators in the store: build your own sneaker or coffee drink.

The page is a form of the template's option groups (radio buttons for one choice,
checkboxes for several, a text input for text) that works without JavaScript: "Check
price" sends it back and the page answers with the price and every rule the design
breaks. With JavaScript (`/store/static/store.js`), each click asks `.../price` (JSON, from
`client.configurators.validate`) and the price and messages change as you go.
"Save design" keeps it for the shopper (named "My sneaker", "My sneaker 2", ... when left
unnamed) and shows the page again with that design (`?design=<id>`); "Order" orders exactly
what the form shows, without saving anything, and comes back showing what was ordered.

>>> coffee_link(Item("coffee-iced-latte", "Iced Latte", categories=("coffee",),
...             attributes={"temperature": "iced", "milk": True, "caffeine_mg": 130}))
'/store/configure/coffee?temperature=iced&milk=whole&shots=2'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import ImmutableMultiDict

from tailored.client import Client, SavedDesign
from tailored.demo.storefront.common import (
    Shopper,
    current_shopper,
    form_data,
    local,
    money,
    redirect,
    store_page,
    to_door,
)
from tailored.demo.storefront.shop import client_of
from tailored.domain.catalog import Item
from tailored.domain.configurator.template import (
    InvalidDesign,
    PriceLine,
    Template,
    Validation,
    Violation,
)
from tailored.errors import InvalidInput, NotFound

router = APIRouter()
FormBody = Annotated[FormData, Depends(form_data)]
SHOT_MG = 65  # caffeine of one espresso shot, to preset the shots of a menu drink


def coffee_link(item: Item) -> str:
    """The coffee configurator preset like a drink of the menu."""
    attributes = item.attributes
    preset: dict[str, str] = {}
    if attributes.get("temperature") in ("hot", "iced"):
        preset["temperature"] = str(attributes["temperature"])
    if isinstance(attributes.get("milk"), bool):
        preset["milk"] = "whole" if attributes["milk"] else "none"
    mg = attributes.get("caffeine_mg")
    if isinstance(mg, int | float) and mg >= SHOT_MG:
        preset["shots"] = str(max(1, min(4, round(mg / SHOT_MG))))
    return "/store/configure/coffee" + (f"?{urlencode(preset)}" if preset else "")


def choices_from(
    template: Template, form: FormData | ImmutableMultiDict[str, Any], *, submitted: bool
) -> dict[str, Any]:
    """The design a form (or a link's query) describes. In a submitted form a group of
    checkboxes with none ticked means "none"; in a link, a group left out keeps its
    defaults and a group given empty (``extras=``) means "none"."""
    choices: dict[str, Any] = {}
    for group in template.groups:
        if group.kind == "multi":
            picked = [str(v) for v in form.getlist(group.id) if isinstance(v, str) and v]
            if picked or submitted or group.id in form:
                choices[group.id] = picked
            continue
        value = form.get(group.id)
        if isinstance(value, str) and value.strip():
            choices[group.id] = value.strip() if group.kind == "single" else value
    return choices


def as_json(check: Validation) -> dict[str, Any]:
    """What the page's script shows: the price, its lines, and the rules broken."""
    return {
        "valid": check.valid,
        "total": f"{check.total:.2f}",  # the JSON number 2.80 arrives as 2.8
        "total_text": money(float(check.total), check.currency),
        "currency": check.currency,
        "lines": [
            {"label": line.label, "amount": _amount(line, check.currency)}
            for line in check.lines
            if not (line.kind == "base" and line.amount == 0)
        ],
        "violations": [_violation(v) for v in check.violations],
    }


def _amount(line: PriceLine, currency: str) -> str:
    """What a line costs, as a shop prints it: a free pick shows no price ("Hot or iced:
    Hot", not "...: €0.00"), and a product priced by its picks alone shows no zero base
    price (the breakdown leaves that line out)."""
    if line.amount == 0 and line.kind in ("choice", "text"):
        return ""
    return money(float(line.amount), currency)


def _violation(violation: Violation) -> dict[str, Any]:
    return {"name": violation.name, "message": violation.message, "groups": violation.groups}


@router.get("/configure/{template_id}", response_class=HTMLResponse, response_model=None)
def configure(request: Request, template_id: str, design: str = "") -> Response:
    """The configurator preset by the link's query, or showing one of the shopper's saved
    designs (`?design=<id>`, where saving leads), name included."""
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    try:
        template = client.configurators.get(template_id).template
    except NotFound:
        what = f"configurator {template_id!r}"
        return store_page(request, "store/missing.html", who, status_code=404, what=what)
    saved = _saved_design(client, who, template_id, design)
    try:
        if saved is not None:
            check = client.configurators.validate(template_id, _choices_of(saved))
        else:
            choices = choices_from(template, request.query_params, submitted=False)
            check = client.configurators.validate(template_id, choices)
    except InvalidInput:  # a hand-made link: start from the defaults instead
        check = client.configurators.validate(template_id, {})
    return _page(request, who, client, template, check, name=saved.name if saved else "")


@router.post("/configure/{template_id}", response_model=None)
def check_design(request: Request, template_id: str, form: FormBody) -> Response:
    """The form sent without JavaScript: the same page with its price and problems."""
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    template, check = _validated(client, template_id, form)
    return _page(request, who, client, template, check, name=str(form.get("name") or ""))


@router.post("/configure/{template_id}/price", response_model=None)
def price(request: Request, template_id: str, form: FormBody) -> JSONResponse:
    """The live price: the form's design validated (JSON for the page's script)."""
    try:
        _, check = _validated(client_of(request), template_id, form)
    except NotFound as error:
        return JSONResponse({"error": str(error)}, status_code=404)
    return JSONResponse(as_json(check))


@router.post("/configure/{template_id}/save", response_model=None)
def save(request: Request, template_id: str, form: FormBody) -> Response:
    return _keep(request, template_id, form, order=False)


@router.post("/configure/{template_id}/order", response_model=None)
def order(request: Request, template_id: str, form: FormBody) -> Response:
    return _keep(request, template_id, form, order=True)


@router.post("/configure/{template_id}/designs/{design_id}/order", response_model=None)
def order_again(
    request: Request, template_id: str, design_id: int, next: Annotated[str, Form()] = ""
) -> Response:
    """Order a saved design again, at today's price."""
    who = current_shopper(request)
    if who is None:
        return to_door()
    back = local(next, f"/store/configure/{template_id}")
    try:
        done = client_of(request).configurators.reorder(who.id, design_id)
    except (NotFound, InvalidInput) as error:
        return redirect(back, str(error), error=True)
    total = money(float(done.price), done.currency)
    return redirect(back, f"Ordered {done.design.name!r} again for {total}.")


def _keep(request: Request, template_id: str, form: FormBody, *, order: bool) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    template, check = _validated(client, template_id, form)
    typed = str(form.get("name") or "").strip()
    here = f"/store/configure/{template_id}"
    try:
        if order:  # exactly what the form shows; ordering saves nothing
            done = client.configurators.order(who.id, template_id, _design(check))
            total = money(float(done.price), done.currency)
            # Back to the same design, so ordering again orders what is on screen.
            ordered = f"{here}?{_query(done.choices)}"
            return redirect(ordered, f"Thank you! Your design is ordered for {total}.")
        # Unnamed, the server names it ("My sneaker", "My sneaker 2", ...).
        saved = client.configurators.save_design(who.id, template_id, typed or None, _design(check))
    except InvalidInput as error:  # InvalidDesign too: the page names every rule broken
        alerts = [] if isinstance(error, InvalidDesign) else [_labelled(error)]
        return _page(request, who, client, template, check, name=typed, alerts=alerts, status=422)
    return redirect(f"{here}?design={saved.id}", f"Saved {saved.name!r} for {_price(saved)}.")


def _query(choices: Mapping[str, Any]) -> str:
    """A link's query that presets exactly these choices (an empty group as ``group=``)."""
    pairs: list[tuple[str, str]] = []
    for group, value in choices.items():
        if isinstance(value, str):
            pairs.append((group, value))
        else:
            pairs.extend((group, str(v)) for v in value or [""])
    return urlencode(pairs)


def _choices_of(saved: SavedDesign) -> dict[str, str | list[str]]:
    """A saved design's choices (JSON) as the client sends them."""
    return {
        group: value if isinstance(value, str) else [str(v) for v in value]
        for group, value in saved.choices.items()
        if isinstance(value, str | list)
    }


def _saved_design(
    client: Client, who: Shopper, template_id: str, design_id: str
) -> SavedDesign | None:
    """The shopper's design a link names, if it is one of this configurator's (a
    hand-made link naming none shows the configurator as usual)."""
    if not design_id.isdecimal():
        return None
    try:
        saved = client.configurators.get_design(who.id, int(design_id))
    except (NotFound, InvalidInput):
        return None
    return saved if saved.template_id == template_id else None


def _validated(client: Client, template_id: str, form: FormData) -> tuple[Template, Validation]:
    template = client.configurators.get(template_id).template
    choices = choices_from(template, form, submitted=True)
    return template, client.configurators.validate(template_id, choices)


def _design(check: Validation) -> dict[str, str | list[str]]:
    """The resolved design (every group's picks, and its texts) to save."""
    return {group: list(ids) for group, ids in check.picks.items()} | dict(check.texts)


def _page(
    request: Request,
    who: Shopper,
    client: Client,
    template: Template,
    check: Validation,
    *,
    name: str = "",
    alerts: list[str] | None = None,
    status: int = 200,
) -> Response:
    designs = client.configurators.list_designs(who.id, template_id=template.id, limit=10).items
    return store_page(
        request,
        "store/configure.html",
        who,
        status_code=status,
        product=template,
        check=check,
        result=as_json(check),
        broken=_broken_groups(check),
        name=name,
        designs=designs,
        alerts=alerts or [],
    )


def _broken_groups(check: Validation) -> Mapping[str, list[str]]:
    """Each group's messages, to show next to it."""
    broken: dict[str, list[str]] = {}
    for violation in check.violations:
        for group in violation.groups:
            broken.setdefault(group, []).append(violation.message)
    return broken


def _price(saved: SavedDesign) -> str:
    return money(float(saved.price), saved.currency)


def _labelled(error: InvalidInput) -> str:
    return f"Design name: {error.problem}" if error.field == "name" else str(error)


__all__ = ["as_json", "choices_from", "coffee_link", "router"]
