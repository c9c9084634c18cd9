"""Ranking metrics and the offline evaluation protocol."""

from tailored.metrics.protocol import (
    MIN_ITEMS,
    MIN_USERS,
    Evaluation,
    evaluate,
    too_small,
    tune,
)
from tailored.metrics.ranking import (
    NO_ITEM,
    coverage,
    hit_rate,
    hits,
    ndcg,
    recall,
    recommendation_lists,
    top_n,
)
from tailored.metrics.selection import Selection, Trial, select

__all__ = [
    "MIN_ITEMS",
    "MIN_USERS",
    "NO_ITEM",
    "Evaluation",
    "Selection",
    "Trial",
    "coverage",
    "evaluate",
    "hit_rate",
    "hits",
    "ndcg",
    "recall",
    "recommendation_lists",
    "select",
    "too_small",
    "top_n",
    "tune",
]
