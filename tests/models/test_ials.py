"""IALS passes the recommender contract."""

from __future__ import annotations

from tailored.models import IALS, Recommender
from tailored.testing.models import RecommenderContract


class TestIALSContract(RecommenderContract):
    def make(self) -> Recommender:
        return IALS(factors=2, iterations=15, l2=0.1, seed=3)
