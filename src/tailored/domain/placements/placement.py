"""Placements as the business keeps them: each change a new version, never rewritten.

A placement is a slot on a surface ('home', 'item_page', 'email') with the strategy that
ranks its lists. Stored placements (`engine.placements`) have versions; one of them is in
force (the newest, unless an older one was activated again to roll back). A placement
only named in `TAILORED_PLACEMENTS` is served from there until one is stored by its name.

>>> from datetime import UTC, datetime
>>> at = datetime(2026, 1, 1, tzinfo=UTC)
>>> home = Placement("home", "Top picks", Strategy(), "stored", version=2, latest_version=3,
...                  updated_at=at)
>>> home.source, home.rolled_back
(StrategySource(placement='home', version=2, origin='stored'), True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tailored.domain.placements.strategy import Strategy
from tailored.domain.recommendations import StrategySource

PlacementOrigin = Literal["stored", "settings"]


@dataclass(frozen=True, slots=True)
class Placement:
    """A placement and the strategy in force: from its stored `version` (the newest is
    `latest_version`), or from the settings (`origin` 'settings', no versions)."""

    id: str
    description: str
    strategy: Strategy
    origin: PlacementOrigin
    version: int | None = None
    latest_version: int | None = None
    updated_at: datetime | None = None  # when the version in force was made or activated

    @property
    def source(self) -> StrategySource:
        """What answers ranked by this placement say about it."""
        return StrategySource(self.id, self.version, self.origin)

    @property
    def rolled_back(self) -> bool:
        """An older version is in force than the newest one."""
        return self.version is not None and self.version != self.latest_version


@dataclass(frozen=True, slots=True)
class PlacementVersion:
    """One stored version of a placement, and whether it is the one in force.

    >>> from datetime import UTC, datetime
    >>> PlacementVersion("home", 1, "", Strategy(), datetime(2026, 1, 1, tzinfo=UTC),
    ...                  active=True).version
    1
    """

    placement_id: str
    version: int
    description: str
    strategy: Strategy
    created_at: datetime
    active: bool


__all__ = ["Placement", "PlacementOrigin", "PlacementVersion"]
