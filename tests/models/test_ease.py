"""EASE passes the recommender contract."""

from __future__ import annotations

from tailored.models import EASE, Recommender
from tailored.testing.models import RecommenderContract


class TestEASEContract(RecommenderContract):
    def make(self) -> Recommender:
        return EASE(l2=1.0)
