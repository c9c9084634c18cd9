"""Ranking metrics and the offline evaluation protocol."""

from tailored.metrics.protocol import Evaluation, evaluate, tune
from tailored.metrics.ranking import coverage, hit_rate, hits, ndcg, recall, top_n

__all__ = [
    "Evaluation",
    "coverage",
    "evaluate",
    "hit_rate",
    "hits",
    "ndcg",
    "recall",
    "top_n",
    "tune",
]
