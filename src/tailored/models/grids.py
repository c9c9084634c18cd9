"""The hyper-parameters tried for each model when tuning on a validation split.

One place, used by training, `tailored evaluate` and the benchmarks alike.
"""

from __future__ import annotations

from itertools import product
from typing import Any


def grid(**axes: list[Any]) -> list[dict[str, Any]]:
    """Every combination of the axes.

    >>> grid(a=[1, 2], b=["x"])
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': 'x'}]
    """
    names = list(axes)
    return [dict(zip(names, values, strict=True)) for values in product(*axes.values())]


GRIDS: dict[str, list[dict[str, Any]]] = {
    "popular": grid(half_life_days=[None, 3.0, 14.0, 60.0]),
    "item_knn": grid(neighbors=[50, 100, 200, 400], shrinkage=[0.0, 10.0, 50.0]),
    "cooccurrence": grid(gap_seconds=[600.0, 3600.0, 86_400.0], shrinkage=[1.0, 10.0]),
    "ease": grid(l2=[50.0, 100.0, 200.0, 400.0, 800.0, 1600.0]),
    "ials": grid(factors=[32, 64, 128], l2=[0.1, 1.0, 10.0], alpha=[1.0, 5.0, 20.0]),
    # Around the values a wider validation search chose (docs/research/sequential-models.md)
    "seq_ease": grid(l2=[300.0, 1000.0, 3000.0], tau=[5.0, 10.0]),
    "slit": grid(l2=[1000.0, 3000.0], tau=[10.0, 20.0, 40.0]),
    "seq_blend": grid(weight=[0.25, 0.5, 1.0], slit_tau=[10.0, 20.0]),
    "content": grid(category_weight=[1.0, 2.0, 4.0]),
    # Its weight stays: NDCG alone would choose behaviour only (docs/research/similar-items.md)
    "similar_blend": grid(shrinkage=[0.0, 10.0, 50.0]),
}

__all__ = ["GRIDS", "grid"]
