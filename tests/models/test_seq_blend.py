"""SeqBlend passes the recommender contract."""

from __future__ import annotations

from tailored.models import Recommender, SeqBlend
from tailored.testing.models import RecommenderContract


class TestSeqBlendContract(RecommenderContract):
    def make(self) -> Recommender:
        return SeqBlend(slit_l2=1.0, ease_l2=1.0, slit_tau_in=2.0, ease_kernel_width=5.0)
