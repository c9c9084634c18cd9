"""CoOccurrence passes the recommender contract, and tells what made each relation."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tailored.data import Interactions
from tailored.models import CoOccurrence, ItemKNN, Recommender
from tailored.testing.models import RecommenderContract


class TestCoOccurrenceContract(RecommenderContract):
    def make(self) -> Recommender:
        return CoOccurrence(gap_seconds=600)


def _sessions() -> Interactions:
    """u1 and u2 view a and b together and buy both; u3 views a and c and buys only a."""
    rows = [("u1", "a", True), ("u1", "b", True), ("u2", "a", True), ("u2", "b", True),
            ("u3", "a", True), ("u3", "c", False)]  # fmt: skip
    users, items, bought = zip(*rows, strict=True)
    return Interactions.from_ids(list(users), list(items), converted=list(bought))


def test_the_purchase_share_tells_bought_together_from_viewed_together() -> None:
    model = CoOccurrence(shrinkage=0).fit(_sessions())
    a, b, c = model.items_.index(["a", "b", "c"])
    # a-b: both bought in each of their 2 sessions; a-c: a bought with c only viewed.
    assert model.purchase_share(int(a), np.array([b, c])).tolist() == [1.0, 0.0]
    assert model.purchase_share(int(a), np.array([c, b, a])).tolist() == [0.0, 1.0, 0.0]
    assert model.purchase_share(int(c), np.array([a])).tolist() == [0.0]
    # Scores are what they were: every shared session counts, bought or not.
    assert model.similar_items(["c"], n=1)[0].items == ("a",)


def test_the_purchase_share_is_saved_and_an_older_artifact_still_loads(tmp_path: Path) -> None:
    model = CoOccurrence(shrinkage=0).fit(_sessions())
    path = model.save(tmp_path / "together.npz")
    loaded = CoOccurrence.load(path)
    a, b = model.items_.index(["a", "b"])
    assert loaded.purchase_share(int(a), np.array([b])).tolist() == [1.0]
    # A file saved before purchases were counted: it loads, and no pair claims purchases.
    with np.load(path) as stored:
        older = {k: stored[k] for k in stored.files if not k.startswith("state.bought.")}
    np.savez(tmp_path / "older.npz", **older)
    old = CoOccurrence.load(tmp_path / "older.npz")
    assert old.purchase_share(int(a), np.array([b])).tolist() == [0.0]
    assert old.similar_items(["a"], n=2)[0] == model.similar_items(["a"], n=2)[0]


def test_other_models_cannot_tell_what_made_a_relation() -> None:
    assert ItemKNN().fit(_sessions()).purchase_share(0, np.array([1])) is None
