"""The evaluation protocol end to end, on data whose answer is known."""

from __future__ import annotations

import pytest

from tailored.data import Interactions, temporal_split
from tailored.errors import InvalidInput
from tailored.metrics import MIN_ITEMS, MIN_USERS, evaluate, too_small, tune
from tailored.models import EASE, ItemKNN, Popular, Recommender, SeqBlend


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


def _readme_example() -> Interactions:
    """The README's Python client example: 2 items, u42 views beans, then buys beans and
    filters (the view and the purchase of beans are one interaction)."""
    return Interactions.from_ids(["u42"] * 3, ["beans", "beans", "filter"], times=[1, 2, 3])


@pytest.mark.parametrize("model", [Popular(), ItemKNN(), SeqBlend()], ids=lambda m: m.name)
def test_the_readme_example_scores_no_hit_on_an_item_that_cannot_be_ranked(
    model: Recommender,
) -> None:
    # The held-out item (filter) was never seen in train, so it is no candidate; beans
    # is the user's own. No list holds anything: before, -inf items filled the lists,
    # filter counted as a hit (NDCG 0.63) and coverage came out at 2.0.
    train, test = temporal_split(_readme_example())
    result = evaluate(model, train, test)
    assert result.users == 1
    assert (result.ndcg_at_10, result.recall_at_20, result.hit_rate_at_10) == (0, 0, 0)
    assert result.coverage_at_10 == 0.0
    assert too_small(train, test) == (
        "too little data for an honest offline evaluation: 1 user with held-out "
        f"interactions (at least {MIN_USERS} needed) and 1 item to rank "
        f"(at least {MIN_ITEMS} needed)"
    )


def _rotations(users: int, items: int, *, each: int = 3, stride: int = 1) -> Interactions:
    """User u views `each` items from item u * stride on (mod `items`), in order."""
    user_ids = [f"u{u}" for u in range(users) for _ in range(each)]
    item_ids = [f"i{(stride * u + k) % items}" for u in range(users) for k in range(each)]
    return Interactions.from_ids(user_ids, item_ids, times=list(range(each)) * users)


def test_too_small_holds_below_the_thresholds_only() -> None:
    assert too_small(*temporal_split(_rotations(MIN_ITEMS, MIN_ITEMS))) is None
    assert too_small(*temporal_split(_rotations(MIN_ITEMS - 1, MIN_ITEMS - 1))) == (
        f"too little data for an honest offline evaluation: {MIN_ITEMS - 1} items to rank "
        f"(at least {MIN_ITEMS} needed)"
    )
    # Four items each, none shared: three per user in train, plenty to rank.
    enough = _rotations(MIN_USERS, 1000, each=4, stride=4)
    assert too_small(*temporal_split(enough)) is None
    fewer = _rotations(MIN_USERS - 1, 1000, each=4, stride=4)
    assert too_small(*temporal_split(fewer)) == (
        f"too little data for an honest offline evaluation: {MIN_USERS - 1} users with "
        f"held-out interactions (at least {MIN_USERS} needed)"
    )


def test_tuning_on_a_split_too_small_to_judge_keeps_the_defaults() -> None:
    train, _ = temporal_split(_rotations(12, 24))  # two train items each: one inside
    best, results = tune(EASE, [{"l2": 0.5}, {"l2": 5000.0}], train)
    assert (best, results) == ({}, [])
