"""ItemKNN passes the recommender contract."""

from __future__ import annotations

from tailored.models import ItemKNN, Recommender
from tailored.testing.models import RecommenderContract


class TestItemKNNContract(RecommenderContract):
    def make(self) -> Recommender:
        return ItemKNN(neighbors=20, shrinkage=1.0)
