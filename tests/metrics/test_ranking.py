"""Ranking metrics against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np

from tailored.metrics import coverage, hit_rate, hits, ndcg, recall, top_n


def test_ndcg_by_hand() -> None:
    recommended = np.array([[5, 1, 7, 2], [9, 8, 7, 6]])
    relevant = [{1, 2, 3}, {9}]
    h = hits(recommended, relevant)
    # user 0: hits at ranks 2 and 4; ideal: 3 hits at ranks 1..3 (k = 4)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    np.testing.assert_allclose(ndcg(h, relevant, k=4), [dcg / ideal, 1.0])
    # k = 2 cuts the list and the ideal to two positions
    np.testing.assert_allclose(
        ndcg(h, relevant, k=2), [(1 / math.log2(3)) / (1 + 1 / math.log2(3)), 1.0]
    )


def test_recall_divides_by_the_smaller_of_relevant_and_k() -> None:
    recommended = np.array([[1, 2, 3], [1, 2, 3]])
    relevant = [{1, 2, 3, 4, 5}, {3, 99}]
    h = hits(recommended, relevant)
    np.testing.assert_allclose(recall(h, relevant, k=3), [3 / 3, 1 / 2])
    np.testing.assert_allclose(recall(h, relevant, k=2), [2 / 2, 0.0])
    np.testing.assert_allclose(hit_rate(h, k=2), [1.0, 0.0])


def test_coverage_counts_distinct_items_in_the_top_k() -> None:
    recommended = np.array([[1, 2, 9], [1, 3, 8]])
    assert coverage(recommended, k=2, n_candidates=10) == 0.3
    assert coverage(recommended, k=3, n_candidates=10) == 0.5


def test_top_n_is_best_first_with_ties_to_the_lower_index() -> None:
    scores = np.array([[0.1, 0.9, 0.5, 0.9, -np.inf], [3.0, 2.0, 1.0, 0.0, 5.0]])
    assert top_n(scores, 3).tolist() == [[1, 3, 2], [4, 0, 1]]
    assert top_n(scores, 10).shape == (2, 5)
    assert top_n(scores, 0).shape == (2, 0)
