"""The product configurator's values: templates, designs, and what validating a design says.

A template is a product the user builds (a sneaker, a coffee drink, a subscription plan):
option groups of choices or free text, constraints between choices, and price rules. A
design is what the user chose; `configurator_rules.validate` prices it line by line and
names every rule it breaks. Templates are read from JSON by `configurator_definition`.

Choices are named ``group.choice`` wherever a constraint or a violation refers to them,
and a group alone by its id (ids never contain dots).

>>> from decimal import Decimal
>>> size = OptionGroup("size", "Size", "single", required=True, min_picks=1,
...                    choices=(Choice("S", "Small", price=Decimal("2.50")),
...                             Choice("L", "Large", price=Decimal("3.50"))),
...                    defaults=("S",))
>>> coffee = Template("coffee", "Coffee", groups=(size,))
>>> coffee.group("size").choice("L").price
Decimal('3.50')
>>> ref("size", "L")
'size.L'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from tailored.errors import InvalidInput
from tailored.types import JSONScalar, JSONValue

GroupKind = Literal["single", "multi", "text"]
GROUP_KINDS: tuple[GroupKind, ...] = ("single", "multi", "text")
ConstraintKind = Literal["requires", "excludes", "only_with"]
CONSTRAINT_KINDS: tuple[ConstraintKind, ...] = ("requires", "excludes", "only_with")
ViolationKind = Literal["requires", "excludes", "only_with", "structure"]
PriceLineKind = Literal["base", "choice", "text", "included", "multiplier"]

ZERO = Decimal(0)
ONE = Decimal(1)


def ref(group_id: str, choice_id: str | None = None) -> str:
    """How constraints and violations name a choice (``group.choice``) or a group."""
    return group_id if choice_id is None else f"{group_id}.{choice_id}"


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a group: its price delta, an optional price multiplier (applied to
    the whole subtotal, e.g. annual billing x10) and the attributes it sets.

    >>> Choice("oat", "Oat milk", price=Decimal("0.50"), attributes={"dairy": False}).price
    Decimal('0.50')
    """

    id: str
    label: str
    price: Decimal = ZERO
    multiplier: Decimal = ONE
    attributes: Mapping[str, JSONScalar] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True, slots=True)
class TextInput:
    """What a free-text group accepts and costs.

    `allowed` is the body of a regular-expression character class (``"A-Z0-9 "``); empty
    allows any printable text. The price is `price` for any text plus
    `price_per_character` per character; `attribute` names the attribute it sets.

    >>> heel = TextInput(max_length=12, allowed="A-Z0-9 ", price=Decimal(5))
    >>> heel.problem("ANNA 1"), heel.problem("anna")
    (None, "'a' is not allowed; use only A-Z0-9 and spaces")
    """

    max_length: int
    min_length: int = 1
    allowed: str = ""
    price: Decimal = ZERO
    price_per_character: Decimal = ZERO
    attribute: str | None = None
    _forbidden: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A character outside the class; control characters are never allowed.
        body = f"[^{self.allowed}]" if self.allowed else "[\\x00-\\x1f\\x7f]"
        object.__setattr__(self, "_forbidden", re.compile(body))

    def problem(self, text: str) -> str | None:
        """Why `text` is refused (characters only; lengths are the group's check)."""
        bad = self._forbidden.search(text)
        if bad is None:
            bad = re.search("[\\x00-\\x1f\\x7f]", text)
        if bad is None:
            return None
        return f"{bad.group()!r} is not allowed; use only {self.describe_allowed()}"

    def describe_allowed(self) -> str:
        if not self.allowed:
            return "printable characters"
        spaces = " " in self.allowed
        rest = self.allowed.replace(" ", "")
        return f"{rest} and spaces" if spaces and rest else rest or "spaces"

    def price_of(self, text: str) -> Decimal:
        return self.price + self.price_per_character * len(text)


@dataclass(frozen=True, slots=True)
class OptionGroup:
    """A question the configurator asks: pick one (`single`), pick several (`multi`) or
    type a text (`text`, described by `text`).

    A required group needs at least `min_picks` (at least 1) picks; an optional group may
    stay empty, but once anything is picked `min_picks` applies. `defaults` are the
    choices a design gets when it says nothing about the group. `included` picks are
    free: the that many cheapest picks of the group cost nothing ("one syrup included").

    >>> milk = OptionGroup("milk", "Milk", "single", choices=(Choice("oat", "Oat"),))
    >>> milk.choice("oat").label, milk.choice("cow")
    ('Oat', None)
    """

    id: str
    label: str
    kind: GroupKind
    required: bool = False
    min_picks: int = 0
    max_picks: int = 1
    defaults: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    text: TextInput | None = None
    included: int = 0
    description: str = ""
    _by_id: dict[str, Choice] = field(init=False, repr=False, compare=False)
    _lines: dict[str, PriceLine] = field(init=False, repr=False, compare=False)
    _refs: dict[str, str] = field(init=False, repr=False, compare=False)
    _scales: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Built once per template: validating a design then only looks them up.
        object.__setattr__(self, "_by_id", {c.id: c for c in self.choices})
        lines = {
            c.id: PriceLine("choice", f"{self.label}: {c.label}", c.price, self.id, c.id)
            for c in self.choices
        }
        object.__setattr__(self, "_lines", lines)
        object.__setattr__(self, "_refs", {c.id: ref(self.id, c.id) for c in self.choices})
        object.__setattr__(self, "_scales", any(c.multiplier != 1 for c in self.choices))

    def choice(self, choice_id: str) -> Choice | None:
        return self._by_id.get(choice_id)

    def price_line(self, choice_id: str) -> PriceLine:
        """The breakdown line of one of the group's choices."""
        return self._lines[choice_id]

    @property
    def scales(self) -> bool:
        """Whether a choice of the group multiplies the price."""
        return self._scales

    def reference(self, choice_id: str) -> str:
        """``group.choice`` for one of the group's choices."""
        return self._refs[choice_id]


@dataclass(frozen=True, slots=True)
class Constraint:
    """A rule between choices, named by the business, with a message for the user.

    When `when` (a choice ``group.choice``, or a group: anything picked or typed in it)
    is in the design:

    - ``requires``: every target must be there too;
    - ``excludes``: no target may be there;
    - ``only_with``: at least one target must be there.

    >>> Constraint("iced-only-in-m-or-l", "only_with", "temperature.iced",
    ...            ("size.M", "size.L"), "Iced drinks come in M or L").kind
    'only_with'
    """

    name: str
    kind: ConstraintKind
    when: str
    targets: tuple[str, ...]
    message: str


@dataclass(frozen=True, slots=True)
class Template:
    """A product to configure. `item_id` names the catalog item a design of it is sold
    as (purchases of designs are recorded against it); `decimals` is the currency's
    minor unit (2 for EUR, 0 for JPY).

    >>> Template("plan", "Plan", groups=()).currency
    'EUR'
    """

    id: str
    name: str
    groups: tuple[OptionGroup, ...]
    constraints: tuple[Constraint, ...] = ()
    base_price: Decimal = ZERO
    currency: str = "EUR"
    decimals: int = 2
    item_id: str | None = None
    description: str = ""
    _by_id: dict[str, OptionGroup] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {g.id: g for g in self.groups})

    def group(self, group_id: str) -> OptionGroup | None:
        return self._by_id.get(group_id)

    def label_of(self, reference: str) -> str:
        """A person's name for ``group`` or ``group.choice`` ("Size Large")."""
        group_id, _, choice_id = reference.partition(".")
        group = self.group(group_id)
        if group is None:
            return reference
        choice = group.choice(choice_id) if choice_id else None
        if choice_id:
            return f"{group.label} {choice.label if choice else choice_id}"
        return group.label


Selection = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Design:
    """What the user chose: per group id, a choice id, a list of choice ids, or (text
    groups) the text. A group left out gets its defaults; an empty list picks nothing.

    >>> Design.of({"size": "M", "syrups": ["vanilla", "caramel"]}).choices["syrups"]
    ('vanilla', 'caramel')
    >>> Design.of({"size": 3})
    Traceback (most recent call last):
    ...
    tailored.errors.InvalidInput: choices.size: must be a choice id, a list of choice ids \
or a text
    """

    choices: Mapping[str, Selection] = field(default_factory=dict)

    @classmethod
    def of(cls, choices: Mapping[str, Any] | None) -> Design:
        """A design from JSON-like input; a value of the wrong type is `InvalidInput`."""
        if choices is None:
            return cls({})
        if not isinstance(choices, Mapping):
            raise InvalidInput("choices", "must be an object of group id -> choice(s) or text")
        normal: dict[str, Selection] = {}
        for group_id, value in choices.items():
            if not isinstance(group_id, str):
                raise InvalidInput("choices", "group ids must be texts")
            if isinstance(value, str):
                normal[group_id] = value
            elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                normal[group_id] = tuple(value)
            else:
                raise InvalidInput(
                    f"choices.{group_id}", "must be a choice id, a list of choice ids or a text"
                )
        return cls(normal)


@dataclass(frozen=True, slots=True)
class PriceLine:
    """One line of a price breakdown; the lines add up to the total.

    >>> PriceLine("choice", "Milk: Oat", Decimal("0.50"), group="milk", choice="oat").amount
    Decimal('0.50')
    """

    kind: PriceLineKind
    label: str
    amount: Decimal
    group: str | None = None
    choice: str | None = None


@dataclass(frozen=True, slots=True)
class Violation:
    """A rule the design breaks: a constraint (`name` is the business's name for it) or
    a structural rule of a group (`kind` ``structure``; `name` says which: ``required``,
    ``too_many``, ``unknown_choice``, ``text_too_long``, ...).

    >>> Violation("required", "structure", "Size: choose one", groups=("size",)).field
    'choices.size'
    """

    name: str
    kind: ViolationKind
    message: str
    groups: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        """The part of the request at fault, for errors."""
        if self.kind == "structure" and len(self.groups) == 1:
            return f"choices.{self.groups[0]}"
        return "choices"


@dataclass(frozen=True, slots=True)
class Validation:
    """What a design comes to: the total with its breakdown, the resolved picks, texts
    and attributes, the groups that took their defaults, and every violation.

    >>> v = Validation("coffee", 1, Decimal("3.00"), "EUR", lines=(), picks={"size": ("M",)})
    >>> v.valid, v.choices()
    (True, {'size': ['M']})
    """

    template_id: str
    version: int | None
    total: Decimal
    currency: str
    lines: tuple[PriceLine, ...] = ()
    picks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, JSONValue] = field(default_factory=dict)
    defaults_applied: tuple[str, ...] = ()
    violations: tuple[Violation, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.violations

    def choices(self) -> dict[str, JSONValue]:
        """The resolved design as JSON: lists of choice ids, and texts."""
        resolved: dict[str, JSONValue] = {}
        for group_id, ids in self.picks.items():
            picked: list[JSONValue] = [*ids]
            resolved[group_id] = picked
        resolved.update(self.texts)
        return resolved


class InvalidDesign(InvalidInput):
    """A design that breaks rules of its template (422); `violations` holds every one.

    >>> error = InvalidDesign([Violation("iced-only-in-m-or-l", "only_with",
    ...                                  "Iced drinks come in M or L")])
    >>> str(error)
    'choices: breaks iced-only-in-m-or-l: Iced drinks come in M or L'
    """

    def __init__(self, violations: Sequence[Violation], *, prefix: str = "") -> None:
        self.violations = tuple(violations)
        fields = {v.field for v in self.violations}
        field_name = fields.pop() if len(fields) == 1 else "choices"
        named = "; ".join(f"{v.name}: {v.message}" for v in self.violations)
        count = len(self.violations)
        problem = f"breaks {named}" if count == 1 else f"breaks {count} rules: {named}"
        super().__init__(field_name, prefix + problem)


__all__ = [
    "CONSTRAINT_KINDS",
    "GROUP_KINDS",
    "ONE",
    "ZERO",
    "Choice",
    "Constraint",
    "ConstraintKind",
    "Design",
    "GroupKind",
    "InvalidDesign",
    "OptionGroup",
    "PriceLine",
    "PriceLineKind",
    "Selection",
    "Template",
    "TextInput",
    "Validation",
    "Violation",
    "ViolationKind",
    "ref",
]
