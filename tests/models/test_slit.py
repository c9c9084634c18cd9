"""SLIT passes the recommender contract."""

from __future__ import annotations

from tailored.models import SLIT, Recommender
from tailored.testing.models import RecommenderContract


class TestSLITContract(RecommenderContract):
    def make(self) -> Recommender:
        return SLIT(l2=1.0, tau_in=2.0, tau_out=2.0, tau=5.0)
