"""The evaluation protocol end to end, on data whose answer is known."""

from __future__ import annotations

import pytest

from tailored.data import Interactions, temporal_split
from tailored.errors import InvalidInput
from tailored.metrics import evaluate, tune
from tailored.models import EASE, ItemKNN, Popular


def _pairs() -> Interactions:
    """Items come in pairs (2k, 2k+1): whoever takes one takes its partner next.
    Each user takes 4 pairs in time order; the last pair's partner is the test."""
    users, items, times = [], [], []
    for u in range(60):
        for step, pair in enumerate((u + s * 7) % 25 for s in range(4)):
            for half in (0, 1):
                users.append(f"u{u}")
                items.append(f"i{2 * pair + half}")
                times.append(float(10 * step + half))
    return Interactions.from_ids(users, items, times=times)


def test_a_model_that_knows_the_pairs_beats_popularity() -> None:
    train, test = temporal_split(_pairs(), test_fraction=0.2)  # 8 -> 2 test items per user
    knn = evaluate(ItemKNN(neighbors=5, shrinkage=0), train, test)
    popular = evaluate(Popular(half_life_days=None), train, test)
    assert knn.users == popular.users == 60
    assert knn.hit_rate_at_10 > popular.hit_rate_at_10
    assert 0 < knn.ndcg_at_10 <= 1 and 0 <= popular.ndcg_at_10 < knn.ndcg_at_10
    assert 0 < knn.coverage_at_10 <= 1
    assert knn.as_dict()["params"] == {"neighbors": 5, "shrinkage": 0}


def test_tune_picks_on_validation_and_reports_every_candidate() -> None:
    train, _ = temporal_split(_pairs())
    grid = [{"l2": 0.5}, {"l2": 5000.0}]
    best, results = tune(EASE, grid, train)
    assert len(results) == 2 and best in grid
    assert best == grid[max((0, 1), key=lambda n: results[n].ndcg_at_10)]


def test_tune_refuses_an_empty_grid() -> None:
    train, _ = temporal_split(_pairs())
    with pytest.raises(InvalidInput, match="grid"):
        tune(EASE, [], train)
