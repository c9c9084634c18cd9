"""Request and response schemas of the configurator endpoints.

Template bodies are checked for JSON types here; what they mean (ids, limits, references,
defaults) is checked by the domain, which names the path of a mistake
(``groups[2].choices[1].id``). Money is a JSON number in the template's currency.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tailored.domain.configurator.analytics import ConfiguratorAnalytics
from tailored.domain.configurator.definition import template_to_dict
from tailored.domain.configurator.designs import (
    ConfiguredOrder,
    Reorder,
    SavedDesign,
    TemplateVersion,
)
from tailored.domain.configurator.template import GroupKind, PriceLineKind, Validation, Violation

Scalar = str | int | float | bool | None
Selection = str | list[str]
Number = Annotated[float, Field(allow_inf_nan=False)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChoiceIn(_In):
    id: str
    label: str | None = None
    description: str | None = None
    price: Number | None = Field(None, description="price delta, e.g. 20 or -5 (default 0)")
    multiplier: Number | None = Field(
        None, description="multiplies the subtotal when picked, e.g. 10 for annual billing"
    )
    attributes: dict[str, Scalar] | None = Field(None, description='e.g. {"colour": "red"}')


class TextIn(_In):
    max_length: int
    min_length: int | None = None
    allowed: str | None = Field(
        None, description="inside of a character class, e.g. 'A-Z0-9 ' (default: any)"
    )
    price: Number | None = Field(None, description="flat price of any text")
    price_per_character: Number | None = None
    attribute: str | None = Field(None, description="attribute the text sets")


class GroupIn(_In):
    id: str
    label: str | None = None
    description: str | None = None
    kind: GroupKind | None = Field(None, description="single (default), multi or text")
    required: bool | None = None
    min_picks: int | None = None
    max_picks: int | None = None
    defaults: list[str] | None = None
    included: int | None = Field(None, description="that many cheapest picks are free")
    choices: list[ChoiceIn] | None = None
    text: TextIn | None = None


class ConstraintIn(_In):
    name: str = Field(description="the business's name for the rule, e.g. iced-only-in-m-or-l")
    kind: Literal["requires", "excludes", "only_with"]
    when: str = Field(description="'group.choice', or 'group' (anything picked in it)")
    targets: list[str]
    message: str | None = Field(None, description="what the user is told (default: generated)")


class TemplateBody(_In):
    """A template definition (the id is in the path)."""

    id: str | None = Field(None, description="optional; must match the path")
    name: str | None = None
    description: str | None = None
    currency: str | None = Field(None, description="default EUR")
    decimals: int | None = Field(None, description="the currency's minor unit (default 2)")
    base_price: Number | None = None
    item_id: str | None = Field(None, description="catalog item that reorders are recorded as")
    groups: list[GroupIn]
    constraints: list[ConstraintIn] | None = None

    def definition(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class ChoiceOut(BaseModel):
    id: str
    label: str
    description: str
    price: float
    multiplier: float
    attributes: dict[str, Scalar]


class TextOut(BaseModel):
    max_length: int
    min_length: int
    allowed: str
    price: float
    price_per_character: float
    attribute: str | None


class GroupOut(BaseModel):
    id: str
    label: str
    description: str
    kind: GroupKind
    required: bool
    min_picks: int | None = None
    max_picks: int | None = None
    defaults: list[str] | None = None
    included: int | None = None
    choices: list[ChoiceOut] | None = None
    text: TextOut | None = None


class ConstraintOut(BaseModel):
    name: str
    kind: Literal["requires", "excludes", "only_with"]
    when: str
    targets: list[str]
    message: str


class TemplateOut(BaseModel):
    id: str
    version: int = Field(description="a change makes a new version; designs keep theirs")
    name: str
    description: str
    currency: str
    decimals: int
    base_price: float
    item_id: str | None
    groups: list[GroupOut]
    constraints: list[ConstraintOut]
    created_at: datetime
    updated_at: datetime = Field(description="when this version was made")

    @classmethod
    def of(cls, version: TemplateVersion) -> TemplateOut:
        return cls.model_validate(
            template_to_dict(version.template)
            | {
                "version": version.version,
                "created_at": version.created_at,
                "updated_at": version.updated_at,
            }
        )


class ChoicesBody(_In):
    choices: dict[str, Selection] = Field(
        default_factory=dict,
        description='group id -> choice id, list of choice ids, or text; e.g. {"size": "M", '
        '"syrups": ["vanilla"], "name_on_cup": "ANN"}. A group left out gets its defaults.',
    )


class DesignBody(ChoicesBody):
    configurator_id: str
    name: Name | None = Field(
        None,
        description='what the user calls the design; left out, it is "My <configurator>", '
        'numbered when the user has one already ("My sneaker 2")',
    )


class ConfigurationOrderBody(ChoicesBody):
    user_id: str = Field(description="who orders")
    order_id: str | None = Field(
        None, description="your id of this order: a retry with the same id is recorded once"
    )


class ReorderBody(_In):
    order_id: str | None = Field(
        None, description="your id of this order: a retry with the same id is recorded once"
    )


class PriceLineOut(BaseModel):
    kind: PriceLineKind
    label: str
    amount: float
    group: str | None
    choice: str | None


class ViolationOut(BaseModel):
    name: str = Field(description="the constraint's name, or the structural rule broken")
    kind: Literal["requires", "excludes", "only_with", "structure"]
    message: str
    field: str
    groups: list[str]
    choices: list[str]

    @classmethod
    def of(cls, violation: Violation) -> ViolationOut:
        return cls(
            name=violation.name,
            kind=violation.kind,
            message=violation.message,
            field=violation.field,
            groups=list(violation.groups),
            choices=list(violation.choices),
        )


def _money(amount: Decimal) -> float:
    return float(amount)


class ValidationOut(BaseModel):
    configurator_id: str
    version: int | None
    valid: bool
    price: float
    currency: str
    breakdown: list[PriceLineOut]
    choices: dict[str, Selection] = Field(description="what was priced, defaults included")
    attributes: dict[str, Any]
    defaults_applied: list[str] = Field(description="groups the design left to their defaults")
    violations: list[ViolationOut]

    @classmethod
    def of(cls, result: Validation) -> ValidationOut:
        return cls(
            configurator_id=result.template_id,
            version=result.version,
            valid=result.valid,
            price=_money(result.total),
            currency=result.currency,
            breakdown=[
                PriceLineOut(
                    kind=line.kind,
                    label=line.label,
                    amount=_money(line.amount),
                    group=line.group,
                    choice=line.choice,
                )
                for line in result.lines
            ],
            choices=result.choices(),
            attributes=dict(result.attributes),
            defaults_applied=list(result.defaults_applied),
            violations=[ViolationOut.of(v) for v in result.violations],
        )


class DesignOut(BaseModel):
    id: int
    user_id: str
    configurator_id: str
    name: str
    choices: dict[str, Selection]
    saved_price: float = Field(description="the price when it was saved")
    saved_version: int = Field(description="the template version it was saved with")
    price: float = Field(description="the price today, against the current version")
    version: int | None = Field(description="the current template version")
    price_changed: bool
    valid: bool = Field(description="whether the current version still allows it")
    violations: list[ViolationOut] = Field(description="what the current version objects to")
    breakdown: list[PriceLineOut]
    attributes: dict[str, Any]
    currency: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, design: SavedDesign) -> DesignOut:
        now = ValidationOut.of(design.current) if design.current is not None else None
        return cls(
            id=design.id,
            user_id=design.user_id,
            configurator_id=design.template_id,
            name=design.name,
            choices=design.choices,
            saved_price=_money(design.price),
            saved_version=design.template_version,
            price=_money(design.price_now),
            version=now.version if now else None,
            price_changed=design.price_changed,
            valid=design.valid_now,
            violations=now.violations if now else [],
            breakdown=now.breakdown if now else [],
            attributes=now.attributes if now else {},
            currency=design.currency,
            created_at=design.created_at,
            updated_at=design.updated_at,
        )


class DesignPage(BaseModel):
    designs: list[DesignOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class ReorderOut(BaseModel):
    design: DesignOut
    event_id: str = Field(description="the purchase event recorded")
    item_id: str
    price: float
    currency: str
    duplicate: bool = Field(description="true when this order id was already recorded")

    @classmethod
    def of(cls, reorder: Reorder) -> ReorderOut:
        return cls(
            design=DesignOut.of(reorder.design),
            event_id=reorder.event_id,
            item_id=reorder.item_id,
            price=_money(reorder.price),
            currency=reorder.currency,
            duplicate=reorder.duplicate,
        )


class ConfiguredOrderOut(BaseModel):
    configurator_id: str
    version: int = Field(description="the template version it was priced with")
    choices: dict[str, Selection] = Field(description="what was ordered, defaults included")
    event_id: str = Field(description="the purchase event recorded")
    item_id: str
    price: float
    currency: str
    duplicate: bool = Field(description="true when this order id was already recorded")

    @classmethod
    def of(cls, order: ConfiguredOrder) -> ConfiguredOrderOut:
        return cls(
            configurator_id=order.template_id,
            version=order.template_version,
            choices=order.choices,
            event_id=order.event_id,
            item_id=order.item_id,
            price=_money(order.price),
            currency=order.currency,
            duplicate=order.duplicate,
        )


class ChoiceCountOut(BaseModel):
    id: str
    label: str
    count: int
    share: float = Field(description="of all designs of the template")


class GroupCountsOut(BaseModel):
    id: str
    label: str
    designs: int = Field(description="designs that picked anything in the group")
    share: float
    choices: list[ChoiceCountOut] = Field(description="most picked first")


class PairCountOut(BaseModel):
    first: str = Field(description="group.choice")
    second: str
    label: str
    count: int
    share: float


class AnalyticsOut(BaseModel):
    configurator_id: str
    designs: int
    groups: list[GroupCountsOut]
    pairs: list[PairCountOut] = Field(description="most frequent pairs of choices")

    @classmethod
    def of(cls, stats: ConfiguratorAnalytics) -> AnalyticsOut:
        return cls(
            configurator_id=stats.template_id,
            designs=stats.designs,
            groups=[
                GroupCountsOut(
                    id=g.group_id,
                    label=g.label,
                    designs=g.designs,
                    share=g.share,
                    choices=[
                        ChoiceCountOut(id=c.choice_id, label=c.label, count=c.count, share=c.share)
                        for c in g.choices
                    ],
                )
                for g in stats.groups
            ],
            pairs=[
                PairCountOut(
                    first=p.first, second=p.second, label=p.label, count=p.count, share=p.share
                )
                for p in stats.pairs
            ],
        )
