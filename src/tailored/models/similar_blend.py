"""SimilarBlend: behaviour (item_knn) and content together, the model behind "similar
items" by default (see docs/research/similar-items.md)."""

from __future__ import annotations

import math
from typing import Any

import scipy.sparse as sp

from tailored.data.features import ItemFeatures
from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.content import Content
from tailored.models.item_knn import ItemKNN
from tailored.models.neighborhood import Neighborhood
from tailored.models.sparse import keep_top_per_row

DEFAULT_WEIGHT = 0.5
"""Content's share. Measured by benchmarks/similar.py: on the demo store 93 % of similar
items share the item's top-level category (item_knn: 26 %) and next-item HR@10 rises;
on MovieLens 100K genre overlap goes from 0.33 to 0.78 while next-item HR@10 falls from
0.150 to 0.095. Lower it (0.25 keeps 0.128) where "similar" should follow behaviour
more; docs/research/similar-items.md."""


class SimilarBlend(Neighborhood):
    """(1 - weight) * item_knn + weight * content, each similarity first divided by its
    typical best neighbour (the mean over items of their highest similarity), then each
    item's `neighbors` best kept. Similar items are then alike in kind *and* engaged
    with together; an item nobody interacted with yet gets its neighbours from content
    alone. Scaling by one number per matrix, not per item, keeps what shrinkage says in
    item_knn: an item with little behaviour has weak behavioural similarities, so its
    neighbours lean on content.

    >>> from tailored.data import Vocabulary
    >>> from tailored.domain.catalog import Item
    >>> features = ItemFeatures.of([
    ...     Item("latte", "Latte", categories=("coffee",)),
    ...     Item("mocha", "Mocha", categories=("coffee",)),
    ...     Item("hood", "Zip hoodie", categories=("hoodies",)),
    ...     Item("crew", "Crew hoodie", categories=("hoodies",)),
    ... ])
    >>> users, items = ["a", "a", "b", "b", "c", "c"], ["latte", "hood"] * 2 + ["latte", "mocha"]
    >>> data = Interactions.from_ids(users, items, items=Vocabulary(features.ids))
    >>> model = SimilarBlend(shrinkage=0).fit(data, features=features)
    >>> model.similar_items(["latte"], n=1)[0].items
    ('mocha',)
    """

    name = "similar_blend"
    uses_features = True

    def __init__(
        self,
        *,
        weight: float = DEFAULT_WEIGHT,
        neighbors: int = 100,
        shrinkage: float = 10.0,
        title_weight: float = 1.0,
        category_weight: float = 2.0,
        attribute_weight: float = 1.0,
    ) -> None:
        self.weight = weight
        self.neighbors = neighbors
        self.shrinkage = shrinkage
        self.title_weight = title_weight
        self.category_weight = category_weight
        self.attribute_weight = attribute_weight

    def get_params(self) -> dict[str, Any]:
        names = (
            "weight", "neighbors", "shrinkage", "title_weight", "category_weight",
            "attribute_weight",
        )  # fmt: skip
        return {name: getattr(self, name) for name in names}

    def _fit(self, data: Interactions) -> None:
        raise InvalidInput("features", f"{self.name} learns from the catalog: pass its features")

    def _fit_features(self, data: Interactions, features: ItemFeatures) -> None:
        if not (math.isfinite(self.weight) and 0 <= self.weight <= 1):
            raise InvalidInput("weight", f"must be between 0 and 1, not {self.weight}")
        behaviour = ItemKNN(neighbors=self.neighbors, shrinkage=self.shrinkage).fit(data)
        content = Content(
            neighbors=self.neighbors,
            title_weight=self.title_weight,
            category_weight=self.category_weight,
            attribute_weight=self.attribute_weight,
        ).fit(data, features=features)
        blended = (1 - self.weight) * _scaled(behaviour.similarity_) + self.weight * _scaled(
            content.similarity_
        )
        self.similarity_ = keep_top_per_row(sp.csr_matrix(blended), self.neighbors)


def _scaled(similarity: sp.csr_matrix) -> sp.csr_matrix:
    """`similarity` over the mean of its rows' highest values (rows with any)."""
    best = similarity.max(axis=1).toarray().ravel()
    typical = float(best[best > 0].mean()) if (best > 0).any() else 1.0
    return sp.csr_matrix(similarity / typical)


__all__ = ["DEFAULT_WEIGHT", "SimilarBlend"]
