"""Templates from and to JSON, checked when defined: a mistake is `InvalidInput` naming
its path (``groups[2].choices[1].id``) and what to do.

The JSON shape (prices are numbers in the currency, e.g. 4.5 for EUR 4.50)::

    {"id": "coffee", "name": "Coffee drink", "currency": "EUR", "base_price": 0,
     "item_id": "coffee-custom",                          # optional catalog item
     "groups": [
       {"id": "size", "label": "Size", "kind": "single", "required": true,
        "defaults": ["M"], "choices": [
          {"id": "M", "label": "Medium", "price": 3.2, "attributes": {"ml": 350}}]},
       {"id": "syrups", "label": "Syrups", "kind": "multi", "max_picks": 3,
        "included": 1, "choices": [...]},
       {"id": "name", "label": "Name on cup", "kind": "text",
        "text": {"max_length": 12, "allowed": "A-Z ", "price": 0.5}}],
     "constraints": [
       {"name": "iced-only-in-m-or-l", "kind": "only_with", "when": "temperature.iced",
        "targets": ["size.M", "size.L"], "message": "Iced drinks come in M or L"}]}

>>> t = template_from_dict({"id": "mug", "name": "Mug", "groups": [
...     {"id": "colour", "label": "Colour", "kind": "single", "defaults": ["red"],
...      "choices": [{"id": "red", "label": "Red"}, {"id": "red", "label": "Rouge"}]}]})
Traceback (most recent call last):
...
tailored.errors.InvalidInput: groups[0].choices[1].id: 'red' is used twice in this group
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from tailored.domain.configurator.fields import Fields, money, unique
from tailored.domain.configurator.template import (
    CONSTRAINT_KINDS,
    GROUP_KINDS,
    ONE,
    Choice,
    Constraint,
    ConstraintKind,
    GroupKind,
    OptionGroup,
    Template,
    TextInput,
)
from tailored.domain.identifiers import check_identifier
from tailored.errors import InvalidInput
from tailored.types import JSONObject, JSONScalar

CONSTRAINT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
# The body of one character class: no unescaped brackets, so it cannot become more.
CHARACTER_CLASS = re.compile(r"^(?:\\.|[^\\\[\]])*$")
MAX_GROUPS, MAX_CHOICES, MAX_CONSTRAINTS, MAX_TEXT = 200, 500, 2000, 10_000


def template_from_dict(data: Mapping[str, Any], *, template_id: str | None = None) -> Template:
    """A checked template from its JSON form; `template_id` (e.g. from a URL) fills in or
    must match the ``id`` field."""
    if template_id is not None and isinstance(data, Mapping):
        given = data.get("id")
        if given is not None and given != template_id:
            raise InvalidInput("id", f"is {given!r} but the URL names {template_id!r}")
        data = {**data, "id": template_id}
    top = Fields(data, "", TEMPLATE_FIELDS)
    identifier = top.identifier("id")
    decimals = top.integer("decimals", 2, low=0, high=4)
    groups = tuple(_group(path, value, decimals) for path, value in top.items("groups", MAX_GROUPS))
    if not groups:
        raise InvalidInput("groups", "needs at least one option group")
    unique([(f"groups[{i}].id", g.id) for i, g in enumerate(groups)], "in this template")
    item_id = top.text("item_id", "", limit=256)
    if item_id:
        item_id = check_identifier("item_id", item_id)
    currency = top.text("currency", "EUR", limit=8).strip()
    if not currency:
        raise InvalidInput("currency", "must be a currency code, e.g. EUR")
    shape = Template(identifier, top.text("name", "") or identifier, groups)
    rules = top.items("constraints", MAX_CONSTRAINTS)
    constraints = tuple(_constraint(path, value, shape) for path, value in rules)
    unique(
        [(f"constraints[{i}].name", c.name) for i, c in enumerate(constraints)],
        "among the constraints",
    )
    return Template(
        id=identifier,
        name=shape.name,
        groups=groups,
        constraints=constraints,
        base_price=top.money("base_price", decimals),
        currency=currency,
        decimals=decimals,
        item_id=item_id or None,
        description=top.text("description", "", limit=MAX_TEXT),
    )


TEMPLATE_FIELDS = (
    "id",
    "name",
    "description",
    "currency",
    "decimals",
    "base_price",
    "item_id",
    "groups",
    "constraints",
)
GROUP_FIELDS = (
    "id",
    "label",
    "description",
    "kind",
    "required",
    "min_picks",
    "max_picks",
    "defaults",
    "included",
    "choices",
    "text",
)
CHOICE_FIELDS = ("id", "label", "description", "price", "multiplier", "attributes")
TEXT_FIELDS = ("max_length", "min_length", "allowed", "price", "price_per_character", "attribute")
CONSTRAINT_FIELDS = ("name", "kind", "when", "targets", "message")


def _choice(path: str, value: Any, decimals: int) -> Choice:
    field = Fields(value, path, CHOICE_FIELDS)
    choice_id = field.identifier("id")
    multiplier = money(value.get("multiplier"), field.at("multiplier"), 4, ONE)
    if multiplier <= 0:
        raise InvalidInput(field.at("multiplier"), "must be above 0")
    attributes = field.get("attributes", dict, {}, "an object of name -> value")
    for name, attribute in attributes.items():
        if not isinstance(attribute, str | int | float | bool) and attribute is not None:
            raise InvalidInput(f"{field.at('attributes')}.{name}", "must be a text, number or bool")
    return Choice(
        id=choice_id,
        label=field.text("label", choice_id),
        price=field.money("price", decimals),
        multiplier=multiplier.normalize() if multiplier != ONE else ONE,
        attributes=cast(dict[str, JSONScalar], dict(attributes)),
        description=field.text("description", "", limit=MAX_TEXT),
    )


def _text_input(path: str, value: Any, decimals: int) -> TextInput:
    field = Fields(value, path, TEXT_FIELDS)
    max_length = field.integer("max_length", None, low=1, high=MAX_TEXT)
    min_length = field.integer("min_length", 1, low=1, high=max_length)
    allowed = field.text("allowed", "", limit=200)
    if not CHARACTER_CLASS.match(allowed):
        raise InvalidInput(
            field.at("allowed"), "must be the inside of a character class, e.g. 'A-Z0-9 '"
        )
    try:
        if allowed:  # empty: any text without control characters (TextInput)
            re.compile(f"[^{allowed}]")
    except re.error as error:
        raise InvalidInput(
            field.at("allowed"), f"is not a valid character class: {error}"
        ) from None
    attribute = field.get("attribute", str, None, "an attribute name")
    return TextInput(
        max_length=max_length,
        min_length=min_length,
        allowed=allowed,
        price=field.money("price", decimals),
        price_per_character=field.money("price_per_character", decimals),
        attribute=attribute or None,
    )


def _group(path: str, value: Any, decimals: int) -> OptionGroup:
    field = Fields(value, path, GROUP_FIELDS)
    group_id = field.identifier("id")
    kind = field.text("kind", "single")
    if kind not in GROUP_KINDS:
        raise InvalidInput(field.at("kind"), f"must be one of {', '.join(GROUP_KINDS)}")
    required = field.get("required", bool, False, "true or false")
    label = field.text("label", group_id)
    description = field.text("description", "", limit=MAX_TEXT)
    if kind == "text":
        for key in ("choices", "defaults", "min_picks", "max_picks", "included"):
            if value.get(key) is not None:
                raise InvalidInput(field.at(key), "is not used by a text group (see 'text')")
        if "text" not in value:
            raise InvalidInput(field.at("text"), "is required for a text group")
        spec = _text_input(field.at("text"), value["text"], decimals)
        return OptionGroup(group_id, label, "text", required, text=spec, description=description)
    if value.get("text") is not None:
        raise InvalidInput(field.at("text"), "is only for groups of kind 'text'")
    listed = field.items("choices", MAX_CHOICES)
    choices = tuple(_choice(p, v, decimals) for p, v in listed)
    if not choices:
        raise InvalidInput(field.at("choices"), "needs at least one choice")
    unique([(f"{p}.id", c.id) for (p, _), c in zip(listed, choices, strict=True)], "in this group")
    min_picks, max_picks = _pick_limits(field, cast(GroupKind, kind), required, len(choices))
    defaults = tuple(_defaults(field, choices, min_picks, max_picks))
    included = field.integer("included", 0, low=0, high=max_picks)
    return OptionGroup(
        id=group_id,
        label=label,
        kind=cast(GroupKind, kind),
        required=required,
        min_picks=min_picks,
        max_picks=max_picks,
        defaults=defaults,
        choices=choices,
        included=included,
        description=description,
    )


def _pick_limits(field: Fields, kind: GroupKind, required: bool, count: int) -> tuple[int, int]:
    if kind == "single":
        max_picks = field.integer("max_picks", 1, low=1, high=1)
        min_picks = field.integer("min_picks", 1 if required else 0, low=0, high=1)
    else:
        max_picks = field.integer("max_picks", count, low=1, high=count)
        min_picks = field.integer("min_picks", 1 if required else 0, low=0, high=max_picks)
    if required and min_picks == 0:
        raise InvalidInput(field.at("min_picks"), "must be at least 1 for a required group")
    return min_picks, max_picks


def _defaults(
    field: Fields, choices: tuple[Choice, ...], min_picks: int, max_picks: int
) -> list[str]:
    known = {c.id for c in choices}
    listed = field.items("defaults", MAX_CHOICES)
    defaults: list[str] = []
    for path, choice_id in listed:
        if choice_id not in known:
            raise InvalidInput(path, f"{choice_id!r} is not one of this group's choices")
        defaults.append(choice_id)
    unique(list(zip([p for p, _ in listed], defaults, strict=True)), "among the defaults")
    if len(defaults) > max_picks:
        raise InvalidInput(field.at("defaults"), f"has {len(defaults)}; at most {max_picks}")
    if defaults and len(defaults) < min_picks:
        raise InvalidInput(field.at("defaults"), f"has {len(defaults)}; at least {min_picks}")
    return defaults


def _constraint(path: str, value: Any, template: Template) -> Constraint:
    field = Fields(value, path, CONSTRAINT_FIELDS)
    name = field.identifier("name", CONSTRAINT_NAME, 128)
    kind = field.text("kind")
    if kind not in CONSTRAINT_KINDS:
        raise InvalidInput(field.at("kind"), f"must be one of {', '.join(CONSTRAINT_KINDS)}")
    when = _reference(field.at("when"), field.text("when"), template)
    targets = [(p, _reference(p, t, template)) for p, t in field.items("targets", MAX_CHOICES)]
    if not targets:
        raise InvalidInput(field.at("targets"), "needs at least one choice or group")
    unique(targets, "among the targets")
    for target_path, target in targets:
        if target == when:
            raise InvalidInput(target_path, "is the constraint's own 'when'")
    _check_satisfiable(field, cast(ConstraintKind, kind), when, targets, template)
    message = field.text("message", "") or _default_message(kind, when, targets, template)
    return Constraint(name, cast(ConstraintKind, kind), when, tuple(t for _, t in targets), message)


def _reference(path: str, value: Any, template: Template) -> str:
    if not isinstance(value, str):
        raise InvalidInput(path, "must be 'group' or 'group.choice'")
    group_id, dot, choice_id = value.partition(".")
    group = template.group(group_id)
    if group is None:
        raise InvalidInput(path, f"{value!r}: there is no option group {group_id!r}")
    if dot and group.choice(choice_id) is None:
        raise InvalidInput(path, f"{value!r}: group {group_id!r} has no choice {choice_id!r}")
    return value


def _check_satisfiable(
    field: Fields,
    kind: ConstraintKind,
    when: str,
    targets: list[tuple[str, str]],
    template: Template,
) -> None:
    """A rule that no design could ever meet is a mistake in the template."""
    when_group = when.partition(".")[0]
    group = template.group(when_group)
    if kind == "excludes" or group is None or group.kind != "single" or "." not in when:
        return
    # Another choice of the same single-choice group can never be picked alongside.
    impossible = [(p, t) for p, t in targets if "." in t and t.partition(".")[0] == when_group]
    if kind == "requires" and impossible:
        path, target = impossible[0]
        raise InvalidInput(path, f"{target!r} can never be picked together with {when!r}")
    if kind == "only_with" and len(impossible) == len(targets):
        raise InvalidInput(field.at("targets"), f"none can be picked together with {when!r}")


def _default_message(
    kind: str, when: str, targets: list[tuple[str, str]], template: Template
) -> str:
    subject = template.label_of(when)
    if kind == "requires":
        return f"{subject} requires {' and '.join(template.label_of(t) for _, t in targets)}"
    names = " or ".join(template.label_of(t) for _, t in targets)
    if kind == "excludes":
        return f"{subject} cannot be combined with {names}"
    return f"{subject} is only available with {names}"


def _number(amount: Decimal) -> int | float:
    """A price as a JSON number that reads back to the same Decimal."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def template_to_dict(template: Template) -> JSONObject:
    """The template's JSON form, every field explicit (what `template_from_dict` reads)."""
    return {
        "id": template.id,
        "name": template.name,
        "description": template.description,
        "currency": template.currency,
        "decimals": template.decimals,
        "base_price": _number(template.base_price),
        "item_id": template.item_id,
        "groups": [_group_dict(g) for g in template.groups],
        "constraints": [
            {
                "name": c.name,
                "kind": c.kind,
                "when": c.when,
                "targets": list(c.targets),
                "message": c.message,
            }
            for c in template.constraints
        ],
    }


def _group_dict(group: OptionGroup) -> JSONObject:
    common: JSONObject = {
        "id": group.id,
        "label": group.label,
        "description": group.description,
        "kind": group.kind,
        "required": group.required,
    }
    if group.text is not None:
        spec = group.text
        common["text"] = {
            "max_length": spec.max_length,
            "min_length": spec.min_length,
            "allowed": spec.allowed,
            "price": _number(spec.price),
            "price_per_character": _number(spec.price_per_character),
            "attribute": spec.attribute,
        }
        return common
    return common | {
        "min_picks": group.min_picks,
        "max_picks": group.max_picks,
        "defaults": list(group.defaults),
        "included": group.included,
        "choices": [
            {
                "id": c.id,
                "label": c.label,
                "description": c.description,
                "price": _number(c.price),
                "multiplier": _number(c.multiplier),
                "attributes": dict(c.attributes),
            }
            for c in group.choices
        ],
    }


__all__ = ["template_from_dict", "template_to_dict"]
