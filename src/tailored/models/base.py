"""The one contract every recommender follows.

A model is fit on `Interactions` (the caller's ids, kept in `items_`) and scores
*histories*: rows of dense item indices in time order. Scoring from a history rather
than from a stored user row is what lets serving react to an event recorded a second
ago, and lets an unknown user with a few clicks get personal results at once.

Constructors store hyper-parameters and do nothing else; `fit` validates, learns the
attributes that end in `_`, and returns `self`. `save`/`load` write numpy arrays and
JSON parameters, never pickles.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt

from tailored.data.features import ItemFeatures
from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.data.vocabulary import Vocabulary
from tailored.errors import InvalidInput, NotFound
from tailored.metrics.ranking import top_n

FloatArray = npt.NDArray[np.float64]
Arrays = dict[str, npt.NDArray[Any]]


@dataclass(frozen=True)
class Ranking:
    """A ranked list of the caller's item ids with their scores, best first."""

    items: tuple[str, ...]
    scores: tuple[float, ...]


class NotFitted(InvalidInput):
    """The model was used before `fit` (or `load`)."""

    def __init__(self, model: str) -> None:
        super().__init__("model", f"{model} is not fitted: call fit() or load() first")


class Recommender(ABC):
    """Base of every model: `fit`, `score`, `recommend`, `similar_items`, `save`/`load`."""

    name: ClassVar[str]
    """Short name used in artifacts, the CLI and benchmark tables."""
    uses_features: ClassVar[bool] = False
    """Whether `fit` needs the catalog's `ItemFeatures` (content models) besides the
    interactions; training reads the catalog only for these."""

    items_: Vocabulary
    fitted_at_: float
    """Time of the latest training interaction: "now" when scoring without a clock."""

    # --- what each model provides ---------------------------------------------------

    @abstractmethod
    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters, as given to the constructor (JSON values)."""

    @abstractmethod
    def _fit(self, data: Interactions) -> None:
        """Learn from `data`; `items_` and `fitted_at_` are already set."""

    def _fit_features(self, data: Interactions, features: ItemFeatures) -> None:
        """Learn from `data` and the catalog's `features`; models that read no
        features learn from `data` alone."""
        self._fit(data)

    @abstractmethod
    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        """Scores (rows x items) for each history; higher is better, NaN never."""

    def _item_similarity(self, items: npt.NDArray[np.int64]) -> FloatArray:
        """Similarity rows (len(items) x n_items) for `similar_items`."""
        return self.score(Histories.from_sequences([[i] for i in items]))

    @abstractmethod
    def _state(self) -> Arrays:
        """The learned arrays to save (besides the item ids)."""

    @abstractmethod
    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        """Set the learned attributes from `_state()` arrays."""

    # --- the shared behaviour -----------------------------------------------------------

    def fit(self, data: Interactions, *, features: ItemFeatures | None = None) -> Self:
        """Learn from `data` (and, for models that use them, the catalog's `features`:
        its items with no interactions yet belong in `data.items` to be known)."""
        if len(data) == 0:
            raise InvalidInput("interactions", "are empty: there is nothing to learn from")
        if self.uses_features and features is None:
            raise InvalidInput(
                "features", f"{self.name} learns from the catalog: pass the items' features"
            )
        self.items_ = data.items
        self.fitted_at_ = float(data.time.max())
        if features is None:
            self._fit(data)
        else:
            self._fit_features(data, features)
        return self

    @property
    def n_items(self) -> int:
        self._check_fitted()
        return len(self.items_)

    def histories(
        self,
        item_ids: Sequence[Sequence[str]],
        *,
        times: Sequence[Sequence[float]] | None = None,
        weights: Sequence[Sequence[float]] | None = None,
    ) -> Histories:
        """Histories from the caller's item ids, oldest first; unknown items are dropped."""
        self._check_fitted()
        rows, kept_times, kept_weights = [], [], []
        for n, ids in enumerate(item_ids):
            index = self.items_.index(list(ids))
            known = index >= 0
            rows.append(index[known].tolist())
            if times is not None:
                kept_times.append(np.asarray(times[n], dtype=np.float64)[known].tolist())
            if weights is not None:
                kept_weights.append(np.asarray(weights[n], dtype=np.float64)[known].tolist())
        return Histories.from_sequences(
            rows,
            times=kept_times if times is not None else None,
            weights=kept_weights if weights is not None else None,
        )

    def recommend(
        self,
        histories: Histories,
        *,
        n: int = 10,
        exclude_seen: bool = True,
        allowed: npt.NDArray[np.bool_] | None = None,
        now: float | None = None,
    ) -> list[Ranking]:
        """The top `n` items for each history (one or a batch; the result is the same).

        `exclude_seen` leaves out items already in the history; `allowed` (a mask over
        items) keeps only those items, e.g. what is in stock or in a category.
        """
        self._check_fitted()
        if n < 0:
            raise InvalidInput("n", f"must be 0 or more, not {n}")
        scores = np.array(self.score(histories, now=now), dtype=np.float64, copy=True)
        if allowed is not None:
            if allowed.shape != (self.n_items,):
                raise InvalidInput("allowed", f"must be a mask of {self.n_items} items")
            scores[:, ~allowed] = -np.inf
        if exclude_seen:
            histories.hide_seen(scores)
        return self._rankings(scores, n)

    def similar_items(self, item_ids: Sequence[str], *, n: int = 10) -> list[Ranking]:
        """For each item, the `n` most similar items (never itself)."""
        self._check_fitted()
        index = self.items_.index(list(item_ids))
        unknown = [item_ids[int(i)] for i in np.flatnonzero(index < 0)]
        if unknown:
            raise NotFound("item", str(unknown[0]))
        scores = np.array(self.similarity(index), dtype=np.float64, copy=True)
        scores[np.arange(len(index)), index] = -np.inf
        return self._rankings(scores, n)

    def attribute(
        self,
        history: Histories,
        items: npt.NDArray[np.int64],
        *,
        positions: npt.NDArray[np.int64] | None = None,
        now: float | None = None,
    ) -> FloatArray:
        """How much interactions of a one-row `history` add to the scores of `items`: the
        score with the whole history minus the score without that interaction (leave one
        out), for any model. Rows follow `positions` in the history (default: all),
        columns `items`. "Because you viewed <title>" is read from this.

        >>> data = Interactions.from_ids(["u", "u", "v", "v"], list("abcd"))
        >>> from tailored.models import ItemKNN
        >>> model = ItemKNN(shrinkage=0).fit(data)
        >>> model.attribute(Histories.from_sequences([[0, 2]]), np.array([1, 3])).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        self._check_one_row(history)
        length = len(history.items)
        left_out = np.arange(length) if positions is None else np.asarray(positions, np.int64)
        if len(left_out) == 0:
            return np.zeros((0, len(items)))
        # One batch: row 0 the whole history, row r the history without left_out[r - 1].
        keep = np.ones((len(left_out) + 1, length), dtype=np.bool_)
        keep[np.arange(1, len(left_out) + 1), left_out] = False
        lengths = keep.sum(axis=1)
        batch = Histories(
            np.concatenate(([0], np.cumsum(lengths))).astype(np.int64),
            np.broadcast_to(history.items, keep.shape)[keep],
            np.broadcast_to(history.times, keep.shape)[keep],
            np.broadcast_to(history.weights, keep.shape)[keep],
        )
        scores = self.score_items(batch, items, now=now)
        return np.asarray(scores[0][None, :] - scores[1:])

    def score_items(
        self, histories: Histories, items: npt.NDArray[np.int64], *, now: float | None = None
    ) -> FloatArray:
        """`score(histories)[:, items]`; models override it where a few columns cost
        less than all of them (it is what explanations use)."""
        return self.score(histories, now=now)[:, items]

    def candidates(
        self, history: Histories, *, now: float | None = None
    ) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """The items worth ranking for a one-row `history`, with their scores: every item
        by default; neighbourhood models give only the neighbours of the history, which
        is what keeps serving a large catalog cheap."""
        return np.arange(self.n_items), self.score(history, now=now)[0]

    def related(self, item: int) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """Items related to one item (a dense index) with how much, only where there is
        evidence of a relation (a score above 0)."""
        scores = self.similarity(np.array([item]))[0]
        found = np.flatnonzero(scores > 0)
        return found, scores[found]

    def purchase_share(self, item: int, others: npt.NDArray[np.int64]) -> FloatArray | None:
        """Of what relates `item` to each of `others` (dense indices), the share that
        purchases made, for models that count items bought together; None for models
        that cannot tell (a reason then says "similar to", not "bought together")."""
        return None

    def similarity(self, items: npt.NDArray[np.int64]) -> FloatArray:
        """Rows (len(items) x n_items) of how related every item is to each of `items`
        (dense indices); 0 or less means no evidence. What `similar_items` ranks."""
        self._check_fitted()
        return np.asarray(self._item_similarity(np.asarray(items, dtype=np.int64)))

    def _rankings(self, scores: FloatArray, n: int) -> list[Ranking]:
        best = top_n(scores, n)
        rankings = []
        for r, row in enumerate(best):
            values = scores[r, row]
            keep = np.isfinite(values)
            rankings.append(
                Ranking(tuple(self.items_.ids_of(row[keep])), tuple(values[keep].tolist()))
            )
        return rankings

    def _check_one_row(self, history: Histories) -> None:
        self._check_fitted()
        if len(history) != 1:
            raise InvalidInput("history", f"must hold one row, not {len(history)}")

    def _check_fitted(self) -> None:
        if not hasattr(self, "items_"):
            raise NotFitted(type(self).__name__)

    def _now(self, now: float | None) -> float:
        return self.fitted_at_ if now is None else float(now)

    # --- artifacts ------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the model to one `.npz` file (arrays and JSON parameters; no pickle)."""
        self._check_fitted()
        path = Path(path)
        header = {"model": self.name, "params": self.get_params(), "fitted_at": self.fitted_at_}
        arrays: dict[str, Any] = {f"state.{k}": v for k, v in self._state().items()}
        arrays |= {"header": np.array(json.dumps(header)), "item_ids": self.items_.ids}
        with path.open("wb") as file:
            np.savez_compressed(file, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """Read a model written by `save` (`load_model` picks the class from the file)."""
        header, arrays = _read(path)
        if header["model"] != cls.name:
            raise InvalidInput("path", f"holds a {header['model']!r} model, not {cls.name!r}")
        model = cls(**header["params"])
        model.items_ = Vocabulary(arrays.pop("item_ids").tolist())
        model.fitted_at_ = float(header["fitted_at"])
        model._restore({k.removeprefix("state."): v for k, v in arrays.items()})
        return model

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"


def _read(path: str | Path) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    try:
        with np.load(Path(path), allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
    except (OSError, ValueError) as error:
        raise InvalidInput("path", f"is not a saved model: {error}") from error
    header = json.loads(str(arrays.pop("header")))
    return header, arrays


__all__ = ["NotFitted", "Ranking", "Recommender"]
