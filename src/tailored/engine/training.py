"""Training: events -> interactions -> tuned, evaluated, versioned model artifacts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tailored.data import Interactions, Vocabulary, Weighting, temporal_split
from tailored.data.features import ItemFeatures
from tailored.data.interactions import natural_order
from tailored.domain.catalog import Item
from tailored.domain.models import ModelVersion
from tailored.engine.audit import Audit
from tailored.engine.events import EventTypes
from tailored.engine.model_params import AUTO, checked_params, model_kind
from tailored.errors import InvalidInput, NotFound
from tailored.metrics import Selection, evaluate, select, too_small
from tailored.metrics import tune as tune_on_validation
from tailored.models import MODELS, Recommender, load_model
from tailored.models.grids import GRIDS
from tailored.storage import models as store
from tailored.storage.database import Database
from tailored.storage.serving import catalog_rows

if TYPE_CHECKING:
    from sqlalchemy import Connection

DEFAULT_MODEL = AUTO  # choose one of `CANDIDATES` on validation (`metrics.select`)
FALLBACK_MODEL = "seq_blend"
"""What `auto` trains where the data is too small to compare models (the best on
ml-100k), and what serves `auto` before any automatic choice was made."""
CANDIDATES = ("seq_blend", "slit", "seq_ease", "ease", "item_knn", "ials", "popular")
"""The models `auto` compares, in order of preference on a tie. The sequence models and
EASE refuse catalogs over their `max_items` (20,000): there iALS or item-kNN wins."""
MAX_BUDGET_SECONDS = 3600.0


def budget_seconds(interactions: int) -> float:
    """How long `auto` may spend comparing models: a minute, plus a second per 1,000
    interactions of the training part (ml-100k's: 140 s, Online Retail's: 273 s), at most
    an hour.
    A small store's comparison ends long before its budget.

    >>> budget_seconds(100_000), budget_seconds(10**9)
    (160.0, 3600.0)
    """
    return min(60.0 + interactions / 1000, MAX_BUDGET_SECONDS)


class Training:
    """Build the interaction matrix from stored events, fit, evaluate and keep versions.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> _ = engine.events.record_many([
    ...     {"user_id": u, "type": "view", "item_id": i}
    ...     for u, i in [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y"), ("c", "x")]
    ... ])
    >>> import tempfile; folder = tempfile.mkdtemp()
    >>> version = engine.training.train("item_knn", tune=False, models_dir=folder)
    >>> version.model, version.users, version.items, version.active
    ('item_knn', 3, 2, True)
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        types: EventTypes,
        *,
        now: Callable[[], datetime],
        models_dir: Path,
        half_life_days: float | None,
        budget_seconds: float | None = None,
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._types = types
        self._now = now
        self._models_dir = models_dir
        self._half_life_days = half_life_days
        self._budget = budget_seconds  # None: by the data's size (`budget_seconds`)
        self._audit = audit or Audit(db, now=now)

    def interactions(
        self, *, since: datetime | None = None, catalog: ItemFeatures | None = None
    ) -> Interactions:
        """Every event of an interaction type as one interaction, weighed by the rule
        serving uses too (`tailored.data.weighting`), aged back from the newest event
        (for a live store, about now); repeats of (user, item) add up. Events of a
        `conversion` type mark the pair bought (what 'bought together' is told apart from
        'viewed together' by). With `catalog`, its items are known too, interactions or
        not (what content models need to give new items neighbours).

        Ageing from the newest event rather than the clock keeps the weights' scale
        whatever the data's age: an imported history from years ago keeps weights near
        its types' own instead of near zero, where regularisation would drown them.
        Serving ages from the request's time; only ratios matter there."""
        meanings = self._types.meanings_now()
        weighting = Weighting(meanings.weights, half_life_days=self._half_life_days)
        conversions = set(meanings.named("conversion"))
        users: list[str] = []
        items: list[str] = []
        kinds: list[str] = []
        times: list[float] = []
        with self._db.reading() as conn:
            for chunk in store.interaction_rows(conn, weighting.types, since=since):
                for user, item, kind, stamp in chunk:
                    users.append(user)
                    items.append(item)
                    kinds.append(kind)
                    times.append(stamp.timestamp())
        time = np.asarray(times, dtype=np.float64)
        now = float(time.max()) if len(time) else self._now().timestamp()
        weight = weighting.weigh(kinds, time, now=now)
        bought = np.fromiter((kind in conversions for kind in kinds), np.bool_, len(kinds))
        known = None if catalog is None else Vocabulary(natural_order([*items, *catalog.ids]))
        return Interactions.from_ids(
            users, items, times=time, weights=weight, converted=bought, items=known
        )

    def item_features(self) -> ItemFeatures:
        """What the catalog says of each item, for models that read it."""
        with self._db.reading() as conn:
            return ItemFeatures.of(
                Item(id=item_id, title=title, categories=tuple(categories), attributes=attributes)
                for item_id, title, categories, attributes, _available in catalog_rows(conn)
            )

    def train(
        self,
        model: str = DEFAULT_MODEL,
        *,
        params: Mapping[str, Any] | None = None,
        tune: bool = True,
        activate: bool = True,
        since: datetime | None = None,
        models_dir: str | Path | None = None,
    ) -> ModelVersion:
        """Fit `model` on the stored events and record a new version.

        `auto` (the default) chooses the model among `CANDIDATES` and its
        hyper-parameters on a temporal validation split inside the training part,
        within `budget_seconds` (`metrics.select`; without `tune`, models at their
        defaults); the version's `metrics["selection"]` says what was tried and scored.
        A named model with `tune` gets its grid's best parameters on the same split.
        The offline metrics come from the held-out latest 20 % of each user's
        interactions; the saved model is then refit on all the data. On data too small
        for an honest evaluation (`tailored.metrics.too_small`) the version has no
        metrics, the defaults stand (`auto`: `FALLBACK_MODEL`) and `metrics_note` says why.
        """
        params = checked_params(model, params or {}) if model == AUTO else params
        kind = MODELS[FALLBACK_MODEL] if model == AUTO else model_kind(model)
        features = self.item_features() if kind.uses_features else None
        data = self.interactions(since=since, catalog=features)
        if len(data) == 0:
            raise InvalidInput("events", "there are no events with items to train on")
        chosen = dict(params or {})
        metrics: dict[str, Any] = {}
        train, test = temporal_split(data)
        note = too_small(train, test)
        if note is None:
            if model == AUTO:
                selection = self._select(train, tune=tune)
                kind, chosen = MODELS[selection.model], dict(selection.params)
            elif tune and not params:
                grid = GRIDS[kind.name]
                chosen = dict(tune_on_validation(kind, grid, train, features=features)[0])
            metrics = evaluate(kind(**chosen), train, test, features=features).as_dict()
            metrics.pop("params", None)
            if model == AUTO:
                metrics["selection"] = selection.as_dict()
        fitted = kind(**chosen).fit(data, features=features)
        return self._record(fitted, data, metrics, note, activate, models_dir)

    def _select(self, train: Interactions, *, tune: bool) -> Selection:
        budget = self._budget if self._budget is not None else budget_seconds(len(train))
        candidates = {name: (MODELS[name], GRIDS[name]) for name in CANDIDATES}
        return select(candidates, train, budget_seconds=budget, grids=tune)

    def _record(
        self,
        fitted: Recommender,
        data: Interactions,
        metrics: dict[str, Any],
        metrics_note: str | None,
        activate: bool,
        models_dir: str | Path | None,
    ) -> ModelVersion:
        folder = Path(models_dir) if models_dir is not None else self._models_dir
        folder.mkdir(parents=True, exist_ok=True)
        now = self._now()
        artifact = folder / f"{fitted.name}-{now:%Y%m%dT%H%M%S%f}.npz"
        fitted.save(artifact)
        row = {
            "model": fitted.name,
            "params": fitted.get_params(),
            "metrics": metrics,
            "metrics_note": metrics_note,
            "data_from": _utc(float(data.time.min())),
            "data_to": _utc(float(data.time.max())),
            "interactions": len(data),
            "users": len(data.users),
            "items": len(data.items),
            "artifact": str(artifact.resolve()),
            "created_at": now,
            "active": False,
        }
        with self._db.writing() as conn:
            version_id = store.insert_version(conn, row)
            if activate:
                self._activate(conn, version_id, fitted.name, chosen="selection" in metrics)
        return self.version(version_id)

    def _activate(self, conn: Connection, version_id: int, model: str, *, chosen: bool) -> None:
        """Activate a version; one chosen by `auto` also takes the `auto` role from the
        version that held it (which stays active for its own model's name)."""
        store.set_active(conn, version_id, model)
        detail = {"model": model, "chosen_by_auto": chosen}
        self._audit.record("model.activate", target=str(version_id), detail=detail, conn=conn)
        if chosen:
            store.retire_chosen(conn, keep=version_id)

    def versions(self) -> list[ModelVersion]:
        """Newest first."""
        with self._db.reading() as conn:
            return store.list_versions(conn)

    def version(self, version_id: int) -> ModelVersion:
        with self._db.reading() as conn:
            found = store.get_version(conn, version_id)
        if found is None:
            raise NotFound("model version", str(version_id))
        return found

    def activate(self, version_id: int) -> ModelVersion:
        """Serve this version from now on, in place of the active version of the same
        model (also how to roll back)."""
        version = self.version(version_id)
        if not Path(version.artifact).is_file():
            raise InvalidInput("version", f"the file of version {version_id} is missing")
        with self._db.writing() as conn:
            self._activate(conn, version_id, version.model, chosen=version.selection is not None)
        return self.version(version_id)

    def active(self, model: str | None = None) -> ModelVersion | None:
        """The active version of `model`, or (None) the newest active version of any.
        Each model has at most one: each serves its own purpose (the settings say which
        model serves recommendations, similar items and bought together). For `auto`,
        the version `auto` chose and activated last (or rolled back to), else the active
        version of `FALLBACK_MODEL` (versions trained before `auto` existed)."""
        with self._db.reading() as conn:
            if model == AUTO:
                return store.chosen_version(conn) or store.active_version(conn, FALLBACK_MODEL)
            return store.active_version(conn, model)

    def load(self, version_id: int | None = None, *, model: str | None = None) -> Recommender:
        """The model of a version (default: the active one, of `model` if given)."""
        version = self.version(version_id) if version_id is not None else self.active(model)
        if version is None:
            raise NotFound("active model", f"{model or 'none'}: train one first")
        return load_model(version.artifact)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


__all__ = [
    "AUTO",
    "CANDIDATES",
    "DEFAULT_MODEL",
    "FALLBACK_MODEL",
    "Training",
    "budget_seconds",
]
