"""Choosing the model and its parameters on validation: on data where the better model
is known, within a time budget, and refusing to pretend on data too small to compare."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tailored.data import Interactions
from tailored.errors import InvalidInput
from tailored.metrics import select
from tailored.models import EASE, SLIT, ItemKNN, Popular


def chains(n_users: int = 60, n_items: int = 40, length: int = 8) -> Interactions:
    """Each user walks i, i+1, i+2, ... from their own start: what comes next is the
    item after the latest one, which a transition model learns and popularity cannot
    (every item is about as popular as any other)."""
    users, items, times = [], [], []
    for u in range(n_users):
        start = (u * 7) % n_items
        for step in range(length):
            users.append(f"u{u}")
            items.append(f"i{(start + step) % n_items}")
            times.append(float(u * 100 + step))
    return Interactions.from_ids(users, items, times=times)


def test_a_transition_model_wins_on_sequences() -> None:
    candidates = {"popular": (Popular, []), "item_knn": (ItemKNN, []), "slit": (SLIT, [])}
    chosen = select(candidates, chains(), budget_seconds=60)
    scores = {t.model: t.ndcg_at_10 for t in chosen.trials}
    assert chosen.model == "slit"
    assert scores["slit"] > scores["item_knn"] > scores["popular"]
    assert chosen.as_dict()["candidates_val_ndcg@10"]["slit"] == round(scores["slit"], 4)


def test_the_grid_is_searched_and_its_best_entry_kept() -> None:
    candidates = {"ease": (EASE, [{"l2": 1e9}, {"l2": 1.0}])}
    chosen = select(candidates, chains(), budget_seconds=60)
    assert [dict(t.params) for t in chosen.trials] == [{}, {"l2": 1e9}, {"l2": 1.0}]
    best = max(chosen.trials, key=lambda t: t.ndcg_at_10)  # the earlier of equals
    assert (chosen.model, dict(chosen.params)) == ("ease", dict(best.params))
    assert chosen.as_dict()["val_ndcg@10"] == round(best.ndcg_at_10, 4)
    without = select(candidates, chains(), budget_seconds=60, grids=False)
    assert [dict(t.params) for t in without.trials] == [{}]


def test_a_grid_entry_equal_to_the_defaults_is_not_fitted_twice() -> None:
    defaults = EASE().get_params()
    chosen = select({"ease": (EASE, [{"l2": defaults["l2"]}])}, chains(), budget_seconds=60)
    assert len(chosen.trials) == 1


def fake_clock(step: float) -> Iterator[float]:
    now = 0.0
    while True:
        yield now
        now += step


def test_the_budget_stops_the_grid_search_and_says_so() -> None:
    ticks = fake_clock(10.0)  # every reading of the clock: 10 s later
    candidates = {
        "popular": (Popular, [{"half_life_days": 3.0}, {"half_life_days": 9.0}]),
        "item_knn": (ItemKNN, [{"neighbors": 5}]),
    }
    chosen = select(candidates, chains(), budget_seconds=55, clock=lambda: next(ticks))
    # Every model screened at its defaults, however tight the budget; then the grid of
    # the better one (item_knn) until the budget was spent, and nothing of popular's.
    assert [(t.model, dict(t.params)) for t in chosen.trials] == [
        ("popular", {}),
        ("item_knn", {}),
        ("item_knn", {"neighbors": 5}),
    ]
    assert chosen.skipped == {"popular": "time budget spent: 2 of its grid not tried"}
    roomy = select(candidates, chains(), budget_seconds=1e6, clock=lambda: next(ticks))
    assert len(roomy.trials) == 5 and not roomy.skipped


def test_contenders_grids_are_searched_in_turns_before_the_others() -> None:
    ticks = fake_clock(10.0)
    grid = [{"neighbors": 5}, {"neighbors": 10}]
    candidates = {
        "popular": (Popular, [{"half_life_days": 3.0}]),  # far behind: searched last
        "knn_a": (ItemKNN, grid),
        "knn_b": (ItemKNN, grid),
    }
    chosen = select(candidates, chains(), budget_seconds=115, clock=lambda: next(ticks))
    assert [(t.model, dict(t.params)) for t in chosen.trials] == [
        ("popular", {}),
        ("knn_a", {}),
        ("knn_b", {}),
        ("knn_a", {"neighbors": 5}),  # one entry of each contender in turn ...
        ("knn_b", {"neighbors": 5}),  # ... so a budget spent early tuned both
    ]
    assert chosen.skipped == {
        "knn_a": "time budget spent: 1 of its grid not tried",
        "knn_b": "time budget spent: 1 of its grid not tried",
        "popular": "time budget spent: 1 of its grid not tried",
    }


def test_a_model_over_its_item_limit_is_skipped_with_the_reason() -> None:
    candidates = {"ease": (lambda **p: EASE(max_items=10, **p), []), "popular": (Popular, [])}
    chosen = select(candidates, chains(), budget_seconds=60)
    assert chosen.model == "popular"
    assert "over its limit of 10" in chosen.skipped["ease"]


def test_too_little_data_compares_nothing_and_keeps_the_first_candidate() -> None:
    data = Interactions.from_ids(["u", "u", "v"], ["a", "b", "a"], times=[1, 2, 1])
    chosen = select({"slit": (SLIT, []), "popular": (Popular, [])}, data, budget_seconds=60)
    assert (chosen.model, dict(chosen.params), chosen.trials) == ("slit", {}, ())
    assert chosen.note is not None and "too little data" in chosen.note


def test_bad_arguments_name_the_parameter() -> None:
    with pytest.raises(InvalidInput, match=r"^candidates:"):
        select({}, chains(), budget_seconds=60)
    with pytest.raises(InvalidInput, match=r"^budget_seconds:"):
        select({"popular": (Popular, [])}, chains(), budget_seconds=0)
