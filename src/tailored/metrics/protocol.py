"""The offline evaluation protocol of DESIGN.md, for any `Recommender`.

Per-user temporal split (the latest 20 % of each user's interactions are the test);
every item seen in train is a candidate, minus the user's own train items; a list holds
only candidates (items with a finite score), so it runs short where fewer can be ranked;
metrics are averaged over the users with a test item. Hyper-parameters are chosen with
`tune` on the same split made inside train, never on the test.

Below `MIN_USERS` users with a held-out interaction, or `MIN_ITEMS` items to rank, the
numbers describe the data more than the model (one user's list, or a list that holds
every candidate); `too_small` says why, and callers show that instead of a number.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tailored.data.interactions import Interactions
from tailored.data.splits import temporal_split
from tailored.errors import InvalidInput
from tailored.metrics.ranking import (
    coverage,
    hit_rate,
    hits,
    ndcg,
    recall,
    recommendation_lists,
)

if TYPE_CHECKING:
    from tailored.data.features import ItemFeatures
    from tailored.models.base import Recommender

BATCH_USERS = 1024
LONGEST_LIST = 20  # Recall@20's
MIN_USERS = 10
"""Users with a held-out interaction below which an average is one user's luck."""
MIN_ITEMS = LONGEST_LIST + 1
"""Items to rank below which a list can hold every candidate, so that the metrics
measure the catalog's size and not the model's ordering."""


@dataclass(frozen=True)
class Evaluation:
    """Averages over `users`; times in seconds."""

    ndcg_at_10: float
    recall_at_20: float
    hit_rate_at_10: float
    coverage_at_10: float
    users: int
    fit_seconds: float
    score_seconds: float
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ndcg@10": round(self.ndcg_at_10, 4),
            "recall@20": round(self.recall_at_20, 4),
            "hr@10": round(self.hit_rate_at_10, 4),
            "coverage@10": round(self.coverage_at_10, 4),
            "users": self.users,
            "fit_s": round(self.fit_seconds, 2),
            "score_s": round(self.score_seconds, 2),
            "params": dict(self.params),
        }


def evaluate(
    model: Recommender,
    train: Interactions,
    test: Interactions,
    *,
    features: ItemFeatures | None = None,
) -> Evaluation:
    """Fit `model` on `train` (with the catalog's `features`, for models that read
    them), rank for every user with a test item, score the lists."""
    if train.items != test.items or train.users != test.users:
        raise InvalidInput("test", "must share train's vocabularies (use temporal_split)")
    started = time.perf_counter()
    model.fit(train, features=features)
    fitted = time.perf_counter()
    candidates = train.items_seen()
    histories = train.histories()
    relevant_by_user: dict[int, set[int]] = {}
    for user, item in zip(test.user.tolist(), test.item.tolist(), strict=True):
        relevant_by_user.setdefault(user, set()).add(item)
    users = np.array(sorted(relevant_by_user), dtype=np.int64)
    lists = []
    for start in range(0, len(users), BATCH_USERS):
        batch = histories.take(users[start : start + BATCH_USERS])
        scores = np.array(model.score(batch), dtype=np.float64, copy=True)
        scores[:, ~candidates] = -np.inf
        batch.hide_seen(scores)
        lists.append(recommendation_lists(scores, LONGEST_LIST))
    scored = time.perf_counter()
    if not lists:
        raise InvalidInput("test", "has no interactions to evaluate")
    recommended = np.concatenate(lists)
    relevant = [relevant_by_user[int(u)] for u in users]
    h = hits(recommended, relevant)
    return Evaluation(
        ndcg_at_10=float(ndcg(h, relevant, k=10).mean()),
        recall_at_20=float(recall(h, relevant, k=20).mean()),
        hit_rate_at_10=float(hit_rate(h, k=10).mean()),
        coverage_at_10=coverage(recommended, k=10, n_candidates=int(candidates.sum())),
        users=len(users),
        fit_seconds=fitted - started,
        score_seconds=scored - fitted,
        params=model.get_params(),
    )


def too_small(train: Interactions, test: Interactions) -> str | None:
    """Why `evaluate` on this split would not be an honest measure, or None.

    >>> data = Interactions.from_ids(["u", "u", "v"], ["a", "b", "a"], times=[1, 2, 1])
    >>> print(too_small(*temporal_split(data)))  # doctest: +NORMALIZE_WHITESPACE
    too little data for an honest offline evaluation: 2 users with held-out
    interactions (at least 10 needed) and 1 item to rank (at least 21 needed)
    """
    users = len(np.unique(test.user))
    items = int(train.items_seen().sum())
    short = []
    if users < MIN_USERS:
        who = "user" if users == 1 else "users"
        short.append(f"{users} {who} with held-out interactions (at least {MIN_USERS} needed)")
    if items < MIN_ITEMS:
        what = "item" if items == 1 else "items"
        short.append(f"{items} {what} to rank (at least {MIN_ITEMS} needed)")
    if not short:
        return None
    return "too little data for an honest offline evaluation: " + " and ".join(short)


def tune(
    make: Callable[..., Recommender],
    grid: Sequence[Mapping[str, Any]],
    train: Interactions,
    *,
    test_fraction: float = 0.2,
    on_candidate: Callable[[Evaluation], None] | None = None,
    features: ItemFeatures | None = None,
) -> tuple[Mapping[str, Any], list[Evaluation]]:
    """Pick the parameters of `grid` with the best NDCG@10 on a temporal split of train.

    Returns the winner and every candidate's validation result, in grid order;
    `on_candidate` hears each result as it comes (for progress displays). Where the
    validation split is `too_small`, nothing is tried and the winner is `{}`: the
    model's defaults, rather than whichever set happened to win by chance.
    """
    if not grid:
        raise InvalidInput("grid", "needs at least one set of parameters")
    inner_train, validation = temporal_split(train, test_fraction=test_fraction)
    if too_small(inner_train, validation) is not None:
        return {}, []
    results = []
    for params in grid:
        results.append(evaluate(make(**params), inner_train, validation, features=features))
        if on_candidate is not None:
            on_candidate(results[-1])
    best = max(range(len(grid)), key=lambda n: results[n].ndcg_at_10)
    return grid[best], results


__all__ = ["MIN_ITEMS", "MIN_USERS", "Evaluation", "evaluate", "too_small", "tune"]
