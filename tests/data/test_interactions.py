"""Interactions, histories and the temporal split."""

from __future__ import annotations

import numpy as np
import pytest

from tailored.data import Histories, Interactions, Vocabulary, temporal_split
from tailored.errors import InvalidInput


def test_repeated_pairs_merge_weights_add_and_the_latest_time_stays() -> None:
    data = Interactions.from_ids(
        ["u", "u", "u", "v"], ["a", "a", "b", "a"], times=[5, 9, 1, 2], weights=[1, 2, 1, 4]
    )
    rows = {
        (data.users.id_of(u), data.items.id_of(i)): (t, w)
        for u, i, t, w in zip(data.user, data.item, data.time, data.weight, strict=True)
    }
    assert rows == {("u", "a"): (9.0, 3.0), ("u", "b"): (1.0, 1.0), ("v", "a"): (2.0, 4.0)}


def test_ids_get_natural_order_and_given_vocabularies_drop_unknown_rows() -> None:
    data = Interactions.from_ids(["u2", "u10"], ["10", "9"])
    assert data.users.ids.tolist() == ["u10", "u2"]  # not numbers: text order
    assert data.items.ids.tolist() == ["9", "10"]  # numbers: by value
    fixed = Interactions.from_ids(["u", "u"], ["9", "gone"], items=Vocabulary(["9", "10"]))
    assert len(fixed) == 1 and fixed.shape == (1, 2)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"times": [1.0]}, "times"),
        ({"weights": [1.0, float("nan")]}, "weights"),
    ],
)
def test_bad_columns_name_the_field(kwargs: dict[str, list[float]], field: str) -> None:
    with pytest.raises(InvalidInput, match=f"^{field}:"):
        Interactions.from_ids(["u", "v"], ["a", "b"], **kwargs)  # type: ignore[arg-type]


def test_histories_are_in_time_then_item_order() -> None:
    data = Interactions.from_ids(["u"] * 4, ["d", "c", "b", "a"], times=[3, 1, 1, 2])
    history = data.histories()
    assert data.items.ids_of(history.row(0)) == ["b", "c", "a", "d"]
    assert history.positions_from_end().tolist() == [3, 2, 1, 0]
    assert history.take([0, 0]).lengths().tolist() == [4, 4]


def test_history_matrix_adds_repeats_and_ignores_out_of_range_items() -> None:
    history = Histories.from_sequences([[1, 1, 0], [5]])
    assert history.matrix(n_items=2).toarray().tolist() == [[1.0, 2.0], [0.0, 0.0]]


def test_temporal_split_takes_the_latest_fifth_rounded_up_per_user() -> None:
    users = ["a"] * 10 + ["b"] * 3 + ["c"]
    items = [f"i{n}" for n in range(10)] + ["i0", "i1", "i2"] + ["i5"]
    times = [*range(10, 0, -1), 1, 1, 1, 7]
    data = Interactions.from_ids(users, items, times=times)
    train, test = temporal_split(data)
    by_user: dict[str, list[str]] = {}
    for u, i in zip(test.user, test.item, strict=True):
        by_user.setdefault(data.users.id_of(u), []).append(data.items.id_of(i))
    # a: 10 -> 2 test items, its latest (i0 at time 10, i1 at 9); b: ties broken by id
    assert sorted(by_user["a"]) == ["i0", "i1"]
    assert by_user["b"] == ["i2"]
    assert by_user["c"] == ["i5"]  # one interaction: it is the test
    assert len(train) + len(test) == len(data)
    assert train.items == data.items and test.users == data.users


def test_temporal_split_refuses_a_fraction_outside_0_1() -> None:
    data = Interactions.from_ids(["u"], ["a"])
    with pytest.raises(InvalidInput, match="test_fraction"):
        temporal_split(data, test_fraction=1.0)


def test_select_keeps_vocabularies() -> None:
    data = Interactions.from_ids(["u", "v"], ["a", "b"])
    assert data.select(np.array([True, False])).items == data.items
