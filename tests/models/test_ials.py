"""IALS passes the recommender contract; its conjugate-gradient training does as well as
exact alternating least squares, and its fold-in is exact."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from tailored.data import Histories, Interactions, Vocabulary
from tailored.models import IALS, Recommender
from tailored.models.least_squares import solve_exact
from tailored.testing.models import RecommenderContract


class TestIALSContract(RecommenderContract):
    def make(self) -> Recommender:
        return IALS(factors=2, iterations=15, l2=0.1, seed=3)


def random_interactions(seed: int = 0) -> Interactions:
    rng = np.random.default_rng(seed)
    n_users, n_items = 80, 50
    taste = rng.integers(0, 3, n_users)
    users, items = [], []
    for u in range(n_users):  # three overlapping tastes, plus noise
        liked = rng.choice(n_items, 8, replace=False, p=_taste(taste[u], n_items))
        users += [u] * len(liked)
        items += liked.tolist()
    return Interactions(
        Vocabulary(map(str, range(n_users))),
        Vocabulary(map(str, range(n_items))),
        np.array(users),
        np.array(items),
        np.zeros(len(users)),
        rng.integers(1, 4, len(users)).astype(np.float64),
    )


def _taste(t: int, n: int) -> np.ndarray:
    p = np.full(n, 0.2)
    p[t * 15 : t * 15 + 20] = 3.0
    return p / p.sum()


def objective(ratings: sp.csr_matrix, users: np.ndarray, items: np.ndarray, model: IALS) -> float:
    """sum c_ui (p_ui - x_u . y_i)^2 + l2 (|X|^2 + |Y|^2), dense."""
    dense = ratings.toarray()
    confidence = 1.0 + model.alpha * dense
    error = (dense > 0) - users @ items.T
    return float((confidence * error**2).sum() + model.l2 * ((users**2).sum() + (items**2).sum()))


def exact_als(ratings: sp.csr_matrix, model: IALS) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(model.seed)
    users = rng.normal(0, 0.01, (ratings.shape[0], model.factors))
    items = rng.normal(0, 0.01, (ratings.shape[1], model.factors))
    for _ in range(model.iterations):
        users = solve_exact(ratings, items, l2=model.l2, alpha=model.alpha)
        items = solve_exact(ratings.T.tocsr(), users, l2=model.l2, alpha=model.alpha)
    return users, items


def test_training_reaches_the_objective_of_exact_als() -> None:
    data = random_interactions()
    ratings = data.matrix()
    for params in ({"l2": 0.1, "alpha": 10.0}, {"l2": 10.0, "alpha": 1.0}):
        model = IALS(factors=8, iterations=15, seed=2, **params).fit(data)
        users = model.user_factors(data.histories())
        exact_users, exact_items = exact_als(ratings, model)
        reached = objective(ratings, users, model.item_factors_, model)
        best = objective(ratings, exact_users, exact_items, model)
        assert reached <= 1.02 * best, (params, reached, best)


def test_fold_in_is_the_exact_least_squares_answer() -> None:
    data = random_interactions(1)
    model = IALS(factors=6, iterations=5, l2=1.0, alpha=5.0).fit(data)
    histories = Histories.from_sequences([[0, 3, 3, 7], [], [49]])
    folded = model.user_factors(histories)
    y = model.item_factors_
    for row, items in enumerate([[0, 3, 7], [], [49]]):
        weights = np.bincount(histories.row(row), minlength=50)[items].astype(np.float64)
        if not items:
            assert (folded[row] == 0).all()
            continue
        confidence = model.alpha * weights
        a = y.T @ y + (y[items].T * confidence) @ y[items] + model.l2 * np.eye(6)
        expected = np.linalg.solve(a, y[items].T @ (1.0 + confidence))
        np.testing.assert_allclose(folded[row], expected, rtol=1e-9, atol=1e-12)


def test_item_factors_are_saved_as_float64_under_the_same_key() -> None:
    model = IALS(factors=3, iterations=2).fit(random_interactions(2))
    state = model._state()
    assert list(state) == ["item_factors"]
    assert state["item_factors"].dtype == np.float64
    assert state["item_factors"].shape == (50, 3)
