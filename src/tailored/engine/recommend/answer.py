"""One request's answer: picked positions become items with titles, scores and reasons,
and slots a model could not fill are filled with what is trending (`ranking.chain`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from tailored.config import Settings
from tailored.domain.recommendations import (
    Filters,
    Reason,
    RecommendationList,
    Recommended,
    StrategySource,
)
from tailored.engine.recommend.state import ServedModel, ServingState
from tailored.ranking import explain
from tailored.ranking.catalog_index import Mask
from tailored.ranking.chain import filled
from tailored.ranking.pipeline import Picked, Pipeline


class Answer:
    """Builds the list of one request: items with titles and reasons, trending fill."""

    def __init__(
        self,
        state: ServingState,
        pipeline: Pipeline,
        source: StrategySource,
        facts: Mapping[str, str],
        placement: str | None,
        filters: Filters,
        settings: Settings,
        *,
        category: str | None = None,
    ) -> None:
        self.state = state
        self.pipeline = pipeline
        self.source = source
        self.facts = facts
        self.placement = placement
        self.window_days = settings.trending_window_days
        # Trending is said to be "in <category>" when the list is limited to one.
        self.category = category or (
            filters.categories[0] if len(filters.categories) == 1 else None
        )

    def title_of(self, item_id: str) -> str:
        position = self.state.catalog.items.position(item_id)
        return self.state.catalog.titles[position] if position >= 0 else item_id

    def popular_reason(self, position: int) -> Reason:
        """Popular "in <category>" only for an item of that category: a filler from
        elsewhere (the category was blocked, or had too few items) is just popular."""
        trending = self.state.trending
        catalog = self.state.catalog
        if trending.total[position] <= 0:
            return explain.from_catalog(catalog.category_of(position))
        recent = bool(trending.recent[position] > 0)
        category = self.category if self.category in catalog.categories_of(position) else None
        return explain.popular(category, recent=recent, window_days=self.window_days)

    def fallback_reason(self, picked: Picked, column: int) -> Reason:
        """Why an item is there when nothing the user did raised it: their own choice
        if one boosted it, else its popularity."""
        boost = int(picked.boosted_by[column])
        if boost >= 0 and self.pipeline.boosts.rules[boost].chosen is not None:
            return explain.chosen(self.pipeline.boosts.rules[boost])
        return self.popular_reason(int(picked.positions[column]))

    def items(self, picked: Picked, reasons: Sequence[Reason]) -> list[Recommended]:
        catalog = self.state.catalog
        return [
            Recommended(
                item_id=catalog.items.id_of(int(position)),
                title=catalog.titles[int(position)],
                score=round(float(score), 6),
                reason=reason,
                boosted=bool(boosted),
            )
            for position, score, boosted, reason in zip(
                picked.positions, picked.scores, picked.boosted, reasons, strict=True
            )
        ]

    def popular(
        self,
        allowed: Mask,
        n: int,
        *,
        notice: str | None = None,
        say_why: bool = False,
        first: Mask | None = None,
    ) -> RecommendationList:
        """The trending answer; with `say_why`, every reason carries the notice too.
        Items in `first` (e.g. what the user chose) come before the rest."""
        items = self._fill([], allowed, n, first)
        if say_why and notice:
            items = [replace(i, reason=explain.not_personalized(i.reason, notice)) for i in items]
        return RecommendationList(
            tuple(items),
            personalized=False,
            source="trending",
            placement=self.placement,
            notice=notice,
            strategy=self.source,
        )

    def finish(
        self,
        items: list[Recommended],
        allowed: Mask,
        n: int,
        *,
        personalized: bool,
        model: ServedModel,
        first: Mask | None = None,
    ) -> RecommendationList:
        """Fill the slots a model left empty (items it never saw) with trending ones,
        those in `first` (e.g. the item's category) before the rest."""
        return RecommendationList(
            tuple(self._fill(items, allowed, n, first)),
            personalized=personalized,
            source=model.version.model,
            model_version=model.version.id,
            placement=self.placement,
            strategy=self.source,
        )

    def _fill(
        self, items: list[Recommended], allowed: Mask, n: int, first: Mask | None
    ) -> list[Recommended]:
        """`items`, then the most popular of `allowed & first`, then of `allowed`."""
        catalog = self.state.catalog
        positions = catalog.items.index([i.item_id for i in items])
        taken = Picked(positions, np.zeros(len(items)), np.full(len(items), -1, dtype=np.int64))
        masks = [allowed] if first is None else [allowed & first, allowed]
        picked = filled(
            taken, masks, n,
            pipeline=self.pipeline, trending=self.state.trending, catalog=catalog, facts=self.facts,
        )  # fmt: skip
        rest = slice(len(items), None)
        more = Picked(picked.positions[rest], picked.scores[rest], picked.boosted_by[rest])
        reasons = [self.fallback_reason(more, c) for c in range(len(more))]
        return items + self.items(more, reasons)


__all__ = ["Answer"]
