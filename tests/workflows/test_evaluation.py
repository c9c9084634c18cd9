"""Models side by side through the offline protocol (the engine half of `tailored evaluate`)."""

from __future__ import annotations

import pytest

from tailored.data import Interactions
from tailored.errors import InvalidInput
from tailored.models import MODELS
from tailored.models.grids import GRIDS
from tailored.workflows.evaluation import compare, model_names, steps


def _sessions(users: int = 48, groups: int = 8) -> Interactions:
    """Each user views the three items of one group, starting at a different one, so
    that every item is seen in train and the one held out is the group's third."""
    users_, items, times = [], [], []
    for u in range(users):
        group, start = u % groups, (u // groups) % 3
        for k in range(3):
            users_.append(f"u{u}")
            items.append(f"g{group}-{(start + k) % 3}")
            times.append(float(k))
    return Interactions.from_ids(users_, items, times=times)


def test_progress_counts_every_fit_and_tuning_picks_from_the_grid() -> None:
    heard: list[tuple[str, int]] = []
    comparison = compare(
        _sessions(), ["popular", "item_knn"], progress=lambda m, n: heard.append((m, n))
    )
    planned = steps(["popular", "item_knn"], tune=True)
    assert planned == {"popular": len(GRIDS["popular"]) + 1, "item_knn": 13}
    for model, total in planned.items():
        assert heard.count((model, 0)) == 1  # announced once, before its fits
        assert sum(n for m, n in heard if m == model) == total
    popular, knn = comparison.results
    assert popular.candidates == len(GRIDS["popular"]) and knn.candidates == 12
    assert knn.evaluation is not None and knn.evaluation.params in [
        {**MODELS["item_knn"]().get_params(), **params} for params in GRIDS["item_knn"]
    ]
    assert knn.evaluation.hit_rate_at_10 == 1.0  # the group's last item is in the top 10


def test_too_little_data_to_tune_uses_the_defaults_and_says_so() -> None:
    # Two interactions per user: enough to evaluate on the latest, but the split inside
    # train leaves nothing to fit the candidates on.
    users = [f"u{u}" for u in range(30) for _ in range(2)]
    items = [f"i{(u + k) % 30}" for u in range(30) for k in range(2)]
    data = Interactions.from_ids(users, items, times=[1, 2] * 30)
    [result] = compare(data, ["ease"]).results
    assert result.evaluation is not None and result.candidates == 0
    assert "too little data to tune" in result.note
    assert result.as_dict()["note"] == result.note


def test_data_that_cannot_be_evaluated_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"^events: there are no interactions"):
        compare(Interactions.from_ids([], []), ["popular"])
    with pytest.raises(InvalidInput, match="single interaction"):
        compare(Interactions.from_ids(["a", "b"], ["x", "y"]), ["popular"])


def test_data_too_small_for_an_honest_evaluation_is_refused_with_the_reason() -> None:
    with pytest.raises(InvalidInput, match=r"^events: too little data .*9 users with"):
        compare(_sessions(users=9), ["popular"])
    with pytest.raises(InvalidInput, match=r"^events: too little data .*: 18 items to rank"):
        compare(_sessions(groups=6), ["popular"])
    assert compare(_sessions(users=21, groups=7), ["popular"]).results[0].evaluation  # 21 items


def test_model_names() -> None:
    assert model_names(None) == model_names("all") == list(MODELS)
    assert model_names("ease, popular,ease") == ["ease", "popular"]
    with pytest.raises(InvalidInput, match=r"^models: unknown model 'x'"):
        model_names("popular,x")
