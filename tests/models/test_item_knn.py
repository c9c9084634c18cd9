"""ItemKNN passes the recommender contract; its blockwise similarity is the full one."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from tailored.data import Interactions
from tailored.models import ItemKNN, Recommender
from tailored.models.item_knn import cosine_neighbors
from tailored.testing.models import RecommenderContract


class TestItemKNNContract(RecommenderContract):
    def make(self) -> Recommender:
        return ItemKNN(neighbors=20, shrinkage=1.0)


def full_similarity(ratings: sp.csr_matrix, *, neighbors: int, shrinkage: float) -> np.ndarray:
    """The whole item x item cosine in dense numpy, each row cut to its top `neighbors`
    by a stable sort (so ties keep lower columns)."""
    x = (ratings.toarray() != 0).astype(np.float64)
    overlap = x.T @ x
    norms = np.sqrt(np.diag(overlap))
    with np.errstate(invalid="ignore", divide="ignore"):
        similarity = np.where(overlap > 0, overlap / (np.outer(norms, norms) + shrinkage), 0.0)
    np.fill_diagonal(similarity, 0.0)
    kept = np.zeros_like(similarity)
    for i, row in enumerate(similarity):
        top = np.argsort(-row, kind="stable")[:neighbors]
        top = top[row[top] > 0]
        kept[i, top] = row[top]
    return kept


@pytest.mark.parametrize("block_items", [1, 3, 16, 1000, None])
@pytest.mark.parametrize(("neighbors", "shrinkage"), [(1, 0.0), (4, 0.0), (4, 5.0), (100, 1.0)])
def test_blockwise_equals_the_full_product(
    block_items: int | None, neighbors: int, shrinkage: float
) -> None:
    rng = np.random.default_rng(neighbors)
    ratings = sp.random(60, 40, density=0.1, random_state=7, format="csr")
    ratings.data = rng.integers(1, 5, ratings.nnz).astype(np.float64)  # weights are ignored
    similarity = cosine_neighbors(
        ratings, neighbors=neighbors, shrinkage=shrinkage, block_items=block_items
    )
    expected = full_similarity(ratings, neighbors=neighbors, shrinkage=shrinkage)
    assert similarity.shape == (40, 40)
    np.testing.assert_allclose(similarity.toarray(), expected, rtol=1e-12, atol=0)
    assert (similarity.toarray() > 0).sum() == (expected > 0).sum()


def test_equal_similarities_keep_the_lowest_items_whatever_the_blocks() -> None:
    # Everyone holds every item: all similarities tie, so each item keeps the two
    # lowest other items.
    ratings = sp.csr_matrix(np.ones((3, 5)))
    for block_items in (1, 2, 5):
        kept = cosine_neighbors(ratings, neighbors=2, shrinkage=0.0, block_items=block_items)
        assert [row.indices.tolist() for row in kept] == [[1, 2], [0, 2], [0, 1], [0, 1], [0, 1]]


def test_an_item_nobody_holds_has_no_neighbours_and_no_nan() -> None:
    data = Interactions.from_ids(["u", "u", "v"], ["a", "b", "c"])
    model = ItemKNN(neighbors=5, shrinkage=0.0).fit(data.select(np.array([True, True, False])))
    similarity = model.similarity_.toarray()
    assert np.isfinite(similarity).all()
    assert similarity.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
