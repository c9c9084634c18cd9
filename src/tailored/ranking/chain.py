"""The chain that fills a list: what a source of candidates gave (a model's picks), then
the most popular items of each mask in turn (e.g. the item's category, then everything
allowed), each through the placement's pipeline, until the list holds `n` items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tailored.ranking.catalog_index import CatalogIndex, Mask
from tailored.ranking.pipeline import Picked, Pipeline
from tailored.ranking.trending import Trending


def filled(
    picked: Picked,
    masks: Sequence[Mask],
    n: int,
    *,
    pipeline: Pipeline,
    trending: Trending,
    catalog: CatalogIndex,
    facts: Mapping[str, str],
) -> Picked:
    """`picked`, then the most popular of each of `masks` not picked yet, up to `n`.

    >>> import numpy as np
    >>> from tailored.domain.placements.strategy import Strategy
    >>> index = CatalogIndex.build([(i, i, [], {}, True) for i in "abc"])
    >>> trending = Trending(np.array([1.0, 3.0, 2.0]), np.array([1.0, 3.0, 2.0]))
    >>> first = filled(Picked.empty(), [np.array([True, False, True])], 1,
    ...                pipeline=Pipeline.of(Strategy()), trending=trending, catalog=index, facts={})
    >>> every = np.ones(3, dtype=np.bool_)
    >>> filled(first, [every], 3, pipeline=Pipeline.of(Strategy()), trending=trending,
    ...        catalog=index, facts={}).positions.tolist()
    [2, 1, 0]
    """
    for mask in masks:
        if len(picked) >= n:
            break
        rest = mask
        if len(picked):
            rest = mask.copy()
            rest[picked.positions] = False
        picked = picked + pipeline.popular(
            trending, rest, n - len(picked), catalog=catalog, facts=facts
        )
    return picked


__all__ = ["filled"]
