"""`engine.recommendations`: one ranking pipeline behind every recommendation endpoint.

candidates (a model's scores, or trending) -> filters (unavailable items, the request's
filters, the user's own hard filters, items already seen or bought) -> boosts ->
category diversity -> top n, each with the reason that produced it; the placement's
strategy (`engine.placements`) sets up each step (`ranking.pipeline`). A user is scored
from their *current* history, read at request time, so an event recorded a second ago
already counts; when there is no consent, no history or no model, the answer falls back
to what is popular and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
import numpy.typing as npt
import orjson
from sqlalchemy import Connection

from tailored.config import Settings
from tailored.data import Histories, Interactions, Vocabulary, Weighting
from tailored.domain.events import ADD_TO_CART, VIEW, EventMeanings
from tailored.domain.identifiers import check_identifier
from tailored.domain.models import ModelVersion
from tailored.domain.preference_effects import preference_boosts, preference_filters
from tailored.domain.preferences import PreferenceSchema
from tailored.domain.recommendations import (
    Context,
    Filters,
    Reason,
    RecommendationList,
    StrategySource,
)
from tailored.engine.model_params import AUTO, model_kind
from tailored.engine.placements import seeded
from tailored.engine.preferences.schemas import PreferenceSchemas
from tailored.engine.recommend.answer import Answer
from tailored.engine.recommend.state import Refreshing, ServedModel, ServingState, StateLoader
from tailored.errors import ConfigurationError, InvalidInput
from tailored.ranking import explain
from tailored.ranking.catalog_index import Mask
from tailored.ranking.pipeline import Picked, Pipeline
from tailored.storage import serving as store
from tailored.storage.database import Database
from tailored.storage.users import get_consents

MAX_N = 100
TRENDING_EVERY_REFRESHES = 10  # trending counts scan every event: recount less often
EXPLAIN_DEPTH = 20  # reasons come from the latest this many interactions
BOUGHT_SHARE = 0.5  # "bought together" when purchases made at least this share of a pair
Role = Literal["recommend", "similar", "bought_together"]
ONE_USER = Vocabulary(["user"])
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _Seen:
    """One thing the user did or is doing: a stored event, or the request's context."""

    item_id: str
    kind: Literal["history", "session", "cart"]
    event_type: str
    time: float


class Recommendations:
    """Recommendations for a user, similar items and items bought together.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> _ = engine.items.upsert_many([{"id": i, "title": i.title()} for i in ("tent", "lamp")])
    >>> _ = engine.events.record({"user_id": "u1", "type": "view", "item_id": "lamp"})
    >>> answer = engine.recommendations.for_user("u2", n=1)
    >>> answer.items[0].item_id, answer.items[0].reason.text, answer.personalized
    ('lamp', 'popular this week', False)
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        schemas: PreferenceSchemas,
        *,
        now: Callable[[], datetime],
        active: Callable[[str], ModelVersion | None],
        meanings: Callable[[], EventMeanings],
    ) -> None:
        roles: dict[str, str] = {
            "recommend": settings.recommend_model,
            "similar": settings.similar_model,
            "bought_together": settings.bought_together_model,
        }
        for role, name in roles.items():
            if role == "recommend" and name == AUTO:
                continue  # training's choice on validation (`Training.active`)
            try:
                model_kind(name)
            except InvalidInput as error:
                raise ConfigurationError(f"{role}_model: {error.problem}") from None
        self._db = db
        self._now = now
        self._schemas = schemas
        self._settings = settings
        loader = StateLoader(
            db,
            roles=roles,
            active=active,
            meanings=meanings,
            half_life_days=settings.interaction_half_life_days,
            window_days=settings.trending_window_days,
            trending_every=TRENDING_EVERY_REFRESHES * settings.serving_refresh_seconds,
            seeds={name: seeded(name, p) for name, p in settings.placements.items()},
            cache_size=settings.answer_cache_size,
        )
        self._state = Refreshing(loader.load, every=settings.serving_refresh_seconds)

    def refresh(self) -> None:
        """Re-read catalog, trending, placements and active models soon (e.g. after
        activating a model or changing a placement)."""
        self._state.invalidate()

    def forget(self, user_id: str) -> None:
        """Drop the answers this process keeps for `user_id`'s history (they are erased).
        Other processes never reuse them: an answer's key holds the history's
        fingerprint, which the erasure changed."""
        state = self._state.ready()
        if state is not None:
            state.answers.drop(lambda key: _answer_of(key) == user_id)

    # --- the endpoints ---------------------------------------------------------------

    def for_user(
        self,
        user_id: str | None,
        *,
        n: int = 10,
        placement: str | None = None,
        filters: Filters | None = None,
        context: Context | None = None,
    ) -> RecommendationList:
        """Top `n` for a user (or, with `user_id=None`, for an anonymous session)."""
        _check_n(n)
        filters, context = filters or Filters(), context or Context()
        now = context.time or self._now()
        facts = Context(facts=context.facts, time=now).derived()
        state = self._state.get()
        schema = self._schemas.get()  # before the read transaction: it may read too
        request = ("user", n, placement, filters.key, context.key, tuple(sorted(facts.items())))
        user = store.UserState(granted=None, preferences={}, events=0, newest=None)
        rows: list[tuple[str, str, float]] = []
        if user_id is not None:
            check_identifier("user_id", user_id)
            with self._db.reading() as conn:  # one round of reads per request
                user = store.user_state(conn, user_id, "personalization")
                key = self._answer_key(request, user_id, user, schema)
                if (found := state.answers.get(key)) is not None:
                    return found
                if self._may_personalize(user.granted) and user.events:
                    rows = self._stored_history(conn, state, user_id)
        else:
            key = self._answer_key(request, None, user, schema)
            if (found := state.answers.get(key)) is not None:
                return found
        answer = self._rank(state, schema, user, rows, n, placement, filters, context, now, facts)
        state.answers.put(key, answer)
        return answer

    def _answer_key(
        self,
        request: tuple[object, ...],
        user_id: str | None,
        user: store.UserState,
        schema: PreferenceSchema,
    ) -> Hashable:
        """Everything of the user's side an answer depends on; users in the same
        position (no consent, or no events yet, and the same preferences) share one.
        Preferences count with the schema that says what they do."""
        personal = self._may_personalize(user.granted)
        history = (user_id, user.events, user.newest) if personal and user.events else None
        chosen: tuple[object, ...] = ()
        if user.preferences:
            values = orjson.dumps(user.preferences, option=orjson.OPT_SORT_KEYS)
            chosen = (schema, values)
        return (request, user.granted, personal, chosen, history)

    def _rank(
        self,
        state: ServingState,
        schema: PreferenceSchema,
        user: store.UserState,
        rows: Sequence[tuple[str, str, float]],
        n: int,
        placement: str | None,
        filters: Filters,
        context: Context,
        now: datetime,
        facts: Mapping[str, str],
    ) -> RecommendationList:
        """The ranking pipeline, once the reads are done. What the user chose is a hard
        filter ('block', 'range') always, and a boost when personalizing."""
        pipeline, source = self._pipeline(state, placement)
        n = pipeline.top_n.size(n)
        chosen_filters = filters.merged(preference_filters(schema, user.preferences))
        allowed = pipeline.filters.allowed(state.catalog, chosen_filters)
        _hide(allowed, state, context.cart_items)  # already in the cart: never offered
        if not self._may_personalize(user.granted):
            notice = (
                "not personalized: consent to personalization was withdrawn"
                if user.granted is False
                else "not personalized: no consent to personalization"
            )
            answer = Answer(state, pipeline, source, facts, placement, filters, self._settings)
            return answer.popular(allowed, n, notice=notice, say_why=True)
        weight = pipeline.boosts.preference_weight
        chosen = preference_boosts(schema, user.preferences, weight=weight)
        pipeline = pipeline.with_boosts(chosen)
        answer = Answer(state, pipeline, source, facts, placement, filters, self._settings)
        seen = self._seen(rows, context, now)
        conversions = state.meanings.named("conversion")
        bought = [s.item_id for s in seen if s.event_type in conversions]
        # Seen: interacted with, or turned down (a negative event). What is bought again
        # and again (coffee) may come back, unless turned down since.
        negatives = state.meanings.named("negative")
        again = self._bought_again(state, bought) - {
            s.item_id for s in seen if s.event_type in negatives
        }
        shown = [s.item_id for s in seen if s.item_id not in again]
        _hide(allowed, state, pipeline.filters.hidden(shown, [b for b in bought if b not in again]))
        seen = _interactions(state.weighting, seen)
        served = state.model("recommend", pipeline.candidates.model)
        if not seen and chosen:  # the cold start: popular within what they chose
            first = np.zeros(len(state.catalog), dtype=np.bool_)
            for boost in chosen:
                first |= state.catalog.matches(boost)
            notice = "no activity yet: popular items, those you chose first"
            return answer.popular(allowed, n, notice=notice, first=first)
        if not seen:
            return answer.popular(allowed, n, notice="not personalized yet: no activity")
        if served is None:
            return answer.popular(allowed, n, notice="not personalized: no model trained yet")
        history, latest = self._history(served, state.weighting, seen, now)
        if len(history.items) == 0:
            return answer.popular(allowed, n, notice="not personalized yet: no known items")
        when = now.timestamp()
        positions, scores = served.on_catalog(*served.model.candidates(history, now=when))
        keep = allowed[positions]
        picked = pipeline.pick(positions[keep], scores[keep], n, catalog=state.catalog, facts=facts)
        reasons = self._because(state, served, history, latest, picked, when, answer)
        items = answer.items(picked, reasons)
        return answer.finish(items, allowed, n, personalized=True, model=served)

    def similar(
        self,
        item_id: str,
        *,
        n: int = 10,
        placement: str | None = None,
        filters: Filters | None = None,
        user_id: str | None = None,
    ) -> RecommendationList:
        """Items like `item_id` ("similar items"); trending in its category when the
        model knows nothing about it. With `user_id`, what that user blocked or ruled
        out in their preferences never appears."""
        return self._related("similar", item_id, n, placement, filters or Filters(), user_id)

    def bought_together(
        self,
        item_id: str,
        *,
        n: int = 10,
        placement: str | None = None,
        filters: Filters | None = None,
        user_id: str | None = None,
    ) -> RecommendationList:
        """Items bought with `item_id` in the same sessions ("customers who bought this
        also bought"); similar items, then trending in its category, fill the rest.
        With `user_id`, that user's hard filters apply as in `similar`."""
        filters = filters or Filters()
        return self._related("bought_together", item_id, n, placement, filters, user_id)

    def interactions(self, user_id: str) -> Interactions:
        """What serving scores `user_id` from right now: their latest `history_length`
        interactions, each weighed as training weighs it (`tailored.data.weighting`, aged
        to the clock's now), repeats of an item merged; none while they may not be
        personalized."""
        check_identifier("user_id", user_id)
        now = self._now()
        state = self._state.get()
        rows: list[tuple[str, str, float]] = []
        with self._db.reading() as conn:
            user = store.user_state(conn, user_id, "personalization")
            if self._may_personalize(user.granted) and user.events:
                rows = self._stored_history(conn, state, user_id)
        seen = _interactions(state.weighting, self._seen(rows, Context(), now))
        return Interactions.from_ids(
            [user_id] * len(seen),
            [s.item_id for s in seen],
            times=np.array([s.time for s in seen]),
            weights=_weighed(state.weighting, seen, now),
        )

    def personalizes(self, user_id: str) -> bool:
        """Whether what `user_id` does may shape what they are shown, by the consent rule
        every answer here follows (`Settings.personalization_consent`): consent granted,
        or never decided where the policy is opt-out. Pages that build something from a
        user's behaviour themselves ("because you viewed ...") ask this first."""
        check_identifier("user_id", user_id)
        with self._db.reading() as conn:
            decisions = get_consents(conn, user_id)
        granted = next((c.granted for c in decisions if c.purpose == "personalization"), None)
        return self._may_personalize(granted)

    def popular_values(self, attribute: str) -> list[tuple[str, float]]:
        """The values of a catalog attribute ("category": the categories), each with
        the share of all activity on available items that falls on items holding it,
        most popular first (every item counts a little too, so a catalog without events
        still ranks values by their size). An item with several values counts for each."""
        state = self._state.get()
        weights = (state.trending.total + 0.01) * state.catalog.available
        total = float(weights.sum())
        found = state.catalog.value_weights(attribute, weights)
        ranked = sorted(found.items(), key=lambda pair: (-pair[1], pair[0]))
        return [(value, weight / total) for value, weight in ranked if weight > 0]

    def remembered(
        self,
        role: Role,
        item_id: str,
        *,
        n: int = 10,
        placement: str | None = None,
        filters: Filters | None = None,
    ) -> RecommendationList | None:
        """The answer of `similar` or `bought_together` if one is in memory, without any
        I/O (None otherwise): the server answers these on its event loop, skipping the
        hop to a worker thread, which costs more than the lookup."""
        state = self._state.ready()
        if state is None or not 1 <= n <= MAX_N:
            return None
        return state.answers.get(self._related_key(role, item_id, n, placement, filters))

    # --- the parts -----------------------------------------------------------------------

    def _related_key(
        self, role: Role, item_id: str, n: int, placement: str | None, filters: Filters | None
    ) -> Hashable:
        facts = Context(time=self._now()).derived()
        filters_key = (filters or Filters()).key
        return (role, item_id, n, placement, filters_key, tuple(sorted(facts.items())))

    def _never_again(self, state: ServingState, user_id: str, placement: str | None) -> Filters:
        """What a list asked for with `user_id` must leave out for that user: what they
        blocked or ruled out in their preferences, and (when their behaviour may shape
        what they see) what they bought, unless bought again and again."""
        schema = self._schemas.get()  # before the read transaction: it may read too
        bought: list[str] = []
        with self._db.reading() as conn:
            user = store.user_state(conn, user_id, "personalization")
            if self._may_personalize(user.granted) and user.events:
                conversions = state.meanings.named("conversion")
                limit = self._settings.history_length
                rows = store.user_history(conn, user_id, conversions, limit=limit)
                bought = list(dict.fromkeys(item for item, _, _ in rows))
        pipeline, _ = self._pipeline(state, placement)
        again = self._bought_again(state, bought)
        left_out = pipeline.filters.hidden([], [b for b in bought if b not in again])
        chosen = preference_filters(schema, user.preferences)
        return chosen.merged(Filters(exclude_items=tuple(sorted(left_out))))

    def _bought_again(self, state: ServingState, bought: Sequence[str]) -> set[str]:
        """Of the items bought, those of a repeat-purchase category (coffee): they may be
        recommended again (`Settings.repeat_purchase_categories`)."""
        repeat = set(self._settings.repeat_purchase_categories)
        if not repeat:
            return set()
        found = state.catalog.items.index(list(bought))
        return {
            item
            for item, position in zip(bought, found, strict=True)
            if position >= 0 and repeat.intersection(state.catalog.categories_of(int(position)))
        }

    def _may_personalize(self, granted: bool | None) -> bool:
        """Granted, or never decided where the policy is opt-out."""
        if granted is None:
            return self._settings.personalization_consent == "opt_out"
        return granted

    def _pipeline(
        self, state: ServingState, placement: str | None
    ) -> tuple[Pipeline, StrategySource]:
        """The placement's pipeline: its own strategy, else 'default''s, else built in."""
        if placement is not None:
            check_identifier("placement", placement)
        return state.pipelines.find(placement)

    def _stored_history(
        self, conn: Connection, state: ServingState, user_id: str
    ) -> list[tuple[str, str, float]]:
        """The user's latest events that count: interactions, and signals against items."""
        limit = self._settings.history_length
        return store.user_history(conn, user_id, state.meanings.history, limit=limit)

    def _seen(
        self, rows: Sequence[tuple[str, str, float]], context: Context, now: datetime
    ) -> list[_Seen]:
        """The stored history, then what the request says the session holds."""
        seen = [_Seen(item, "history", kind, at) for item, kind, at in rows]
        stamp = now.timestamp()
        seen += [_Seen(i, "session", VIEW, stamp) for i in context.session_items]
        seen += [_Seen(i, "cart", ADD_TO_CART, stamp) for i in context.cart_items]
        return seen

    def _history(
        self, served: ServedModel, weighting: Weighting, seen: Sequence[_Seen], now: datetime
    ) -> tuple[Histories, dict[int, _Seen]]:
        """The model's history row (repeats merged, weighed by the rule training uses,
        aged to the request's time) and, per model item, the interaction a reason should
        name."""
        times = np.array([s.time for s in seen])
        weights = _weighed(weighting, seen, now)
        types = [s.event_type for s in seen]
        strength = dict(zip(types, weighting.weigh(types), strict=True))
        index = served.model.items_.index([s.item_id for s in seen])
        known = index >= 0
        data = Interactions.from_indices(
            ONE_USER,
            served.model.items_,
            np.zeros(int(known.sum()), dtype=np.int64),
            index[known],
            times[known],
            weights[known],
        )
        named: dict[int, _Seen] = {}
        rank = {"cart": 3, "session": 2, "history": 1}
        for s in seen:
            position = served.model.items_.position(s.item_id)
            if position < 0:
                continue
            current = named.get(position)
            if current is None or (rank[s.kind], strength[s.event_type]) >= (
                rank[current.kind],
                strength[current.event_type],
            ):
                named[position] = s
        return data.histories(), named

    def _because(
        self,
        state: ServingState,
        served: ServedModel,
        history: Histories,
        named: Mapping[int, _Seen],
        picked: Picked,
        now: float,
        answer: Answer,
    ) -> list[Reason]:
        """For each picked item, the interaction that raised its score most."""
        targets = served.from_catalog[picked.positions]
        depth = min(EXPLAIN_DEPTH, len(history.items))
        positions = np.arange(len(history.items) - depth, len(history.items))
        lift = served.model.attribute(history, targets, positions=positions, now=now)
        best = lift.argmax(axis=0) if len(lift) else np.zeros(len(targets), dtype=np.int64)
        reasons = []
        for column in range(len(picked.positions)):
            if len(lift) and lift[best[column], column] > 0:
                cause = named[int(history.items[positions[best[column]]])]
                title = answer.title_of(cause.item_id)
                said = state.meanings.says(cause.event_type, title)
                reasons.append(explain.because(cause.kind, said, cause.item_id, title))
            else:  # nothing the user did raised it: say what did
                reasons.append(answer.fallback_reason(picked, column))
        return reasons

    def _related(
        self,
        role: Role,
        item_id: str,
        n: int,
        placement: str | None,
        filters: Filters,
        user_id: str | None,
    ) -> RecommendationList:
        _check_n(n)
        check_identifier("item_id", item_id)
        state = self._state.get()
        if user_id is not None:
            check_identifier("user_id", user_id)
            filters = filters.merged(self._never_again(state, user_id, placement))
        key = self._related_key(role, item_id, n, placement, filters)
        if (found := state.answers.get(key)) is not None:
            return found
        facts = Context(time=self._now()).derived()
        answer = self._related_answer(state, role, item_id, n, placement, filters, facts)
        state.answers.put(key, answer)
        return answer

    def _related_answer(
        self,
        state: ServingState,
        role: Role,
        item_id: str,
        n: int,
        placement: str | None,
        filters: Filters,
        facts: Mapping[str, str],
    ) -> RecommendationList:
        pipeline, source = self._pipeline(state, placement)
        n = pipeline.top_n.size(n)
        allowed = pipeline.filters.allowed(state.catalog, filters)
        _hide(allowed, state, [item_id])
        position = state.catalog.items.position(item_id)
        categories = state.catalog.categories_of(position) if position >= 0 else ()
        answer = Answer(
            state, pipeline, source, facts, placement, filters, self._settings,
            category=categories[0] if categories else None,
        )  # fmt: skip
        if position < 0:
            notice = f"{item_id!r} is not in the catalog: showing what is popular"
            return answer.popular(allowed, n, notice=notice)
        # Slots the models leave empty: what is popular in the item's category first.
        in_category = state.catalog.in_categories(categories) if categories else None
        title = answer.title_of(item_id)
        for served, together in self._related_models(state, role, pipeline):
            index = served.model.items_.position(item_id)
            if index < 0:
                continue
            positions, scores = served.on_catalog(*served.model.related(index))
            keep = allowed[positions]
            picked = pipeline.pick(
                positions[keep], scores[keep], n, catalog=state.catalog, facts=facts
            )
            reasons = _related_reasons(served, index, picked, item_id, title, together)
            items = answer.items(picked, reasons)
            return answer.finish(
                items, allowed, n, personalized=False, model=served, first=in_category
            )
        return answer.popular(allowed, n, first=in_category)

    def _related_models(
        self, state: ServingState, role: Role, pipeline: Pipeline
    ) -> list[tuple[ServedModel, bool]]:
        """The models to ask, in order, each with whether its relation is "together"
        (the endpoint's own model for bought together) or "similar": the endpoint's own
        (or the one the placement names instead), then the more general ones."""
        named = pipeline.candidates.model
        chain: list[tuple[ServedModel | None, bool]] = [
            (state.model("similar", named if role == "similar" else None), False),
            (state.model("recommend"), False),
        ]
        if role == "bought_together":
            chain.insert(0, (state.model("bought_together", named), True))
        return [(served, together) for served, together in chain if served is not None]


def _related_reasons(
    served: ServedModel, index: int, picked: Picked, item_id: str, title: str, together: bool
) -> list[Reason]:
    """Why each picked item relates to the item: "bought together" where purchases made
    most of what the model counted, "viewed together" where views did, and "similar to"
    from a model that cannot tell (or is not asked for what goes together)."""
    shares = None
    if together:
        shares = served.model.purchase_share(index, served.from_catalog[picked.positions])
    if shares is None:
        return [explain.similar_to(item_id, title)] * len(picked.positions)
    return [
        explain.together(item_id, title, bought=bool(share >= BOUGHT_SHARE)) for share in shares
    ]


def _interactions(weighting: Weighting, seen: Sequence[_Seen]) -> list[_Seen]:
    """What the models score: the events of interaction types (no negative signals)."""
    weights = weighting.weigh([s.event_type for s in seen])
    return [s for s, weight in zip(seen, weights, strict=True) if weight > 0]


def _weighed(weighting: Weighting, seen: Sequence[_Seen], now: datetime) -> FloatArray:
    """The weights training would give these events at `now` (the request's time)."""
    times = np.array([s.time for s in seen], dtype=np.float64)
    return weighting.weigh([s.event_type for s in seen], times, now=now.timestamp())


def _hide(allowed: Mask, state: ServingState, item_ids: Sequence[str]) -> None:
    if item_ids:
        found = state.catalog.items.index(list(item_ids))
        allowed[found[found >= 0]] = False


def _answer_of(key: Hashable) -> str | None:
    """The user whose history an answer of `for_user` was made from (see `_answer_key`:
    its last part is `(user_id, events, newest)`, or None), else None."""
    if isinstance(key, tuple) and len(key) == 5 and isinstance(key[4], tuple):
        found = key[4][0]
        return found if isinstance(found, str) else None
    return None


def _check_n(n: int) -> None:
    if not 1 <= n <= MAX_N:
        raise InvalidInput("n", f"must be between 1 and {MAX_N}, not {n}")


__all__ = ["MAX_N", "Recommendations"]
