"""One request's answer: picked positions become items with titles, scores and reasons,
and slots a model could not fill are filled with what is trending."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from tailored.config import Settings
from tailored.domain.recommendations import (
    Filters,
    Reason,
    RecommendationList,
    Recommended,
    Strategy,
)
from tailored.engine.recommend.state import ServedModel, ServingState
from tailored.ranking import explain
from tailored.ranking.catalog_index import Mask
from tailored.ranking.chain import CANDIDATES_PER_SLOT, MIN_CANDIDATES, Picked, pick


class Answer:
    """Builds the list of one request: items with titles and reasons, trending fill."""

    def __init__(
        self,
        state: ServingState,
        strategy: Strategy,
        facts: Mapping[str, str],
        placement: str | None,
        filters: Filters,
        settings: Settings,
        *,
        category: str | None = None,
    ) -> None:
        self.state = state
        self.strategy = strategy
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
        trending = self.state.trending
        if trending.total[position] <= 0:
            return explain.from_catalog(self.state.catalog.category_of(position))
        recent = bool(trending.recent[position] > 0)
        return explain.popular(self.category, recent=recent, window_days=self.window_days)

    def fallback_reason(self, picked: Picked, column: int) -> Reason:
        """Why an item is there when nothing the user did raised it: their own choice
        if one boosted it, else its popularity."""
        boost = int(picked.boosted_by[column])
        if boost >= 0 and self.strategy.boosts[boost].chosen is not None:
            return explain.chosen(self.strategy.boosts[boost])
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
        items = self._fill([], allowed & first if first is not None else allowed, n)
        items = self._fill(items, allowed, n)
        if say_why and notice:
            items = [replace(i, reason=explain.not_personalized(i.reason, notice)) for i in items]
        return RecommendationList(
            tuple(items),
            personalized=False,
            source="trending",
            placement=self.placement,
            notice=notice,
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
        if first is not None:
            items = self._fill(items, allowed & first, n)
        return RecommendationList(
            tuple(self._fill(items, allowed, n)),
            personalized=personalized,
            source=model.version.model,
            model_version=model.version.id,
            placement=self.placement,
        )

    def _fill(self, items: list[Recommended], allowed: Mask, n: int) -> list[Recommended]:
        """`items`, then the most popular of `allowed` not among them, up to `n`."""
        if len(items) >= n:
            return items
        rest = allowed
        if items:
            rest = allowed.copy()
            rest[self.state.catalog.items.index([i.item_id for i in items])] = False
        picked = self._pick_popular(rest, n - len(items))
        reasons = [self.fallback_reason(picked, c) for c in range(len(picked.positions))]
        return items + self.items(picked, reasons)

    def _pick_popular(self, allowed: Mask, n: int) -> Picked:
        trending = self.state.trending
        ranked = trending.order[allowed[trending.order]]  # best first, filters applied
        depth = max(n * CANDIDATES_PER_SLOT, MIN_CANDIDATES)
        best = ranked[:depth]
        return pick(
            best,
            trending.scores()[best],
            n,
            catalog=self.state.catalog,
            strategy=self.strategy,
            facts=self.facts,
        )


__all__ = ["Answer"]
