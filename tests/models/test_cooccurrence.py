"""CoOccurrence passes the recommender contract."""

from __future__ import annotations

from tailored.models import CoOccurrence, Recommender
from tailored.testing.models import RecommenderContract


class TestCoOccurrenceContract(RecommenderContract):
    def make(self) -> Recommender:
        return CoOccurrence(gap_seconds=600)
