"""`engine.placements`: how each placement ranks, stored in the database with versions.

Where a placement's strategy comes from, first match wins:

1. its version in force in the database (`set` makes a new version and puts it in force,
   `activate` puts an older one back: a rollback);
2. `Settings.placements` (`TAILORED_PLACEMENTS`), the seed for placements not stored yet;
3. the same two for the placement named 'default';
4. the built-in strategy (no boosts, no diversity, the user's own items left out).

Serving keeps what is in force in memory and re-reads it with the rest of its state
(`Settings.serving_refresh_seconds`); a change made through this service asks serving in
this process to re-read at once.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from tailored.config import PlacementSettings
from tailored.domain.identifiers import check_identifier
from tailored.domain.placements.document import (
    placement_from_dict,
    strategy_from_dict,
    strategy_to_dict,
)
from tailored.domain.placements.placement import Placement, PlacementVersion
from tailored.domain.placements.strategy import (
    BoostSpec,
    DiversitySpec,
    FilterSpec,
    Strategy,
)
from tailored.domain.recommendations import Boost
from tailored.engine.audit import Audit
from tailored.engine.model_params import model_kind
from tailored.errors import InvalidInput, NotFound, TailoredError
from tailored.storage import placements as store
from tailored.storage.database import Database

log = logging.getLogger(__name__)

_MAX_VERSION = 2**31  # past the column's range: no such version


class Placements:
    """Placements and their strategies, each change a new version.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> home = engine.placements.set({"id": "home", "description": "Top picks",
    ...                               "strategy": {"diversity": {"strength": 0.3}}})
    >>> home.version, home.strategy.diversity.strength
    (1, 0.3)
    >>> engine.placements.set({"id": "home", "strategy": {}}).version
    2
    >>> engine.placements.activate("home", 1).strategy.diversity.strength
    0.3
    >>> [(v.version, v.active) for v in engine.placements.history("home")]
    [(2, False), (1, True)]
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        seeds: Mapping[str, PlacementSettings],
        *,
        now: Callable[[], datetime],
        changed: Callable[[], None],
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._audit = audit or Audit(db, now=now)
        self._seeds = {name: seeded(name, spec) for name, spec in seeds.items()}
        self._now = now
        self._changed = changed  # serving re-reads its state (after the commit)

    def list(self) -> builtins.list[Placement]:
        """Every placement with a strategy in force, stored or from the settings, by id."""
        with self._db.reading() as conn:
            stored = store.all_current(conn)
        return sorted(in_force(stored, self._seeds).values(), key=lambda p: p.id)

    def get(self, placement_id: str) -> Placement:
        """A placement's strategy in force (stored wins over the settings)."""
        placement_id = check_identifier("placement_id", placement_id)
        with self._db.reading() as conn:
            stored = store.current(conn, placement_id)
        found = in_force([stored] if stored else [], self._seeds).get(placement_id)
        if found is None:
            raise NotFound("placement", placement_id)
        return found

    def set(self, document: Mapping[str, Any], *, placement_id: str | None = None) -> Placement:
        """Store a placement's strategy as a new version and put it in force, from
        ``{"id": ..., "description": ..., "strategy": {...}}`` (`placement_id`, e.g. from
        a URL, fills in or must match the id). The same description and strategy as the
        version in force change nothing. Raises `InvalidInput` naming the field at fault,
        e.g. ``strategy.boosts.rules[0].factor``."""
        identifier, description, strategy = placement_from_dict(document, placement_id=placement_id)
        _check_model(strategy)
        canonical = strategy_to_dict(strategy)
        now = self._now()
        with self._db.writing() as conn:
            version, latest = store.lock_placement(conn, identifier, now=now)
            current = store.get_version(conn, identifier, version) if version else None
            if current is None or (current.description, current.strategy) != (
                description,
                canonical,
            ):
                store.add_version(
                    conn, identifier, latest + 1,
                    description=description, strategy=canonical, now=now,
                )  # fmt: skip
                detail = {"version": latest + 1}
                self._audit.record("placement.set", target=identifier, detail=detail, conn=conn)
            found = store.current(conn, identifier)
        self._changed()
        assert found is not None
        return _stored(found)

    def activate(self, placement_id: str, version: int) -> Placement:
        """Put a stored version back in force (a rollback; the versions stay as they are)."""
        placement_id = check_identifier("placement_id", placement_id)
        if not 0 < version < _MAX_VERSION:
            raise NotFound("placement version", f"{placement_id} {version}")
        with self._db.writing() as conn:
            if store.get_version(conn, placement_id, version) is None:
                raise NotFound("placement version", f"{placement_id} {version}")
            in_force_now, _ = store.lock_placement(conn, placement_id, now=self._now())
            if in_force_now != version:
                store.activate(conn, placement_id, version, now=self._now())
                detail = {"version": version, "was": in_force_now}
                self._audit.record(
                    "placement.activate", target=placement_id, detail=detail, conn=conn
                )
            found = store.current(conn, placement_id)
        self._changed()
        assert found is not None
        return _stored(found)

    def history(self, placement_id: str) -> builtins.list[PlacementVersion]:
        """Every stored version of a placement, newest first ([] for a placement only the
        settings name)."""
        placement_id = check_identifier("placement_id", placement_id)
        with self._db.reading() as conn:
            stored = store.current(conn, placement_id)
            found = store.versions(conn, placement_id)
        if not found and placement_id not in self._seeds:
            raise NotFound("placement", placement_id)
        active = stored.version if stored else None
        return [
            PlacementVersion(
                placement_id=v.placement_id,
                version=v.version,
                description=v.description,
                strategy=strategy_from_dict(v.strategy),
                created_at=v.created_at,
                active=v.version == active,
            )
            for v in found
        ]


def in_force(
    stored: Sequence[store.StoredPlacement], seeds: Mapping[str, Placement]
) -> dict[str, Placement]:
    """Every placement with a strategy, by id: the stored ones, and the seeds of the
    settings for the others. A stored strategy this version of tailored cannot read any
    more is skipped (and logged), so serving goes on with the seed or the default."""
    found = dict(seeds)
    for row in stored:
        try:
            found[row.id] = _stored(row)
        except TailoredError as error:
            log.warning("placement %r version %s is unusable: %s", row.id, row.version, error)
    return found


def seeded(name: str, spec: PlacementSettings) -> Placement:
    """A placement of `Settings.placements`: the flat settings as pipeline steps."""
    strategy = Strategy(
        filters=FilterSpec(
            exclude_seen=spec.exclude_seen, exclude_purchased=spec.exclude_purchased
        ),
        boosts=BoostSpec(
            rules=tuple(
                Boost(
                    factor=b.factor,
                    category=b.category,
                    attribute=b.attribute,
                    value=b.value,
                    items=tuple(b.items),
                    when=dict(b.when),
                )
                for b in spec.boosts
            ),
            preference_weight=spec.preference_weight,
        ),
        diversity=DiversitySpec(spec.diversity),
    )
    return Placement(name, "", strategy, "settings")


def _stored(row: store.StoredPlacement) -> Placement:
    return Placement(
        id=row.id,
        description=row.description,
        strategy=strategy_from_dict(row.strategy),
        origin="stored",
        version=row.version,
        latest_version=row.latest,
        updated_at=row.updated_at,
    )


def _check_model(strategy: Strategy) -> None:
    model = strategy.candidates.model
    if model is not None:
        try:
            model_kind(model)
        except InvalidInput as error:
            raise InvalidInput("strategy.candidates.model", error.problem) from None


__all__ = ["Placements", "in_force", "seeded"]
