"""Content passes the recommender contract; on a small shop whose answer is known, a
coffee's neighbours are coffees whatever the shoppers did; its blockwise similarity is
the full one."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from tailored.data import Interactions, Vocabulary
from tailored.data.features import ItemFeatures
from tailored.domain.catalog import Item
from tailored.errors import InvalidInput
from tailored.models import Content, Recommender, load_model
from tailored.models.content import top_cosines, words_of
from tailored.testing.models import RecommenderContract


class TestContentContract(RecommenderContract):
    def make(self) -> Recommender:
        return Content(neighbors=20)


def coffee_shop() -> ItemFeatures:
    """Four coffees and four hoodies, described as a shop would (prices and sizes too)."""
    coffees = [
        Item(f"coffee-{name}", name.title(), categories=("coffee",),
             attributes={"price": 2.4 + n, "temperature": "hot", "milk": n % 2 == 0})
        for n, name in enumerate(["espresso", "latte", "mocha", "cortado"])
    ]  # fmt: skip
    hoodies = [
        Item(f"hoodie-{colour}", f"Zip hoodie, {colour}", categories=("hoodies",),
             attributes={"price": 59.95, "colour": colour, "sizes": ["S", "M", "L"]})
        for colour in ["red", "navy", "black", "grey"]
    ]  # fmt: skip
    return ItemFeatures.of(coffees + hoodies)


def shoppers_mix_kinds(features: ItemFeatures) -> Interactions:
    """Every coffee drinker also buys one hoodie: behaviour alone pairs them."""
    users, items = [], []
    for n, coffee in enumerate(["espresso", "latte", "mocha", "cortado"]):
        hoodie = ["red", "navy", "black", "grey"][n]
        for u in range(5):
            users += [f"u{n}-{u}"] * 2
            items += [f"coffee-{coffee}", f"hoodie-{hoodie}"]
    return Interactions.from_ids(users, items, items=Vocabulary(features.ids))


def test_a_coffees_neighbours_are_coffees() -> None:
    features = coffee_shop()
    model = Content().fit(shoppers_mix_kinds(features), features=features)
    for ranking in model.similar_items(["coffee-latte", "hoodie-red"], n=3):
        kind = ranking.items[0].split("-")[0]
        assert len(ranking.items) == 3 and {i.split("-")[0] for i in ranking.items} == {kind}
    latte = model.similar_items(["coffee-latte"], n=7)[0]
    assert latte.items[0] == "coffee-cortado"  # the other drink without milk first
    # Hoodies have nothing in common with a coffee: no similarity at all.
    related, _ = model.related(model.items_.position("coffee-latte"))
    assert sorted(model.items_.ids_of(related)) == [
        "coffee-cortado",
        "coffee-espresso",
        "coffee-mocha",
    ]


def test_items_the_catalog_does_not_describe_have_no_neighbours() -> None:
    features = coffee_shop()
    ids = [*features.ids, "mystery"]
    data = Interactions.from_ids(["u", "u"], ["coffee-latte", "mystery"], items=Vocabulary(ids))
    model = Content().fit(data, features=features)
    assert model.related(model.items_.position("mystery"))[0].size == 0
    assert model.related(model.items_.position("coffee-latte"))[0].size == 3


def test_fields_weigh_as_asked() -> None:
    """Colour shared across kinds: with only attributes counting, a red hoodie's
    neighbour is the red mug; with categories counting, the other hoodie."""
    features = ItemFeatures.of([
        Item("hoodie-red", "Hoodie", categories=("hoodies",), attributes={"colour": "red"}),
        Item("hoodie-blue", "Hoodie", categories=("hoodies",), attributes={"colour": "blue"}),
        Item("mug-red", "Mug", categories=("mugs",), attributes={"colour": "red"}),
        Item("mug-blue", "Mug", categories=("mugs",), attributes={"colour": "blue"}),
    ])  # fmt: skip
    data = Interactions.from_ids(["u"], ["hoodie-red"], items=Vocabulary(features.ids))

    def first(**weights: float) -> str:
        model = Content(**weights).fit(data, features=features)
        return model.similar_items(["hoodie-red"], n=1)[0].items[0]

    assert first(title_weight=0, category_weight=0, attribute_weight=1) == "mug-red"
    assert first(title_weight=0, category_weight=2, attribute_weight=1) == "hoodie-blue"


def test_words_left_out() -> None:
    assert words_of("Air 270 Runners, Black/White") == ["air", "runner", "black", "white"]
    assert words_of("Dress") == ["dress"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"neighbors": 0}, "neighbors"), ({"title_weight": -1.0}, "title_weight"),
     ({"category_weight": float("nan")}, "category_weight"), ({"max_share": 0.0}, "max_share"),
     ({"title_weight": 0.0, "category_weight": 0.0, "attribute_weight": 0.0}, "category_weight")],
)  # fmt: skip
def test_bad_parameters_are_named(params: dict[str, float], field: str) -> None:
    features = coffee_shop()
    with pytest.raises(InvalidInput, match=rf"^{field}:"):
        Content(**params).fit(shoppers_mix_kinds(features), features=features)  # type: ignore[arg-type]


def test_saved_and_loaded_it_answers_the_same(tmp_path: object) -> None:
    features = coffee_shop()
    model = Content().fit(shoppers_mix_kinds(features), features=features)
    again = load_model(model.save(f"{tmp_path}/content.npz"))
    assert isinstance(again, Content) and again.get_params() == model.get_params()
    assert again.similar_items(["coffee-mocha"], n=5) == model.similar_items(["coffee-mocha"], n=5)


@pytest.mark.parametrize("block_items", [1, 3, 7, None])
@pytest.mark.parametrize("neighbors", [1, 3, 50])
def test_blockwise_equals_the_full_product(block_items: int | None, neighbors: int) -> None:
    rng = np.random.default_rng(3)
    dense = rng.random((23, 9)) * (rng.random((23, 9)) < 0.3)
    dense[5] = 0.0  # an item without words
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    vectors = dense / np.where(norms > 0, norms, 1.0)
    got = top_cosines(sp.csr_matrix(vectors), neighbors=neighbors, block_items=block_items)
    full = vectors @ vectors.T
    np.fill_diagonal(full, 0.0)
    for i, row in enumerate(full):
        top = np.argsort(-row, kind="stable")[:neighbors]
        top = top[row[top] > 1e-12]
        expected = np.zeros_like(row)
        expected[top] = row[top]
        np.testing.assert_allclose(got[i].toarray().ravel(), expected, atol=1e-12)
