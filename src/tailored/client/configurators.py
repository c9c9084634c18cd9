"""The product configurator: templates, validating and pricing designs as the user
clicks, saved designs and reordering them, as `engine.configurators` offers them.

Templates, validations and analytics are the domain's own values (`TemplateVersion`,
`Validation`, `ConfiguratorAnalytics`); money is a `Decimal`. A design that breaks rules
raises `InvalidDesign` (an `InvalidInput`) with every violation, as in-process. A reorder
(or an order of a configuration) without `order_id` gets one made here, so sending it
again records one purchase.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route, nothing
from tailored.client.designs import Reorder, SavedDesign
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.configurator.analytics import (
    ChoiceCount,
    ConfiguratorAnalytics,
    GroupCounts,
    PairCount,
)
from tailored.domain.configurator.definition import template_from_dict
from tailored.domain.configurator.designs import ConfiguredOrder, TemplateVersion
from tailored.domain.configurator.template import PriceLine, Validation, Violation
from tailored.domain.identifiers import check_identifier
from tailored.domain.results import Page

TEMPLATE = "/v1/configurators/{configurator_id}"
DESIGNS = "/v1/users/{user_id}/designs"
DEFINE = Route("PUT", TEMPLATE, idempotent=True)  # the same definition again changes nothing
GET = Route("GET", TEMPLATE, idempotent=True)
LIST = Route("GET", "/v1/configurators", idempotent=True)
VALIDATE = Route("POST", TEMPLATE + "/validate", idempotent=True)  # a read
ANALYTICS = Route("GET", TEMPLATE + "/analytics", idempotent=True)
SAVE_DESIGN = Route("POST", DESIGNS, idempotent=False)  # again: a second design
LIST_DESIGNS = Route("GET", DESIGNS, idempotent=True)
GET_DESIGN = Route("GET", DESIGNS + "/{design_id}", idempotent=True)
DELETE_DESIGN = Route("DELETE", DESIGNS + "/{design_id}", idempotent=True)
REORDER = Route("POST", DESIGNS + "/{design_id}/reorder", idempotent=True)  # with an order id
ORDER = Route("POST", TEMPLATE + "/order", idempotent=True)  # with an order id

Choices = Mapping[str, str | Sequence[str]]
"""group id -> choice id, list of choice ids, or text; a group left out gets its defaults."""


def read_template(data: Any) -> TemplateVersion:
    definition = {k: v for k, v in data.items() if k not in ("version", "created_at", "updated_at")}
    return TemplateVersion(
        template=template_from_dict(definition),
        version=data["version"],
        created_at=reading.moment(data["created_at"]),
        updated_at=reading.moment(data["updated_at"]),
    )


def read_violation(data: Any) -> Violation:
    return Violation(
        name=data["name"],
        kind=data["kind"],
        message=data["message"],
        groups=reading.texts(data["groups"]),
        choices=reading.texts(data["choices"]),
    )


def read_price_line(data: Any) -> PriceLine:
    return PriceLine(
        kind=data["kind"],
        label=data["label"],
        amount=reading.money(data["amount"]),
        group=data["group"],
        choice=data["choice"],
    )


def read_validation(data: Any) -> Validation:
    """The domain's `Validation`: its picks (lists of choice ids) and texts are the
    two kinds of value in the answer's resolved `choices`."""
    choices = data["choices"]
    return Validation(
        template_id=data["configurator_id"],
        version=data["version"],
        total=reading.money(data["price"]),
        currency=data["currency"],
        lines=reading.rows(data["breakdown"], read_price_line),
        picks={g: reading.texts(v) for g, v in choices.items() if isinstance(v, list)},
        texts={g: v for g, v in choices.items() if isinstance(v, str)},
        attributes=dict(data["attributes"]),
        defaults_applied=reading.texts(data["defaults_applied"]),
        violations=reading.rows(data["violations"], read_violation),
    )


def read_design(data: Any) -> SavedDesign:
    return SavedDesign(
        id=data["id"],
        user_id=data["user_id"],
        template_id=data["configurator_id"],
        name=data["name"],
        choices=dict(data["choices"]),
        price=reading.money(data["saved_price"]),
        currency=data["currency"],
        template_version=data["saved_version"],
        created_at=reading.moment(data["created_at"]),
        updated_at=reading.moment(data["updated_at"]),
        price_now=reading.money(data["price"]),
        version_now=data["version"],
        price_changed=data["price_changed"],
        valid_now=data["valid"],
        violations_now=reading.rows(data["violations"], read_violation),
        lines_now=reading.rows(data["breakdown"], read_price_line),
        attributes_now=dict(data["attributes"]),
    )


def _reorder(data: Any) -> Reorder:
    return Reorder(
        design=read_design(data["design"]),
        price=reading.money(data["price"]),
        currency=data["currency"],
        event_id=data["event_id"],
        item_id=data["item_id"],
        duplicate=data["duplicate"],
    )


def _configured_order(data: Any) -> ConfiguredOrder:
    return ConfiguredOrder(
        template_id=data["configurator_id"],
        template_version=data["version"],
        choices=dict(data["choices"]),
        price=reading.money(data["price"]),
        currency=data["currency"],
        event_id=data["event_id"],
        item_id=data["item_id"],
        duplicate=data["duplicate"],
    )


def read_analytics(data: Any) -> ConfiguratorAnalytics:
    return ConfiguratorAnalytics(
        template_id=data["configurator_id"],
        designs=data["designs"],
        groups=tuple(
            GroupCounts(
                group_id=g["id"],
                label=g["label"],
                designs=g["designs"],
                share=g["share"],
                choices=tuple(
                    ChoiceCount(g["id"], c["id"], c["label"], c["count"], c["share"])
                    for c in g["choices"]
                ),
            )
            for g in data["groups"]
        ),
        pairs=tuple(
            PairCount(p["first"], p["second"], p["label"], p["count"], p["share"])
            for p in data["pairs"]
        ),
    )


class Configurators(Resource[Mode]):
    """Templates with option groups, choices, prices and rules; designs users save.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> mug = client.configurators.define({"id": "mug", "name": "Mug", "base_price": 9,
    ...     "groups": [{"id": "colour", "label": "Colour", "defaults": ["white"], "choices": [
    ...         {"id": "white", "label": "White"}, {"id": "red", "label": "Red", "price": 1.5}]}]})
    >>> mug.version, client.configurators.validate("mug", {"colour": "red"}).total
    (1, Decimal('10.5'))
    >>> design = client.configurators.save_design("u42", "mug", "Red mug", {"colour": "red"})
    >>> client.configurators.reorder("u42", design.id, order_id="o-1").price
    Decimal('10.5')
    >>> engine.close()
    """

    @operation(DEFINE)
    def define(
        self, definition: Mapping[str, Any], *, template_id: str | None = None
    ) -> Call[TemplateVersion]:
        """Define a template, or change it (a change makes a new version; the same
        definition again changes nothing). Its id is `template_id`, else the
        definition's ``id``; a mistake is `InvalidInput` naming its path."""
        given = template_id if template_id is not None else definition.get("id")
        path = {"configurator_id": check_identifier("id", given)}
        return DEFINE.call(read_template, path=path, body=dict(definition))

    @operation(GET)
    def get(self, template_id: str, *, version: int | None = None) -> Call[TemplateVersion]:
        """A template (its current version, or `version`), to render it."""
        path = {"configurator_id": template_id}
        return GET.call(read_template, path=path, query=[("version", version)])

    @operation(LIST)
    def list(self) -> Call[builtins.list[TemplateVersion]]:
        """Every template, at its current version."""
        return LIST.call(lambda data: builtins.list(reading.rows(data, read_template)))

    @operation(VALIDATE)
    def validate(self, template_id: str, choices: Choices | None) -> Call[Validation]:
        """Price a design and name every rule it breaks: an answer, valid or not."""
        body = {"choices": dict(choices or {})}
        return VALIDATE.call(read_validation, path={"configurator_id": template_id}, body=body)

    @operation(ANALYTICS)
    def analytics(self, template_id: str, *, top_pairs: int = 20) -> Call[ConfiguratorAnalytics]:
        """Most picked choices per group and most frequent pairs (an admin key)."""
        path = {"configurator_id": template_id}
        return ANALYTICS.call(read_analytics, path=path, query=[("pairs", top_pairs)])

    @operation(SAVE_DESIGN)
    def save_design(
        self, user_id: str, template_id: str, name: str | None, choices: Choices | None
    ) -> Call[SavedDesign]:
        """Save a design for the user, priced; `InvalidDesign` names every rule it
        breaks (nothing is saved). Without a `name` (None) the server names it ("My
        sneaker", "My sneaker 2"). Never sent twice: each call saves a design."""
        body: dict[str, Any] = {"configurator_id": template_id, "choices": dict(choices or {})}
        if name is not None:
            body["name"] = name
        return SAVE_DESIGN.call(read_design, path={"user_id": user_id}, body=body)

    @operation(LIST_DESIGNS)
    def list_designs(
        self,
        user_id: str,
        *,
        template_id: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Call[Page[SavedDesign]]:
        """A page of the user's designs, newest first, each priced again today."""
        query = [("configurator", template_id), ("cursor", cursor), ("limit", limit)]
        return LIST_DESIGNS.call(
            lambda data: reading.page(data, "designs", read_design),
            path={"user_id": user_id},
            query=query,
        )

    @operation(GET_DESIGN)
    def get_design(self, user_id: str, design_id: int) -> Call[SavedDesign]:
        path = {"user_id": user_id, "design_id": design_id}
        return GET_DESIGN.call(read_design, path=path)

    @operation(DELETE_DESIGN)
    def delete_design(self, user_id: str, design_id: int) -> Call[None]:
        return DELETE_DESIGN.call(nothing, path={"user_id": user_id, "design_id": design_id})

    @operation(REORDER)
    def reorder(
        self, user_id: str, design_id: int, *, order_id: str | None = None
    ) -> Call[Reorder]:
        """Order a saved design again at today's price (a `purchase` event); the same
        `order_id` again records nothing twice. A design the current template refuses
        raises `InvalidDesign`."""
        body = {"order_id": order_id if order_id is not None else uuid.uuid4().hex}
        path = {"user_id": user_id, "design_id": design_id}
        return REORDER.call(_reorder, path=path, body=body)

    @operation(ORDER)
    def order(
        self,
        user_id: str,
        template_id: str,
        choices: Choices | None,
        *,
        order_id: str | None = None,
    ) -> Call[ConfiguredOrder]:
        """Order a configuration as it is, without saving a design (a `purchase` event
        with the choices in its context); the same `order_id` again records nothing
        twice. A configuration that breaks rules raises `InvalidDesign`."""
        body = {
            "user_id": user_id,
            "choices": dict(choices or {}),
            "order_id": order_id if order_id is not None else uuid.uuid4().hex,
        }
        return ORDER.call(_configured_order, path={"configurator_id": template_id}, body=body)


__all__ = ["Choices", "Configurators"]
