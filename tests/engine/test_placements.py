"""Placements stored with versions, and serving ranking each list with the version in force."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from tailored import Engine
from tailored.config import Settings
from tailored.domain.recommendations import RecommendationList, StrategySource
from tailored.engine.placements import seeded
from tailored.engine.recommend.state import Refreshing, StateLoader
from tailored.errors import InvalidInput, NotFound

DIVERSE = {"diversity": {"strength": 0.9}}
SHOES_FIRST = {"boosts": {"rules": [{"category": "shoes", "factor": 50}]}}


def _serving(engine: Engine, **settings: Any) -> Engine:
    """The shop's engine with other settings (item_knn serves users unless told)."""
    settings.setdefault("recommend_model", "item_knn")
    return Engine(engine.db, Settings.model_validate(engine.settings.model_dump() | settings))


def _ids(answer: RecommendationList) -> list[str]:
    return [r.item_id for r in answer.items]


def _browse(engine: Engine, user: str = "hu") -> None:
    engine.events.record_many(
        [{"user_id": user, "type": "view", "item_id": i} for i in ("tent", "stove", "boots")]
    )


def test_each_change_is_a_new_version_and_an_old_one_can_come_back(engine: Engine) -> None:
    first = engine.placements.set({"id": "home", "description": "Top picks", "strategy": DIVERSE})
    assert (first.version, first.latest_version, first.origin) == (1, 1, "stored")
    assert first.strategy.diversity.strength == 0.9 and first.description == "Top picks"
    second = engine.placements.set({"strategy": SHOES_FIRST}, placement_id="home")
    assert (second.version, second.description) == (2, "")
    assert second.strategy.diversity.strength == 0.0  # a version is whole, not a patch
    back = engine.placements.activate("home", 1)
    assert (back.version, back.latest_version, back.rolled_back) == (1, 2, True)
    assert engine.placements.get("home").strategy == first.strategy
    versions = engine.placements.history("home")
    assert [(v.version, v.active) for v in versions] == [(2, False), (1, True)]
    assert versions[1].strategy == first.strategy and versions[1].description == "Top picks"
    third = engine.placements.set({"id": "home", "strategy": {}})  # after a rollback: newest + 1
    assert (third.version, third.latest_version) == (3, 3)
    assert [p.id for p in engine.placements.list()] == ["home"]


def test_the_same_strategy_again_makes_no_new_version(engine: Engine) -> None:
    document = {"id": "home", "description": "Top picks", "strategy": SHOES_FIRST}
    assert engine.placements.set(document).version == 1
    written = {"id": "home", "description": "Top picks", "strategy": {
        "boosts": {"rules": [{"category": "shoes", "factor": 50.0}], "preference_weight": 1},
        "diversity": {"strength": 0}}}  # fmt: skip  # the same, spelled otherwise
    assert engine.placements.set(written).version == 1
    assert engine.placements.set({**document, "description": "Shoes!"}).version == 2
    assert len(engine.placements.history("home")) == 2


@pytest.mark.parametrize(
    ("document", "field", "problem"),
    [
        ({"strategy": {"diversity": {"strength": 1.5}}}, "strategy.diversity.strength",
         "between 0 and 1"),
        ({"strategy": {"boosts": {"rules": [{"category": "x", "factor": 1}, {"factor": 2}]}}},
         "strategy.boosts.rules[1]", "give a category"),
        ({"strategy": {"candidates": {"model": "deep"}}}, "strategy.candidates.model",
         "unknown model 'deep'"),
        ({"strategy": {"filters": {"exclude_items": ["a/b"]}}},
         "strategy.filters.exclude_items[0]", "without '/'"),
        ({"strategy": {"top_n": {"limit": 500}}}, "strategy.top_n.limit", "between 1 and 100"),
        ({"strategy": {"diversty": {}}}, "strategy.diversty", "unknown field"),
        ({"strategy": []}, "strategy", "must be a JSON object"),
        ({"description": 5, "strategy": {}}, "description", "must be a text"),
        ({"id": "cart", "strategy": {}}, "id", "the URL names 'home'"),
        ({"id": "home"}, "strategy", "is required"),
    ],
)  # fmt: skip
def test_a_bad_placement_names_the_field_and_stores_nothing(
    engine: Engine, document: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        engine.placements.set(document, placement_id="home")
    assert error.value.field == field and problem in error.value.problem
    assert engine.placements.list() == []


def test_unknown_placements_and_versions_are_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound):
        engine.placements.get("home")
    with pytest.raises(NotFound):
        engine.placements.history("home")
    engine.placements.set({"id": "home", "strategy": {}})
    for version in (2, 0, 2**40):
        with pytest.raises(NotFound):
            engine.placements.activate("home", version)
    with pytest.raises(InvalidInput, match=r"^placement_id:"):
        engine.placements.get("a/b")


def test_serving_ranks_with_the_version_in_force_and_says_which(shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    served = _serving(shop)
    _browse(shop)
    before = served.recommendations.for_user("hu", n=3, placement="home")
    assert before.strategy == StrategySource()  # nothing given: built in
    # The same description through the settings: the stored version ranks the same.
    configured = _serving(shop, placements={"home": {"diversity": 0.9}}).recommendations
    diverse = configured.for_user("hu", n=3, placement="home")
    assert diverse.strategy == StrategySource("home", None, "settings")
    served.placements.set({"id": "home", "strategy": DIVERSE})
    first = served.recommendations.for_user("hu", n=3, placement="home")  # refresh 0: at once
    assert first.strategy == StrategySource("home", 1, "stored")
    assert first.items == diverse.items and first.items != before.items
    served.placements.set({"id": "home", "strategy": SHOES_FIRST})
    second = served.recommendations.for_user("hu", n=2, placement="home")
    assert second.strategy.version == 2 and set(_ids(second)) == {"socks", "laces"}
    assert all(r.boosted for r in second.items)
    served.placements.activate("home", 1)
    again = served.recommendations.for_user("hu", n=3, placement="home")
    assert again.strategy.version == 1 and again.items == first.items
    other = served.recommendations.for_user("hu", n=3, placement="cart")
    assert other.strategy == StrategySource() and other.items == before.items


def test_stored_placements_win_over_the_settings_and_default_serves_the_rest(
    shop: Engine,
) -> None:
    shop.training.train("item_knn", tune=False)
    settings = {"home": {"diversity": 0.9}, "default": {"exclude_seen": False}}
    served = _serving(shop, placements=settings)
    _browse(shop)
    listed = served.placements.list()
    assert [(p.id, p.origin, p.version) for p in listed] == [
        ("default", "settings", None),
        ("home", "settings", None),
    ]
    assert served.placements.history("home") == []
    cart = served.recommendations.for_user("hu", n=20, placement="cart")
    assert cart.strategy == StrategySource("default", None, "settings")
    assert "tent" in _ids(cart)  # the settings' default shows what the user saw
    served.placements.set({"id": "default", "strategy": {}})
    cart = served.recommendations.for_user("hu", n=20, placement="cart")
    assert cart.strategy == StrategySource("default", 1, "stored") and "tent" not in _ids(cart)
    served.placements.set({"id": "home", "strategy": SHOES_FIRST})
    home = served.placements.get("home")
    assert home.origin == "stored" and home.strategy.diversity.strength == 0.0
    answer = served.recommendations.for_user("hu", n=2, placement="home")
    assert answer.strategy == StrategySource("home", 1, "stored")
    assert set(_ids(answer)) == {"socks", "laces"}


def test_a_placement_can_ask_another_model_for_its_candidates(shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    shop.training.train("ease", tune=False, params={"l2": 10.0})
    served = _serving(shop)
    _browse(shop)
    served.placements.set({"id": "home", "strategy": {"candidates": {"model": "ease"}}})
    assert served.recommendations.for_user("hu", n=3, placement="home").source == "ease"
    assert served.recommendations.for_user("hu", n=3).source == "item_knn"
    assert served.recommendations.similar("boots", n=2, placement="home").source == "ease"
    assert served.recommendations.similar("boots", n=2).source == "item_knn"
    # A model without an active version: what is popular, and the answer says why.
    served.placements.set({"id": "home", "strategy": {"candidates": {"model": "ials"}}})
    idle = served.recommendations.for_user("hu", n=3, placement="home")
    assert idle.source == "trending" and idle.notice == "not personalized: no model trained yet"


def test_a_placement_limits_its_lists_and_filters_the_catalog(shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    served = _serving(shop)
    _browse(shop)
    strategy = {"top_n": {"limit": 4}, "filters": {"exclude_categories": ["camping"]}}
    served.placements.set({"id": "home", "strategy": strategy})
    answer = served.recommendations.for_user("hu", n=20, placement="home")
    assert len(answer.items) == 4
    assert not {"lamp", "mat", "new-lamp", "old-tent"} & set(_ids(answer))
    popular = served.recommendations.for_user("nobody", n=20, placement="home")
    assert len(popular.items) == 4 and "stove" not in _ids(popular)  # the fill too
    similar = served.recommendations.similar("tent", n=20, placement="home")
    assert len(similar.items) == 4 and not {"stove", "lamp", "mat"} & set(_ids(similar))


def test_a_change_reaches_other_workers_with_their_next_refresh(shop: Engine) -> None:
    # The default refresh (30 s): another worker's change is served once this worker
    # re-reads its state; a change through this worker makes it re-read at once.
    shop.training.train("item_knn", tune=False)
    _browse(shop)
    defaults = {"serving_refresh_seconds": Settings().serving_refresh_seconds}
    serving, elsewhere = _serving(shop, **defaults), _serving(shop, **defaults)
    assert serving.settings.serving_refresh_seconds == 30
    ask = lambda: serving.recommendations.for_user("hu", n=3, placement="home")  # noqa: E731
    assert ask().strategy.origin == "built_in"
    elsewhere.placements.set({"id": "home", "strategy": DIVERSE})
    assert ask().strategy.origin == "built_in"  # still the state read before the change
    serving.recommendations.refresh()  # what the interval does (see the test below)
    assert _eventually(lambda: ask().strategy.version == 1)
    serving.placements.set({"id": "home", "strategy": SHOES_FIRST})
    assert _eventually(lambda: ask().strategy.version == 2)
    assert {"socks", "laces"} <= set(_ids(ask()))


def test_the_state_rereads_placements_after_the_refresh_interval(shop: Engine) -> None:
    clock = _Clock()
    every = Settings().serving_refresh_seconds
    loader = StateLoader(
        shop.db,
        roles={},
        active=shop.training.active,
        meanings=shop.event_types.meanings,
        half_life_days=shop.settings.interaction_half_life_days,
        window_days=7,
        trending_every=10 * every,
        seeds={"home": seeded("home", Settings(placements={"home": {}}).placements["home"])},
        clock=clock,
    )
    state = Refreshing(loader.load, every=every, clock=clock)
    first = state.get()
    assert first.pipelines.find("home")[1] == StrategySource("home", None, "settings")
    shop.placements.set({"id": "home", "strategy": DIVERSE})
    clock.now = every - 1
    assert state.get() is first  # within the interval: the state read before
    clock.now = every + 1
    state.get()  # starts the re-read in the background
    assert _eventually(lambda: state.get() is not first)
    assert state.get().pipelines.find("home")[1] == StrategySource("home", 1, "stored")
    assert state.get().pipelines.find("email")[1] == StrategySource()
    clock.now = 2 * every + 2
    unchanged = state.get()  # starts another re-read
    assert _eventually(lambda: state.get() is not unchanged)
    assert state.get().pipelines is unchanged.pipelines  # nothing changed: kept as it was


def test_concurrent_changes_each_make_their_own_version(engine: Engine) -> None:
    errors: list[BaseException] = []

    def change(k: int) -> None:
        try:
            strategy = {"diversity": {"strength": k / 10}}
            engine.placements.set({"id": "home", "strategy": strategy})
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=change, args=(k,)) for k in range(1, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    versions = engine.placements.history("home")
    assert [v.version for v in versions] == [5, 4, 3, 2, 1]
    strengths = {v.strategy.diversity.strength for v in versions}
    assert strengths == {0.1, 0.2, 0.3, 0.4, 0.5}
    assert engine.placements.get("home").version == 5


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _eventually(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


@pytest.fixture(autouse=True)
def _quiet_background_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("CRITICAL", logger="tailored.engine.recommend.state")
