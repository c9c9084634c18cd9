"""Several models through the offline evaluation protocol of DESIGN.md, side by side:
the use case behind `tailored evaluate`.

Every rating or event is one interaction (repeats of a user and item merged); each
user's latest 20 % are the test. With `tune`, each model's grid (`models.grids`) is
searched on the same split made inside train, and the winner refit on all of train.
Candidates are every item seen in train, less the user's own train items. Data too
small for an honest evaluation (`tailored.metrics.too_small`) is refused with the reason,
before any model runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailored.data import Interactions, temporal_split
from tailored.data.features import ItemFeatures
from tailored.domain.catalog import Item
from tailored.errors import InvalidInput
from tailored.metrics import Evaluation, evaluate, too_small
from tailored.metrics import tune as tune_on_validation
from tailored.models import MODELS
from tailored.models.grids import GRIDS
from tailored.readers.movielens import MovieLensFolder
from tailored.readers.rows import ERROR_KEY

Progress = Callable[[str, int], None]
"""`progress(model, steps)`: `steps` more fits done for `model` (0: it is starting)."""

PROTOCOL = (
    "DESIGN.md offline evaluation: per-user temporal split (latest 20 % test), "
    "parameters tuned on the same split inside train, refit on train, every train item "
    "ranked except the user's own train items"
)


@dataclass(frozen=True, slots=True)
class ModelResult:
    """One model's test metrics, or why it has none (`note`)."""

    model: str
    evaluation: Evaluation | None = None
    tune_seconds: float = 0.0
    candidates: int = 0
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        if self.evaluation is None:
            return {"skipped": self.note}
        result = self.evaluation.as_dict()
        result |= {"tune_s": round(self.tune_seconds, 2), "candidates": self.candidates}
        return result | ({"note": self.note} if self.note else {})


@dataclass(frozen=True, slots=True)
class Comparison:
    """The data evaluated on and each model's result, in the order asked.

    >>> users = [f"u{u}" for u in range(24) for _ in range(3)]
    >>> items = [f"i{(u + k) % 24}" for u in range(24) for k in range(3)]
    >>> comparison = compare(Interactions.from_ids(users, items), ["popular"], tune=False)
    >>> comparison.train, comparison.test, comparison.results[0].evaluation.users
    (48, 24, 24)
    """

    source: str
    users: int
    items: int
    interactions: int
    train: int
    test: int
    tuned: bool
    results: tuple[ModelResult, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "protocol": PROTOCOL,
            "tuned": self.tuned,
            "data": {
                "users": self.users,
                "items": self.items,
                "interactions": self.interactions,
                "train": self.train,
                "test": self.test,
            },
            "models": {result.model: result.as_dict() for result in self.results},
        }


def model_names(text: str | None) -> list[str]:
    """The models named in `text` ("popular, ease"), checked; None or "all": every model.

    >>> model_names("popular, ease")
    ['popular', 'ease']
    >>> model_names("pop")
    Traceback (most recent call last):
    ...
    tailored.errors.InvalidInput: models: unknown model 'pop'; choose from popular, ...
    """
    if text is None or text.strip().lower() == "all":
        return list(MODELS)
    names = list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise InvalidInput("models", "name at least one model, e.g. popular,ease")
    for name in names:
        if name not in MODELS:
            known = ", ".join(MODELS)
            raise InvalidInput("models", f"unknown model {name!r}; choose from {known}")
    return names


def steps(models: Sequence[str], *, tune: bool) -> dict[str, int]:
    """The fits each model needs: its grid (when tuning) and the final one."""
    return {model: (len(GRIDS[model]) if tune else 0) + 1 for model in models}


def read_movielens(path: Path) -> tuple[Interactions, int]:
    """The ratings of a MovieLens folder as interactions, and how many lines were
    unreadable (skipped)."""
    folder = MovieLensFolder.open(path)
    users: list[str] = []
    items: list[str] = []
    times: list[float] = []
    unreadable = 0
    for _line, row in folder.rows("events"):
        if ERROR_KEY in row:
            unreadable += 1
            continue
        users.append(row["user_id"])
        items.append(row["item_id"])
        times.append(float(row["timestamp"]))
    if not users:
        raise InvalidInput("directory", f"{path} has no readable ratings")
    return Interactions.from_ids(users, items, times=times), unreadable


def read_movielens_items(path: Path) -> ItemFeatures | None:
    """The movies of a MovieLens folder (titles, genres as categories) as the features
    content models read; None when the folder has no movie file."""
    folder = MovieLensFolder.open(path)
    if folder.file("items") is None:
        return None
    return ItemFeatures.of(
        Item(row["id"], row["title"], categories=tuple(row["categories"]),
             attributes=row["attributes"])
        for _line, row in folder.rows("items")
        if ERROR_KEY not in row
    )  # fmt: skip


def compare(
    data: Interactions,
    models: Sequence[str],
    *,
    tune: bool = True,
    source: str = "",
    progress: Progress | None = None,
    features: ItemFeatures | None = None,
) -> Comparison:
    """Evaluate each of `models` on `data` (see the module docstring); models that read
    the catalog need its `features`, and are skipped with a note without them."""
    if len(data) == 0:
        raise InvalidInput("events", "there are no interactions to evaluate on")
    train, test = temporal_split(data)
    if len(train) == 0:
        raise InvalidInput(
            "events", "every user has a single interaction: nothing is left to train on"
        )
    if (reason := too_small(train, test)) is not None:
        raise InvalidInput("events", reason)
    report = progress or (lambda _model, _steps: None)
    results = tuple(
        _one(model, train, test, tune=tune, progress=report, features=features) for model in models
    )
    return Comparison(
        source=source,
        users=len(data.users),
        items=len(data.items),
        interactions=len(data),
        train=len(train),
        test=len(test),
        tuned=tune,
        results=results,
    )


def _one(
    model: str,
    train: Interactions,
    test: Interactions,
    *,
    tune: bool,
    progress: Progress,
    features: ItemFeatures | None,
) -> ModelResult:
    kind = MODELS[model]
    planned = steps([model], tune=tune)[model]
    progress(model, 0)
    if kind.uses_features and features is None:
        progress(model, planned)
        return ModelResult(model, note="it reads the catalog (titles, categories), none given")
    limit = kind().get_params().get("max_items")
    if isinstance(limit, int) and len(train.items) > limit:
        progress(model, planned)
        return ModelResult(
            model,
            note=f"the catalog has {len(train.items)} items, over {model}'s limit of "
            f"{limit} (its memory grows with the square)",
        )
    params: dict[str, Any] = {}
    note = ""
    tried = 0

    def heard(_result: Evaluation) -> None:
        nonlocal tried
        tried += 1
        progress(model, 1)

    started = time.perf_counter()
    try:
        if tune:
            best, tried_on = tune_on_validation(
                kind, GRIDS[model], train, on_candidate=heard, features=features
            )
            params = dict(best)
            if not tried_on:
                note = "too little data to tune on a split inside train: defaults used"
        tuned = time.perf_counter()
        evaluation = evaluate(kind(**params), train, test, features=features)
    except (InvalidInput, MemoryError) as error:
        progress(model, planned - tried)
        return ModelResult(
            model, note="out of memory" if isinstance(error, MemoryError) else str(error)
        )
    progress(model, planned - tried)
    return ModelResult(model, evaluation, tuned - started, tried, note)


__all__ = [
    "PROTOCOL",
    "Comparison",
    "ModelResult",
    "Progress",
    "compare",
    "model_names",
    "read_movielens",
    "read_movielens_items",
    "steps",
]
