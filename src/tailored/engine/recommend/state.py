"""What serving keeps in memory, and how it stays fresh without making requests wait.

The catalog as arrays, trending counts, the active models aligned to the catalog by item
position, the ranking pipeline of every placement (`engine.placements`), and what the
event types mean (their weights among it). It is rebuilt in a background thread every
`serving_refresh_seconds` (0: on every request, for tests); a request always uses a
complete state, old or new.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from tailored.data import Weighting
from tailored.domain.events import EventMeanings
from tailored.domain.models import ModelVersion
from tailored.domain.placements.placement import Placement
from tailored.engine.placements import in_force
from tailored.engine.recommend.answer_cache import AnswerCache
from tailored.models import Recommender, load_model
from tailored.ranking.catalog_index import CatalogIndex
from tailored.ranking.pipeline import Pipelines
from tailored.ranking.trending import Trending
from tailored.storage import placements as placement_store
from tailored.storage import serving as store
from tailored.storage.database import Database

if TYPE_CHECKING:
    from sqlalchemy import Connection

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class ServedModel:
    """An active model version with its items lined up with the catalog's."""

    version: ModelVersion
    model: Recommender
    to_catalog: IntArray  # model item -> catalog position (-1: not in the catalog)
    from_catalog: IntArray  # catalog position -> model item (-1: the model never saw it)

    @classmethod
    def align(cls, version: ModelVersion, model: Recommender, catalog: CatalogIndex) -> ServedModel:
        to_catalog = catalog.items.index(model.items_.ids)
        from_catalog = np.full(len(catalog), -1, dtype=np.int64)
        known = to_catalog >= 0
        from_catalog[to_catalog[known]] = np.flatnonzero(known)
        return cls(version, model, to_catalog, from_catalog)

    def on_catalog(self, items: IntArray, scores: FloatArray) -> tuple[IntArray, FloatArray]:
        """Model items with scores as catalog positions with scores (items the catalog
        does not hold are dropped: nothing could be shown or filtered for them)."""
        positions = self.to_catalog[items]
        known = positions >= 0
        return positions[known], scores[known]


@dataclass(frozen=True, eq=False)
class ServingState:
    catalog: CatalogIndex
    catalog_stamp: tuple[int, str | None]
    trending: Trending
    trending_at: float  # monotonic time of the trending counts
    meanings: EventMeanings  # what the event types mean, as of this state
    weighting: Weighting  # how much each event counts (the one rule training uses too)
    # By role, and by name ("model:<name>") for every model loaded, placements' too.
    models: Mapping[str, ServedModel] = field(default_factory=dict)
    pipelines: Pipelines = field(default_factory=lambda: Pipelines({}))
    placements: Sequence[placement_store.StoredPlacement] = ()  # as read: reused unchanged
    answers: AnswerCache = field(default_factory=lambda: AnswerCache(0, created=0.0))

    def model(self, role: str, name: str | None = None) -> ServedModel | None:
        """The model a list asks first: `name` (a placement's choice), else the role's."""
        return self.models.get(role if name is None else f"model:{name}")

    def same_parts(self, other: ServingState) -> bool:
        """The same catalog, trending, event meanings, models and placements: answers
        given on one hold on the other."""
        return (
            self.catalog is other.catalog
            and self.trending is other.trending
            and self.meanings == other.meanings
            and self.pipelines is other.pipelines
            and self.models.keys() == other.models.keys()
            and all(served is other.models[role] for role, served in self.models.items())
        )


class StateLoader:
    """Reads the catalog, the activity counts, the placements in force and the active
    model of each role and of each model a placement names."""

    def __init__(
        self,
        db: Database,
        *,
        roles: Mapping[str, str],
        active: Callable[[str], ModelVersion | None],
        meanings: Callable[[], EventMeanings],
        half_life_days: float | None,
        window_days: float,
        trending_every: float,
        seeds: Mapping[str, Placement] | None = None,
        cache_size: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._seeds = dict(seeds or {})  # placements of the settings
        self._cache_size = cache_size
        self._trending_every = trending_every
        self._clock = clock
        self._roles = dict(roles)  # role -> model name
        self._active = active
        self._meanings = meanings
        self._half_life_days = half_life_days
        self._window = timedelta(days=window_days)

    def load(self, previous: ServingState | None) -> ServingState:
        meanings = self._meanings()  # before the read below: it may read too
        if previous is not None and previous.meanings == meanings:
            meanings, weighting = previous.meanings, previous.weighting
        else:
            weighting = Weighting(meanings.weights, half_life_days=self._half_life_days)
        with self._db.reading() as conn:
            stamp = store.catalog_stamp(conn)
            if previous is not None and previous.catalog_stamp == stamp:
                catalog = previous.catalog
            else:
                catalog = CatalogIndex.build(store.catalog_rows(conn))
            trending, trending_at = self._trending(conn, catalog, weighting, previous)
            stored = placement_store.all_current(conn)  # a few small rows
        pipelines = self._pipelines(stored, previous)
        models: dict[str, ServedModel] = {}
        for role, name in self._roles.items():
            served = self._model(role, name, catalog, previous, models.values())
            if served is not None:
                models[role] = served
        by_name = {served.version.model: served for served in models.values()}
        for name in sorted(set(pipelines.models()) - set(by_name)):
            served = self._model(f"model:{name}", name, catalog, previous, models.values())
            if served is not None:
                by_name[name] = served
        models.update({f"model:{name}": served for name, served in by_name.items()})
        state = ServingState(
            catalog, stamp, trending, trending_at, meanings, weighting, models, pipelines, stored
        )
        now = self._clock()
        if previous is not None and state.same_parts(previous) and previous.answers.fresh(now):
            return replace(state, answers=previous.answers)
        return replace(state, answers=AnswerCache(self._cache_size, created=now))

    def _pipelines(
        self, stored: Sequence[placement_store.StoredPlacement], previous: ServingState | None
    ) -> Pipelines:
        """The pipeline of every placement; the previous ones while nothing changed, so
        that answers given on them still hold."""
        if previous is not None and list(previous.placements) == list(stored):
            return previous.pipelines
        placements = in_force(stored, self._seeds)
        return Pipelines({name: (p.strategy, p.source) for name, p in placements.items()})

    def _trending(
        self,
        conn: Connection,
        catalog: CatalogIndex,
        weighting: Weighting,
        previous: ServingState | None,
    ) -> tuple[Trending, float]:
        """Counting trending reads every event, so it is redone less often than the
        rest (`trending_every` seconds), unless the catalog or the weights changed."""
        now = self._clock()
        if (
            previous is not None
            and previous.catalog is catalog
            and previous.weighting is weighting
            and now - previous.trending_at < self._trending_every
        ):
            return previous.trending, previous.trending_at
        types = weighting.types
        newest = store.newest_event_time(conn, types)
        rows = (
            store.item_activity(conn, types, recent_since=newest - self._window)
            if newest is not None
            else iter(())
        )
        trending = Trending.build(catalog.items, rows, weighting)
        if previous is not None and previous.catalog is catalog and trending == previous.trending:
            return previous.trending, now  # the same counts: answers given on them still hold
        return trending, now

    def _model(
        self,
        role: str,
        name: str,
        catalog: CatalogIndex,
        previous: ServingState | None,
        loaded: Iterable[ServedModel],
    ) -> ServedModel | None:
        version = self._active(name)
        if version is None:
            return None
        for served in loaded:  # one model serving two roles is held once
            if served.version.id == version.id:
                return served
        before = previous.models.get(role) if previous is not None else None
        if before is not None and before.version.id == version.id:
            if previous is not None and previous.catalog is catalog:
                return before
            return ServedModel.align(version, before.model, catalog)
        try:
            model = load_model(version.artifact)
        except Exception as error:  # a missing or broken file must not stop serving
            log.warning("cannot load model version %s for %s: %s", version.id, role, error)
            return before
        return ServedModel.align(version, model, catalog)


class Refreshing(Generic[T]):
    """A value rebuilt at most every `every` seconds, in the background once it exists.

    >>> built = []
    >>> value = Refreshing(lambda old: built.append(1) or len(built), every=3600)
    >>> value.get(), value.get(), len(built)
    (1, 1, 1)
    """

    def __init__(
        self,
        build: Callable[[T | None], T],
        *,
        every: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._build = build
        self._every = every
        self._clock = clock
        self._value: T | None = None
        self._built_at = 0.0
        self._lock = threading.Lock()
        self._refreshing = False

    def get(self) -> T:
        value = self._value
        if value is None or self._every == 0:
            with self._lock:
                if self._value is None or self._every == 0:
                    self._set(self._build(self._value))
            assert self._value is not None
            return self._value
        if self._clock() - self._built_at >= self._every and not self._refreshing:
            with self._lock:
                if not self._refreshing:
                    self._refreshing = True
                    threading.Thread(target=self._refresh, daemon=True).start()
        return value

    def ready(self) -> T | None:
        """The value if getting it cannot block (it exists and is not rebuilt per call)."""
        if self._value is None or self._every == 0:
            return None
        return self.get()

    def invalidate(self) -> None:
        """Rebuild on the next `get` (in the background if a value exists)."""
        self._built_at = float("-inf")

    def _refresh(self) -> None:
        try:
            self._set(self._build(self._value))
        except Exception:  # keep serving the previous value; the next get retries
            log.exception("refreshing the serving state failed")
            self._built_at = self._clock()
        finally:
            self._refreshing = False

    def _set(self, value: T) -> None:
        self._value = value
        self._built_at = self._clock()


__all__ = ["Refreshing", "ServedModel", "ServingState", "StateLoader"]
