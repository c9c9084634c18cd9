"""One request's answer: picked positions become items with titles, scores and reasons,
and slots a model could not fill are filled with what is trending."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tailored.config import Settings
from tailored.domain.recommendations import (
    Filters,
    Reason,
    RecommendationList,
    Recommended,
    Strategy,
)
from tailored.engine.recommend import explain
from tailored.engine.recommend.catalog_index import Mask
from tailored.engine.recommend.chain import CANDIDATES_PER_SLOT, MIN_CANDIDATES, Picked, pick
from tailored.engine.recommend.state import ServedModel, ServingState


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
        self, allowed: Mask, n: int, *, notice: str | None = None, say_why: bool = False
    ) -> RecommendationList:
        """The trending answer; with `say_why`, every reason carries the notice too."""
        picked = self._pick_popular(allowed, n)
        reasons = [self.popular_reason(int(p)) for p in picked.positions]
        if say_why and notice:
            reasons = [explain.not_personalized(r, notice) for r in reasons]
        return RecommendationList(
            tuple(self.items(picked, reasons)),
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
    ) -> RecommendationList:
        """Fill the slots a model left empty (items it never saw) with trending ones."""
        if len(items) < n:
            rest = allowed.copy()
            rest[self.state.catalog.items.index([i.item_id for i in items])] = False
            picked = self._pick_popular(rest, n - len(items))
            items += self.items(picked, [self.popular_reason(int(p)) for p in picked.positions])
        return RecommendationList(
            tuple(items),
            personalized=personalized,
            source=model.version.model,
            model_version=model.version.id,
            placement=self.placement,
        )

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
