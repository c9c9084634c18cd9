"""What a user can choose, as the business defines it, and how a choice is checked.

A `PreferenceSchema` is a list of typed fields: one choice, several choices, a numeric
range, a number, a text or a yes/no. A field's allowed values are a fixed list, or the
values the catalog holds for the catalog attribute it refers to (`attribute`, with
`"category"` for categories). A field that refers to the catalog can shape
recommendations (`effect`): `boost` shows more of what was chosen, `block` never shows
it, `range` keeps the attribute's numbers within the chosen bounds.

>>> schema = PreferenceSchema((
...     PreferenceField("brands", "choices", "Favourite brands", attribute="brand",
...                     effect="boost", max_picks=3),
...     PreferenceField("theme", "choice", "Theme", choices=("light", "dark")),
... ))
>>> schema.check({"theme": "dark", "brands": ["Acme"]}, lambda attribute: {"Acme", "Zeta"})
{'theme': 'dark', 'brands': ['Acme']}
>>> schema.check({"theme": "blue"}, lambda attribute: set())
Traceback (most recent call last):
tailored.errors.InvalidInput: preferences.theme: 'blue' is not one of 'light', 'dark'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from tailored.domain.json_values import storable_text
from tailored.errors import InvalidInput

FieldKind = Literal["choice", "choices", "range", "number", "text", "boolean"]
Effect = Literal["none", "boost", "block", "range"]
CATEGORY = "category"  # the `attribute` that means the item's categories
CatalogValues = Callable[[str], set[str]]
"""The values the catalog holds for an attribute (or for `"category"`)."""


@dataclass(frozen=True, slots=True)
class PreferenceField:
    """One thing a user can choose. `question` puts it in the onboarding survey."""

    name: str
    kind: FieldKind
    label: str
    choices: tuple[str, ...] = ()  # fixed allowed values; empty: the catalog's values
    attribute: str | None = None  # the catalog attribute the values are ("category")
    effect: Effect = "none"
    minimum: float | None = None  # number and range bounds
    maximum: float | None = None
    max_picks: int | None = None  # choices
    max_length: int = 200  # text
    question: str | None = None
    help: str = ""

    @property
    def from_catalog(self) -> bool:
        return not self.choices and self.attribute is not None

    def allowed(self, catalog: CatalogValues) -> set[str] | None:
        """The allowed values of a choice field (None: any value of its kind)."""
        if self.kind not in ("choice", "choices"):
            return None
        return set(self.choices) if self.choices else catalog(self.attribute or "")

    def check(self, value: Any, catalog: CatalogValues) -> Any:
        """The value as stored, or InvalidInput naming `preferences.<name>`."""
        where = f"preferences.{self.name}"
        match self.kind:
            case "choice":
                return self._one_of(where, value, catalog)
            case "choices":
                if not isinstance(value, list):
                    raise InvalidInput(where, "must be a list of choices")
                picked = list(dict.fromkeys(value))
                if self.max_picks is not None and len(picked) > self.max_picks:
                    problem = f"at most {self.max_picks} choices, not {len(picked)}"
                    raise InvalidInput(where, problem)
                return [self._one_of(f"{where}[{i}]", v, catalog) for i, v in enumerate(picked)]
            case "range":
                return self._range(where, value)
            case "number":
                return self._number(where, value)
            case "text":
                if not isinstance(value, str):
                    raise InvalidInput(where, "must be a text")
                if len(value) > self.max_length:
                    raise InvalidInput(where, f"at most {self.max_length} characters")
                return storable_text(where, value)
            case "boolean":
                if not isinstance(value, bool):
                    raise InvalidInput(where, "must be true or false")
                return value
        raise AssertionError(self.kind)  # pragma: no cover - Literal is exhaustive

    def _one_of(self, where: str, value: Any, catalog: CatalogValues) -> str:
        if not isinstance(value, str):
            raise InvalidInput(where, "must be a text")
        allowed = self.allowed(catalog) or set()
        if value not in allowed:
            if self.from_catalog:
                raise InvalidInput(where, f"{value!r} is not a {self.attribute} in the catalog")
            listed = ", ".join(repr(c) for c in self.choices)
            raise InvalidInput(where, f"{value!r} is not one of {listed}")
        return value

    def _number(self, where: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(where, "must be a number")
        try:
            number = float(value)
        except OverflowError:  # an integer past what a float holds
            number = math.inf
        if not math.isfinite(number):
            raise InvalidInput(where, "must be a finite number")
        if self.minimum is not None and number < self.minimum:
            raise InvalidInput(where, f"must be at least {self.minimum:g}")
        if self.maximum is not None and number > self.maximum:
            raise InvalidInput(where, f"must be at most {self.maximum:g}")
        return number

    def _range(self, where: str, value: Any) -> dict[str, float | None]:
        if not isinstance(value, dict) or not set(value) <= {"min", "max"} or not value:
            raise InvalidInput(where, 'must be {"min": number, "max": number}, either optional')
        low = None if value.get("min") is None else self._number(f"{where}.min", value["min"])
        high = None if value.get("max") is None else self._number(f"{where}.max", value["max"])
        if low is not None and high is not None and low > high:
            raise InvalidInput(where, f"min {low:g} is above max {high:g}")
        return {"min": low, "max": high}


@dataclass(frozen=True, slots=True)
class PreferenceSchema:
    """The fields a user can set, in the order a preference center shows them."""

    fields: tuple[PreferenceField, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for index, spec in enumerate(self.fields):
            where = f"fields[{index}]"
            if spec.name in seen:
                raise InvalidInput(f"{where}.name", f"{spec.name!r} is defined twice")
            seen.add(spec.name)
            _check_definition(where, spec)

    def field(self, name: str) -> PreferenceField:
        for spec in self.fields:
            if spec.name == name:
                return spec
        known = ", ".join(f.name for f in self.fields)
        raise InvalidInput(f"preferences.{name}", f"unknown preference (known: {known})")

    def check(self, values: Mapping[str, Any], catalog: CatalogValues) -> dict[str, Any]:
        """Every value checked; nulls are left out (a PATCH uses them to clear a field)."""
        return {
            name: self.field(name).check(value, catalog)
            for name, value in values.items()
            if value is not None
        }

    def with_effect(self, *effects: Effect) -> list[PreferenceField]:
        return [f for f in self.fields if f.effect in effects]

    def contradiction(self, values: Mapping[str, Any]) -> Contradiction | None:
        """The first value both asked for more of (a `boost` field) and never to be shown
        (a `block` field of the same attribute), among a user's checked `values`.

        >>> schema = default_schema()
        >>> found = schema.contradiction(
        ...     {"favourite_categories": ["coffee", "shoes"], "blocked_categories": ["coffee"]}
        ... )
        >>> found.boost.name, found.block.name, found.values
        ('favourite_categories', 'blocked_categories', ('coffee',))
        >>> schema.contradiction({"favourite_categories": ["shoes"]}) is None
        True
        """
        for block in self.with_effect("block"):
            blocked = _picked(values.get(block.name))
            for boost in self.with_effect("boost"):
                if boost.attribute != block.attribute:
                    continue
                both = [value for value in _picked(values.get(boost.name)) if value in blocked]
                if both:
                    return Contradiction(boost, block, tuple(both))
        return None


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Values a user both favours (`boost`) and blocks (`block`): one has to go."""

    boost: PreferenceField
    block: PreferenceField
    values: tuple[str, ...]

    def error(self, *, changed: Collection[str]) -> InvalidInput:
        """The 422 to answer, naming both fields: `field` is the one the request
        `changed`, the blocking one when it changed both.

        >>> schema = default_schema()
        >>> both = {"favourite_categories": ["coffee"], "blocked_categories": ["coffee"]}
        >>> error = schema.contradiction(both).error(changed=both)
        >>> error.field
        'preferences.blocked_categories'
        >>> print(error.problem)  # doctest: +NORMALIZE_WHITESPACE
        'coffee' is also in preferences.favourite_categories (Favourite categories): a
        value cannot be both favoured and blocked, remove it from one of the two
        """
        if self.boost.name in changed and self.block.name not in changed:
            field, other = self.boost, self.block
        else:
            field, other = self.block, self.boost
        listed = ", ".join(repr(value) for value in self.values)
        verb = "is" if len(self.values) == 1 else "are"
        return InvalidInput(
            f"preferences.{field.name}",
            f"{listed} {verb} also in preferences.{other.name} ({other.label}): a value "
            "cannot be both favoured and blocked, remove it from one of the two",
        )


@dataclass(frozen=True, slots=True)
class PreferenceChange:
    """One field of one user changed: who did it, when, from what to what."""

    user_id: str
    field: str
    old: Any
    new: Any
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class Question:
    """An onboarding question: a field not answered yet, with the options to offer
    (for catalog fields, the most popular values first)."""

    field: PreferenceField
    text: str
    options: tuple[str, ...]
    usefulness: float  # 0..1: how much the answer narrows what can be recommended


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every field whose value differs (None: not set).

    >>> changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4})
    [('b', 2, 3), ('c', None, 4)]
    """
    names = list(dict.fromkeys([*before, *after]))
    return [
        (name, before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    ]


def _picked(value: Any) -> list[str]:
    """The values of a choice (a text) or choices (a list) field; [] when unset."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _check_definition(where: str, spec: PreferenceField) -> None:
    if not spec.name or not spec.name.replace("_", "").isalnum():
        raise InvalidInput(f"{where}.name", "use letters, digits and '_' only")
    if spec.kind in ("choice", "choices") and not spec.choices and spec.attribute is None:
        raise InvalidInput(
            f"{where}.choices", "a choice field needs choices, or an attribute to take them from"
        )
    if spec.effect != "none" and spec.attribute is None:
        problem = f"effect {spec.effect!r} needs the attribute it applies to"
        raise InvalidInput(f"{where}.attribute", problem)
    if spec.effect in ("boost", "block") and spec.kind not in ("choice", "choices"):
        raise InvalidInput(f"{where}.effect", f"{spec.effect!r} needs a choice or choices field")
    if spec.effect == "range" and spec.kind != "range":
        raise InvalidInput(f"{where}.effect", "'range' needs a range field")
    if spec.effect == "range" and spec.attribute == CATEGORY:
        raise InvalidInput(f"{where}.attribute", "a range applies to a numeric attribute")
    if spec.max_picks is not None and spec.max_picks < 1:
        raise InvalidInput(f"{where}.max_picks", "must be at least 1")
    if spec.minimum is not None and spec.maximum is not None and spec.minimum > spec.maximum:
        raise InvalidInput(f"{where}.minimum", "is above maximum")


def default_schema() -> PreferenceSchema:
    """The fields a shop starts with; a business replaces them with its own."""
    return PreferenceSchema(
        (
            PreferenceField(
                "favourite_categories", "choices", "Favourite categories",
                attribute=CATEGORY, effect="boost", max_picks=5,
                question="Which of these do you shop for?",
            ),
            PreferenceField(
                "brands", "choices", "Favourite brands", attribute="brand", effect="boost",
                max_picks=5, question="Any brands you love?",
            ),
            PreferenceField(
                "sizes", "choices", "Your sizes", attribute="size", effect="boost",
                max_picks=4, question="Which sizes do you wear?",
            ),
            PreferenceField(
                "styles", "choices", "Styles", attribute="style", effect="boost", max_picks=3,
                question="Which styles suit you?",
            ),
            PreferenceField(
                "price_range", "range", "Price range", attribute="price", effect="range",
                minimum=0, question="What would you like to spend?",
            ),
            PreferenceField(
                "blocked_categories", "choices", "Never show me", attribute=CATEGORY,
                effect="block", help="Items in these categories are never recommended.",
            ),
            PreferenceField(
                "feed_topics", "choices", "Topics in my feed",
                choices=("new arrivals", "deals", "guides", "stories", "events"),
            ),
            PreferenceField(
                "notification_channels", "choices", "Notify me by",
                choices=("email", "sms", "push"),
            ),
            PreferenceField(
                "notification_frequency", "choice", "How often",
                choices=("instantly", "daily", "weekly", "never"),
            ),
            PreferenceField("theme", "choice", "Theme", choices=("system", "light", "dark")),
            PreferenceField("layout", "choice", "Layout", choices=("grid", "list")),
        )
    )  # fmt: skip


__all__ = [
    "CATEGORY",
    "CatalogValues",
    "Contradiction",
    "Effect",
    "FieldKind",
    "PreferenceChange",
    "PreferenceField",
    "PreferenceSchema",
    "Question",
    "changes",
    "default_schema",
]
