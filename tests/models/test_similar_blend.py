"""SimilarBlend passes the recommender contract; it keeps similar items of the same kind
where behaviour alone mixes kinds, orders them by behaviour, and is each part alone at
the ends of its weight."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tailored.data import Interactions, Vocabulary
from tailored.data.features import ItemFeatures
from tailored.domain.catalog import Item
from tailored.errors import InvalidInput
from tailored.models import Content, ItemKNN, Recommender, SimilarBlend, load_model
from tailored.testing.models import RecommenderContract


class TestSimilarBlendContract(RecommenderContract):
    def make(self) -> Recommender:
        return SimilarBlend(neighbors=20, shrinkage=1.0)


COFFEES = ["espresso", "latte", "mocha", "cortado"]


def shop() -> tuple[Interactions, ItemFeatures]:
    """Coffee drinkers who also buy a hoodie; lattes go with mochas more than with the
    other coffees."""
    features = ItemFeatures.of(
        [Item(f"coffee-{c}", c.title(), categories=("coffee",)) for c in COFFEES]
        + [Item(f"hoodie-{c}", f"Hoodie {c}", categories=("hoodies",)) for c in ("red", "navy")]
        + [Item("coffee-new", "Flat white", categories=("coffee",))]  # nobody had it yet
    )
    baskets = (
        [["coffee-latte", "hoodie-red"]] * 6
        + [["coffee-latte", "coffee-mocha"]] * 2
        + [["coffee-espresso", "coffee-cortado", "hoodie-navy"]] * 2
        + [["coffee-mocha", "hoodie-red"]] * 3
    )
    users = [f"u{n}" for n, basket in enumerate(baskets) for _ in basket]
    items = [item for basket in baskets for item in basket]
    return Interactions.from_ids(users, items, items=Vocabulary(features.ids)), features


def test_similar_items_are_alike_in_kind_and_ordered_by_behaviour() -> None:
    data, features = shop()
    behaviour = ItemKNN(shrinkage=0).fit(data).similar_items(["coffee-latte"], n=1)[0]
    assert behaviour.items == ("hoodie-red",)  # the defect: behaviour alone mixes kinds
    blend = SimilarBlend(shrinkage=0).fit(data, features=features)
    latte = blend.similar_items(["coffee-latte"], n=4)[0].items
    assert latte[0] == "coffee-mocha"  # a coffee, and the one drunk with lattes
    assert set(latte) == {"coffee-mocha", "coffee-espresso", "coffee-cortado", "coffee-new"}


def test_an_item_without_behaviour_gets_neighbours_from_content() -> None:
    data, features = shop()
    blend = SimilarBlend().fit(data, features=features)
    found, scores = blend.related(blend.items_.position("coffee-new"))
    assert {i.split("-")[0] for i in blend.items_.ids_of(found)} == {"coffee"}
    assert len(found) == len(COFFEES) and (scores > 0).all()


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_the_ends_of_the_weight_are_each_part_alone(weight: float) -> None:
    data, features = shop()
    blend = SimilarBlend(weight=weight, shrinkage=0, cross_category=1.0)
    blend.fit(data, features=features)
    part = ItemKNN(shrinkage=0).fit(data) if weight == 0 else Content().fit(data, features=features)
    for item in ("coffee-latte", "hoodie-red", "coffee-new"):
        position = blend.items_.position(item)
        got, want = blend.related(position), part.related(position)
        np.testing.assert_array_equal(got[0], want[0])  # the same neighbours
        ranks = np.argsort(-got[1], kind="stable"), np.argsort(-want[1], kind="stable")
        np.testing.assert_array_equal(*ranks)  # in the same order (scaled scores)


@pytest.mark.parametrize("cross_category", [0.0, 0.5])
def test_behaviour_across_categories_counts_as_much_as_asked(cross_category: float) -> None:
    data, features = shop()
    alone = SimilarBlend(weight=0.0, shrinkage=0, cross_category=1.0).fit(data, features=features)
    gated = SimilarBlend(weight=0.0, shrinkage=0, cross_category=cross_category)
    gated.fit(data, features=features)
    latte, hoodie, mocha = (
        gated.items_.position(i) for i in ("coffee-latte", "hoodie-red", "coffee-mocha")
    )
    full, cut = alone.similarity_, gated.similarity_
    assert full[latte, hoodie] > 0 and full[latte, mocha] > 0
    # The blend scales each matrix by its typical best: compare ratios, not values.
    assert cut[latte, hoodie] / cut[latte, mocha] == pytest.approx(
        cross_category * full[latte, hoodie] / full[latte, mocha]
    )


@pytest.mark.parametrize("name", ["weight", "cross_category"])
@pytest.mark.parametrize("value", [-0.1, 1.5, float("nan")])
def test_a_share_outside_zero_to_one_is_refused(name: str, value: float) -> None:
    data, features = shop()
    with pytest.raises(InvalidInput, match=rf"^{name}:"):
        SimilarBlend(**{name: value}).fit(data, features=features)


def test_saved_and_loaded_it_answers_the_same(tmp_path: Path) -> None:
    data, features = shop()
    blend = SimilarBlend().fit(data, features=features)
    again = load_model(blend.save(tmp_path / "blend.npz"))
    assert isinstance(again, SimilarBlend) and again.get_params() == blend.get_params()
    ids = ["coffee-latte", "coffee-new", "hoodie-navy"]
    assert again.similar_items(ids, n=6) == blend.similar_items(ids, n=6)
