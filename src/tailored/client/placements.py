"""Placements and their versions, as `engine.placements` offers them (an admin key).

Placements and versions are the domain's own values (`Placement`, `PlacementVersion`),
their strategies read back from the JSON the server answers with.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.placements.document import placement_from_dict, strategy_from_dict
from tailored.domain.placements.placement import Placement, PlacementVersion

PLACEMENT = "/v1/placements/{placement_id}"
LIST = Route("GET", "/v1/placements", idempotent=True)
GET = Route("GET", PLACEMENT, idempotent=True)
SET = Route("PUT", PLACEMENT, idempotent=True)  # the same document again changes nothing
HISTORY = Route("GET", PLACEMENT + "/versions", idempotent=True)
ACTIVATE = Route("POST", PLACEMENT + "/versions/{version}/activate", idempotent=True)


def read_placement(data: Any) -> Placement:
    return Placement(
        id=data["id"],
        description=data["description"],
        strategy=strategy_from_dict(data["strategy"]),
        origin=data["origin"],
        version=data["version"],
        latest_version=data["latest_version"],
        updated_at=reading.maybe_moment(data["updated_at"]),
    )


def read_version(data: Any) -> PlacementVersion:
    return PlacementVersion(
        placement_id=data["placement_id"],
        version=data["version"],
        description=data["description"],
        strategy=strategy_from_dict(data["strategy"]),
        created_at=reading.moment(data["created_at"]),
        active=data["active"],
    )


class Placements(Resource[Mode]):
    """How each placement ranks: set a new version, read them, roll back.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> home = client.placements.set({"id": "home", "strategy": {"diversity": {"strength": 0.3}}})
    >>> home.version, home.strategy.diversity.strength
    (1, 0.3)
    >>> [v.version for v in client.placements.history("home")]
    [1]
    >>> engine.close()
    """

    @operation(LIST)
    def list(self) -> Call[builtins.list[Placement]]:
        """Every placement with a strategy in force, stored or from the settings."""
        return LIST.call(lambda data: builtins.list(reading.rows(data, read_placement)))

    @operation(GET)
    def get(self, placement_id: str) -> Call[Placement]:
        return GET.call(read_placement, path={"placement_id": placement_id})

    @operation(SET)
    def set(
        self, document: Mapping[str, Any], *, placement_id: str | None = None
    ) -> Call[Placement]:
        """Store ``{"id": ..., "description": ..., "strategy": {...}}`` as the placement's
        new version, in force from the server's next refresh (`placement_id` fills in or
        must match the id). Checked here first: a mistake names its field unsent."""
        identifier, _, _ = placement_from_dict(document, placement_id=placement_id)
        body = {key: value for key, value in document.items() if key != "id"}
        return SET.call(read_placement, path={"placement_id": identifier}, body=body)

    @operation(HISTORY)
    def history(self, placement_id: str) -> Call[builtins.list[PlacementVersion]]:
        """Every stored version, newest first."""
        return HISTORY.call(
            lambda data: builtins.list(reading.rows(data, read_version)),
            path={"placement_id": placement_id},
        )

    @operation(ACTIVATE)
    def activate(self, placement_id: str, version: int) -> Call[Placement]:
        """Put an older version back in force (a rollback)."""
        return ACTIVATE.call(
            read_placement, path={"placement_id": placement_id, "version": version}
        )


__all__ = ["Placements", "read_placement", "read_version"]
