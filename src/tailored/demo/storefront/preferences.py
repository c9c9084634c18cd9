"""The preference center and the onboarding survey, both built from the business's
preference schema (`client.preferences.schema()`): checkboxes for a field of several
choices (the catalog's values for a catalog field, in their natural order), a select or radio
buttons for one choice, lowest/highest number inputs for a range.

A form that breaks rules comes back with every problem next to its field, naming it,
and with what the shopper typed still in place; nothing is stored until all is right.

>>> spec = PreferenceField("price_range", "range", "Price range", attribute="price",
...                        effect="range", minimum=0)
>>> parsed_value(spec, {"price_range.min": "10", "price_range.max": ""})
{'min': 10.0, 'max': None}
>>> parsed_value(spec, {"price_range.min": "ten"})
Traceback (most recent call last):
tailored.errors.InvalidInput: preferences.price_range.min: must be a number
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, Response

from tailored.client import Client, iterate
from tailored.demo.storefront.common import (
    Shopper,
    current_shopper,
    first_text,
    form_data,
    redirect,
    store_page,
    texts,
    to_door,
)
from tailored.demo.storefront.shop import client_of
from tailored.domain.catalog import Item, facet_values
from tailored.domain.natural import natural_order
from tailored.domain.preferences import CATEGORY, PreferenceField
from tailored.errors import InvalidInput

router = APIRouter()
FormBody = Annotated[FormData, Depends(form_data)]
CHANGED_BY = "storefront"  # where a consent decision was made
CATALOG_PAGE = 1000  # items per page when collecting the catalog's values


@dataclass(frozen=True, slots=True)
class FieldView:
    """One field as a form shows it: the options to offer, the value to show (stored, or
    as typed), and the problem with it, if any. `text` is the question or the label."""

    spec: PreferenceField
    text: str
    options: tuple[str, ...]
    value: Any
    error: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def picked(self, option: str) -> bool:
        value = self.value
        return option in value if isinstance(value, list | tuple) else option == value

    def bound(self, side: str) -> str:
        """A range's lowest ("min") or highest ("max") as the input shows it."""
        value = self.value.get(side) if isinstance(self.value, Mapping) else None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return "" if value is None else str(value)


def parsed_value(spec: PreferenceField, form: Mapping[str, Any] | FormData) -> Any:
    """The value a form gives a field (None: left empty, i.e. no preference), or
    `InvalidInput` when the form's text cannot be that kind of value."""
    name = spec.name
    match spec.kind:
        case "choices":
            return texts(form, name) or None
        case "choice" | "text":
            return first_text(form, name)
        case "boolean":
            return bool(texts(form, name))
        case "number":
            return _number(f"preferences.{name}", form.get(name))
        case "range":
            low = _number(f"preferences.{name}.min", form.get(f"{name}.min"))
            high = _number(f"preferences.{name}.max", form.get(f"{name}.max"))
            return None if low is None and high is None else {"min": low, "max": high}
    raise AssertionError(spec.kind)  # pragma: no cover - Literal is exhaustive


def _number(where: str, text: object) -> float | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        number = float(text.strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(where, "must be a number") from None
    if not math.isfinite(number):
        raise InvalidInput(where, "must be a finite number")
    return number


def _as_typed(spec: PreferenceField, form: FormData) -> Any:
    """What the shopper sent, to show again next to an error."""
    if spec.kind == "range":
        return {side: form.get(f"{spec.name}.{side}") or None for side in ("min", "max")}
    if spec.kind == "choices":
        return texts(form, spec.name)
    return first_text(form, spec.name)


def _field_of(error: InvalidInput) -> str:
    """The field an engine error names: `preferences.brands[2]` is `brands`."""
    return error.field.removeprefix("preferences.").split(".")[0].split("[")[0]


def _problem(spec: PreferenceField, error: InvalidInput) -> str:
    detail = error.field.removeprefix(f"preferences.{spec.name}")
    part = {".min": " (lowest)", ".max": " (highest)"}.get(detail, "")
    return f"{spec.label}{part}: {error.problem}"


def check_form(
    specs: Sequence[PreferenceField], form: FormData, allowed: Mapping[str, set[str]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The values of the form, and every problem by field name (all of them at once,
    not only the first). `allowed` holds the values each catalog attribute offers."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            value = parsed_value(spec, form)
            if value is not None:
                spec.check(value, lambda attribute: allowed.get(attribute, set()))
            values[spec.name] = value
        except InvalidInput as error:
            errors[spec.name] = _problem(spec, error)
    return values, errors


# --- the preference center -------------------------------------------------------------


@router.get("/preferences", response_class=HTMLResponse, response_model=None)
def preference_center(request: Request) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    stored = who.preferences
    fields = [
        FieldView(spec, spec.label, options, stored.get(spec.name))
        for spec, options in _shown(client_of(request))
    ]
    return store_page(
        request, "store/preferences.html", who, fields=fields, personalized=who.personalized
    )


@router.post("/consent", response_model=None)
def save_consent(request: Request, form: FormBody) -> Response:
    """The shopper's consent to personalization from their behaviour (a ticked box
    grants it, an unticked one withdraws it), recorded with the store as its source."""
    who = current_shopper(request)
    if who is None:
        return to_door()
    granted = first_text(form, "personalization") == "true"
    client_of(request).consents.set(who.id, {"personalization": granted}, source=CHANGED_BY)
    message = (
        "The store now tailors itself to what you view and buy."
        if granted
        else "The store no longer tailors itself to what you view and buy."
    )
    return redirect("/store/preferences", message)


@router.post("/preferences", response_model=None)
def save_preferences(request: Request, form: FormBody) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    shown = _shown(client)
    allowed = _allowed(shown, who.preferences)
    values, errors = check_form([spec for spec, _ in shown], form, allowed)
    if not errors:
        try:  # the key's name, "storefront", is who changed them in their history
            client.preferences.update(who.id, values)
        except InvalidInput as error:  # the engine has the last word (e.g. a value just gone)
            name = _field_of(error)
            spec = next((s for s, _ in shown if s.name == name), None)
            errors[name] = _problem(spec, error) if spec else str(error)
    if errors:
        return _form_again(request, who, "store/preferences.html", shown, form, errors)
    return redirect("/store/preferences", "Your preferences are saved.")


# --- onboarding ------------------------------------------------------------------------


@router.get("/onboarding", response_class=HTMLResponse, response_model=None)
def onboarding(request: Request) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    fields = [FieldView(spec, text, options, None) for spec, text, options in _asked(request, who)]
    return store_page(request, "store/onboarding.html", who, fields=fields)


@router.post("/onboarding", response_model=None)
def answer_onboarding(request: Request, form: FormBody) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    questions = _asked(request, who)
    asked = [(spec, options) for spec, _, options in questions]
    allowed = _allowed(asked, {})
    values, errors = check_form([spec for spec, _ in asked], form, allowed)
    answers = {name: value for name, value in values.items() if value not in (None, False)}
    if not errors and answers:
        try:
            client_of(request).preferences.answer(who.id, answers)
        except InvalidInput as error:
            errors[_field_of(error)] = str(error)
    if errors:
        texts_of = {spec.name: text for spec, text, _ in questions}
        return _form_again(
            request, who, "store/onboarding.html", asked, form, errors, texts_of=texts_of
        )
    if not answers:
        return redirect("/store/home", "No answers: tell us any time in your preferences.")
    return redirect("/store/home", "Thanks! Your store now starts from what you chose.")


# --- the parts -------------------------------------------------------------------------


def _shown(client: Client) -> list[tuple[PreferenceField, tuple[str, ...]]]:
    """The fields a shopper can set, with their options; a choice field whose catalog
    attribute holds no values yet offers nothing and is left out."""
    specs = client.preferences.schema().fields
    from_catalog = [s for s in specs if s.kind in ("choice", "choices") and s.from_catalog]
    offered: dict[str, tuple[str, ...]] = {}
    if from_catalog:  # the values available items hold now
        offered = catalog_values(iterate(client.items.list, available=True, limit=CATALOG_PAGE))
    shown = []
    for spec in specs:
        options = spec.choices
        if spec in from_catalog:
            options = offered.get(spec.attribute or "", ())
            if not options:
                continue
        shown.append((spec, options))
    return shown


def catalog_values(items: Iterable[Item]) -> dict[str, tuple[str, ...]]:
    """Per attribute ("category": the categories), the values items hold, in their
    natural order (sizes small to large, numbers by value, then words).

    >>> catalog_values([Item("a", categories=("tea",), attributes={"brand": "Zeta"}),
    ...                 Item("b", categories=("tea", "mugs"), attributes={"brand": "Acme"}),
    ...                 Item("c", categories=("mugs",), attributes={"brand": "Acme"})])
    {'category': ('mugs', 'tea'), 'brand': ('Acme', 'Zeta')}
    >>> catalog_values([Item(f"i{size}", attributes={"size": size})
    ...                 for size in ("S", "L", "M", "XS", "42", "41", "S")])["size"]
    ('XS', 'S', 'M', 'L', '41', '42')
    """
    found: dict[str, set[str]] = {}
    for item in items:
        pairs = [(CATEGORY, c) for c in item.categories] + list(facet_values(item.attributes))
        for name, value in pairs:
            found.setdefault(name, set()).add(value)
    return {name: natural_order(values) for name, values in found.items()}


def _asked(request: Request, who: Shopper) -> list[tuple[PreferenceField, str, tuple[str, ...]]]:
    """The onboarding questions still open for the shopper, most useful first: the
    field each fills, its text and its options."""
    client = client_of(request)
    questions = client.preferences.onboarding(who.id)
    if not questions:
        return []
    schema = client.preferences.schema()
    return [(schema.field(q.field), q.text, q.options) for q in questions]


def _allowed(
    shown: Sequence[tuple[PreferenceField, tuple[str, ...]]], stored: Mapping[str, Any]
) -> dict[str, set[str]]:
    """Per catalog attribute, the values a form may send: those offered, and those the
    shopper already holds (an item sold out since keeps its brand choosable)."""
    allowed: dict[str, set[str]] = {}
    for spec, options in shown:
        if spec.attribute is None:
            continue
        held = stored.get(spec.name)
        kept = held if isinstance(held, list) else [held] if isinstance(held, str) else []
        allowed.setdefault(spec.attribute, set()).update(options, kept)
    return allowed


def _form_again(
    request: Request,
    who: Shopper,
    template: str,
    shown: Sequence[tuple[PreferenceField, tuple[str, ...]]],
    form: FormData,
    errors: Mapping[str, str],
    *,
    texts_of: Mapping[str, str] | None = None,
) -> Response:
    fields = [
        FieldView(
            spec,
            (texts_of or {}).get(spec.name, spec.label),
            options,
            _as_typed(spec, form),
            errors.get(spec.name),
        )
        for spec, options in shown
    ]
    count = len(errors)
    alert = "Please fix the field marked below." if count == 1 else f"Please fix {count} fields."
    return store_page(
        request,
        template,
        who,
        status_code=422,
        fields=fields,
        alerts=[alert],
        errors=errors,
        personalized=who.personalized,
    )


__all__ = ["FieldView", "catalog_values", "check_form", "parsed_value", "router"]
