"""Ranking metrics against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tailored.errors import InvalidInput
from tailored.metrics import (
    NO_ITEM,
    coverage,
    hit_rate,
    hits,
    ndcg,
    recall,
    recommendation_lists,
    top_n,
)


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


# -inf marks an item that may not be recommended (not a candidate, or seen already).
SHORT = np.array(
    [
        [0.2, -np.inf, 0.7, -np.inf, -np.inf],  # two items can be ranked
        [-np.inf, -np.inf, -np.inf, -np.inf, -np.inf],  # none can
        [0.1, 0.4, 0.3, 0.2, np.nan],  # the model cannot score item 4
    ]
)


def test_a_list_holds_only_items_with_a_finite_score() -> None:
    lists = recommendation_lists(SHORT, 3)
    assert lists.tolist() == [[2, 0, NO_ITEM], [NO_ITEM] * 3, [1, 2, 3]]
    assert recommendation_lists(SHORT, 10).tolist()[2] == [1, 2, 3, 0, NO_ITEM]
    full = np.array([[0.1, 0.9, 0.5, 0.9], [3.0, 2.0, 1.0, 0.0]])
    assert recommendation_lists(full, 3).tolist() == top_n(full, 3).tolist()


def test_items_scored_minus_infinity_are_never_hits() -> None:
    # Item 1 is relevant to the first user but is no candidate: top_n alone would put
    # it third and count it, NDCG 0.5 instead of 0.
    relevant = [{1}, {0}, {3}]
    assert top_n(SHORT, 3)[0].tolist() == [2, 0, 1]
    h = hits(recommendation_lists(SHORT, 3), relevant)
    assert h.tolist() == [[False] * 3, [False] * 3, [False, False, True]]
    np.testing.assert_allclose(ndcg(h, relevant, k=3), [0.0, 0.0, 0.5])
    np.testing.assert_allclose(recall(h, relevant, k=3), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(hit_rate(h, k=3), [0.0, 0.0, 1.0])


def test_ndcg_of_a_short_list_counts_its_hits_at_their_ranks() -> None:
    scores = np.array([[-np.inf, 0.5, -np.inf, 0.9]])
    h = hits(recommendation_lists(scores, 10), [{1, 3}])
    assert h.shape == (1, 4) and h[0].tolist() == [True, True, False, False]
    np.testing.assert_allclose(ndcg(h, [{1, 3}], k=10), [1.0])


def test_coverage_counts_only_ranked_items_and_never_exceeds_one() -> None:
    # Two candidates (items 0 and 2 can be scored); top_n's lists also hold item 1.
    assert len(np.unique(top_n(SHORT[:2], 3))) > 2
    assert coverage(recommendation_lists(SHORT[:2], 3), k=3, n_candidates=2) == 1.0
    assert coverage(recommendation_lists(SHORT[1:2], 3), k=3, n_candidates=2) == 0.0
    assert coverage(np.zeros((0, 3), dtype=np.int64), k=3, n_candidates=0) == 0.0
    with pytest.raises(InvalidInput, match=r"^recommended: holds 3 distinct items"):
        coverage(top_n(SHORT[:2], 3), k=3, n_candidates=2)
