"""SeqEASE passes the recommender contract."""

from __future__ import annotations

from tailored.models import Recommender, SeqEASE
from tailored.testing.models import RecommenderContract


class TestSeqEASEContract(RecommenderContract):
    def make(self) -> Recommender:
        return SeqEASE(l2=1.0, kernel_width=5.0, tau=5.0)
