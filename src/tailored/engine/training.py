"""Training: events -> interactions -> tuned, evaluated, versioned model artifacts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from tailored.data import Interactions, Vocabulary, Weighting, temporal_split
from tailored.data.features import ItemFeatures
from tailored.data.interactions import natural_order
from tailored.domain.catalog import Item
from tailored.domain.models import ModelVersion
from tailored.engine.events import EventTypes
from tailored.engine.model_params import model_kind
from tailored.errors import InvalidInput, NotFound
from tailored.metrics import evaluate, too_small
from tailored.metrics import tune as tune_on_validation
from tailored.models import Recommender, load_model
from tailored.models.grids import GRIDS
from tailored.storage import models as store
from tailored.storage.database import Database
from tailored.storage.serving import catalog_rows

DEFAULT_MODEL = "seq_blend"  # the best on the benchmark; "ials" for catalogs over 20,000


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
    ) -> None:
        self._db = db
        self._types = types
        self._now = now
        self._models_dir = models_dir
        self._half_life_days = half_life_days

    def interactions(
        self, *, since: datetime | None = None, catalog: ItemFeatures | None = None
    ) -> Interactions:
        """Every event of an interaction type as one interaction, weighed by the rule
        serving uses too (`tailored.data.weighting`), aged to the clock's now; repeats
        of (user, item) add up. Events of a `conversion` type mark the pair bought (what
        'bought together' is told apart from 'viewed together' by). With `catalog`, its
        items are known too, interactions or not (what content models need to give new
        items neighbours)."""
        meanings = self._types.meanings_now()
        weighting = Weighting(meanings.weights, half_life_days=self._half_life_days)
        conversions = set(meanings.named("conversion"))
        now = self._now().timestamp()
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

        With `tune`, the hyper-parameters come from the model's grid, chosen on a
        temporal validation split inside the training part; the offline metrics come
        from the held-out latest 20 % of each user's interactions. The saved model is
        then refit on all the data. On data too small for an honest evaluation
        (`tailored.metrics.too_small`) the version has no metrics, the defaults stand
        and `metrics_note` says why.
        """
        kind = model_kind(model)
        features = self.item_features() if kind.uses_features else None
        data = self.interactions(since=since, catalog=features)
        if len(data) == 0:
            raise InvalidInput("events", "there are no events with items to train on")
        chosen = dict(params or {})
        metrics: dict[str, Any] = {}
        train, test = temporal_split(data)
        note = too_small(train, test)
        if note is None:
            if tune and not params:
                grid = GRIDS[kind.name]
                chosen = dict(tune_on_validation(kind, grid, train, features=features)[0])
            metrics = evaluate(kind(**chosen), train, test, features=features).as_dict()
            metrics.pop("params", None)
        fitted = kind(**chosen).fit(data, features=features)
        return self._record(fitted, data, metrics, note, activate, models_dir)

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
                store.set_active(conn, version_id, fitted.name)
        return self.version(version_id)

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
            store.set_active(conn, version_id, version.model)
        return self.version(version_id)

    def active(self, model: str | None = None) -> ModelVersion | None:
        """The active version of `model`, or (None) the newest active version of any.
        Each model has at most one: each serves its own purpose (the settings say which
        model serves recommendations, similar items and bought together)."""
        with self._db.reading() as conn:
            return store.active_version(conn, model)

    def load(self, version_id: int | None = None, *, model: str | None = None) -> Recommender:
        """The model of a version (default: the active one, of `model` if given)."""
        version = self.version(version_id) if version_id is not None else self.active(model)
        if version is None:
            raise NotFound("active model", f"{model or 'none'}: train one first")
        return load_model(version.artifact)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


__all__ = ["DEFAULT_MODEL", "Training"]
