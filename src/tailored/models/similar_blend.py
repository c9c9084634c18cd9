"""SimilarBlend: behaviour (item_knn) and content together, the model behind "similar
items" by default (see docs/research/similar-items.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from tailored.data.features import ItemFeatures, ItemText
from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.content import Content
from tailored.models.item_knn import ItemKNN
from tailored.models.neighborhood import Neighborhood
from tailored.models.sparse import keep_top_per_row

DEFAULT_WEIGHT = 0.25
"""Content's share, with behaviour counting only between items that share a category
(`cross_category` 0). Measured by benchmarks/similar.py (docs/research/similar-items.md):
on the demo store every similar item shares a category with the item (item_knn: 33 %)
and next-item HR@10 rises from 0.112 to 0.168; on MovieLens 100K genre overlap goes
from 0.33 to 0.71 while next-item HR@10 falls from 0.150 to 0.108."""
BLOCK_ENTRIES = 1 << 20
"""Neighbour pairs checked for a shared category at a time."""


class SimilarBlend(Neighborhood):
    """(1 - weight) * item_knn + weight * content, each similarity first divided by its
    typical best neighbour (the mean over items of their highest similarity), then each
    item's `neighbors` best kept. Between two items that both have categories but share
    none, behaviour counts only `cross_category` times (0: not at all), so that buying a
    coffee and a hoodie together never makes them similar. Similar items are then alike
    in kind *and* engaged with together; an item nobody interacted with yet gets its
    neighbours from content alone. Scaling by one number per matrix, not per item, keeps
    what shrinkage says in item_knn: an item with little behaviour has weak behavioural
    similarities, so its neighbours lean on content.

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
        cross_category: float = 0.0,
        title_weight: float = 1.0,
        category_weight: float = 2.0,
        attribute_weight: float = 1.0,
    ) -> None:
        self.weight = weight
        self.neighbors = neighbors
        self.shrinkage = shrinkage
        self.cross_category = cross_category
        self.title_weight = title_weight
        self.category_weight = category_weight
        self.attribute_weight = attribute_weight

    def get_params(self) -> dict[str, Any]:
        names = (
            "weight", "neighbors", "shrinkage", "cross_category", "title_weight",
            "category_weight", "attribute_weight",
        )  # fmt: skip
        return {name: getattr(self, name) for name in names}

    def _fit(self, data: Interactions) -> None:
        raise InvalidInput("features", f"{self.name} learns from the catalog: pass its features")

    def _fit_features(self, data: Interactions, features: ItemFeatures) -> None:
        for name in ("weight", "cross_category"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0 <= value <= 1):
                raise InvalidInput(name, f"must be between 0 and 1, not {value}")
        behaviour = ItemKNN(neighbors=self.neighbors, shrinkage=self.shrinkage).fit(data)
        kinds = _categories([features.get(item_id) for item_id in data.items.ids.tolist()])
        together = _across_kinds(behaviour.similarity_, kinds, self.cross_category)
        content = Content(
            neighbors=self.neighbors,
            title_weight=self.title_weight,
            category_weight=self.category_weight,
            attribute_weight=self.attribute_weight,
        ).fit(data, features=features)
        blended = (1 - self.weight) * _scaled(together) + self.weight * _scaled(content.similarity_)
        self.similarity_ = keep_top_per_row(sp.csr_matrix(blended), self.neighbors)


def _categories(texts: Sequence[ItemText | None]) -> sp.csr_matrix:
    """Items x categories, 1 where an item is in a category."""
    names: dict[str, int] = {}
    rows, columns = [], []
    for row, text in enumerate(texts):
        for category in text.categories if text is not None else ():
            rows.append(row)
            columns.append(names.setdefault(category, len(names)))
    shape = (len(texts), max(len(names), 1))
    return sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=shape)


def _across_kinds(similarity: sp.csr_matrix, kinds: sp.csr_matrix, factor: float) -> sp.csr_matrix:
    """`similarity` with each pair of items that both have categories but share none
    multiplied by `factor`."""
    pairs = similarity.tocoo()
    categorised = np.diff(kinds.indptr) > 0
    keep = np.ones(pairs.nnz)
    for start in range(0, pairs.nnz, BLOCK_ENTRIES):
        rows, columns = (
            pairs.row[start : start + BLOCK_ENTRIES],
            pairs.col[start : start + BLOCK_ENTRIES],
        )
        shared = np.asarray(kinds[rows].multiply(kinds[columns]).sum(axis=1)).ravel() > 0
        apart = ~shared & categorised[rows] & categorised[columns]
        keep[start : start + BLOCK_ENTRIES][apart] = factor
    kept = sp.csr_matrix((pairs.data * keep, (pairs.row, pairs.col)), shape=similarity.shape)
    kept.eliminate_zeros()
    return kept


def _scaled(similarity: sp.csr_matrix) -> sp.csr_matrix:
    """`similarity` over the mean of its rows' highest values (rows with any)."""
    best = similarity.max(axis=1).toarray().ravel()
    typical = float(best[best > 0].mean()) if (best > 0).any() else 1.0
    return sp.csr_matrix(similarity / typical)


__all__ = ["DEFAULT_WEIGHT", "SimilarBlend"]
