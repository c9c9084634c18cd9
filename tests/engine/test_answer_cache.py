"""Answers are reused only while nothing that produced them has changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tailored import Engine
from tailored.config import Settings
from tailored.domain.recommendations import Context, Filters, RecommendationList
from tailored.engine.recommend.answer_cache import MAX_AGE_SECONDS, AnswerCache
from tailored.storage.users import set_preferences


def _serving(engine: Engine, **settings: Any) -> Engine:
    settings.setdefault("recommend_model", "item_knn")
    return Engine(engine.db, Settings.model_validate(engine.settings.model_dump() | settings))


def _ids(answer: RecommendationList) -> list[str]:
    return [r.item_id for r in answer.items]


def test_the_same_request_from_the_same_position_is_answered_from_memory(shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    served = _serving(shop).recommendations
    shop.events.record({"user_id": "ann", "type": "view", "item_id": "boots"})
    first = served.for_user("ann", n=2)
    assert served.for_user("ann", n=2) is first
    assert served.for_user("ann", n=3) is not first  # another request
    assert served.for_user("ann", n=2, filters=Filters(exclude_items=("socks",))) is not first
    # Users with nothing of their own yet share one answer; an anonymous session too.
    assert served.for_user("nobody", n=2) is served.for_user("nobody-else", n=2)
    assert served.for_user(None, n=2) is served.for_user("nobody", n=2)
    session = Context(session_items=("pan",))
    in_session = served.for_user(None, n=2, context=session)
    assert served.for_user(None, n=2, context=session) is in_session
    similar = served.similar("boots", n=2)
    assert served.similar("boots", n=2) is similar
    assert served.bought_together("boots", n=2) is not similar


def test_anything_the_user_does_is_seen_at_once(shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    served = _serving(shop).recommendations
    shop.events.record({"user_id": "bo", "type": "view", "item_id": "pan"})
    assert set(_ids(served.for_user("bo", n=2))) == {"knife", "mug"}
    shop.events.record({"user_id": "bo", "type": "purchase", "item_id": "tent"})
    assert "stove" in _ids(served.for_user("bo", n=10))
    # An anonymous visitor's events merged into the user change the history too.
    shop.events.record({"user_id": "visitor-1", "type": "purchase", "item_id": "boots"})
    before = served.for_user("bo", n=10)
    shop.users.merge("bo", "visitor-1")
    after = served.for_user("bo", n=10)
    assert "boots" in _ids(before) and "boots" not in _ids(after)
    # Preferences and consent are part of the answer's key.
    with shop.db.writing() as conn:
        set_preferences(conn, "bo", {"blocked_categories": ["camping"]}, now=datetime.now(UTC))
    assert not {"stove", "lamp", "mat", "new-lamp"} & set(_ids(served.for_user("bo", n=10)))
    # So is the schema that says what a preference does.
    plain = {"name": "blocked_categories", "kind": "choices", "attribute": "category"}
    shop.preferences.set_schema([plain], changed_by="admin")
    assert {"stove", "lamp", "mat"} & set(_ids(served.for_user("bo", n=10)))
    shop.consents.set("bo", {"personalization": False})
    assert not served.for_user("bo", n=10).personalized


def test_catalog_and_model_changes_are_seen_at_once(shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    served = _serving(shop).recommendations
    shop.events.record({"user_id": "cy", "type": "view", "item_id": "pan"})
    assert "knife" in _ids(served.for_user("cy", n=2))
    assert "knife" in _ids(served.similar("pan", n=2))
    shop.items.upsert({"id": "knife", "title": "Knife", "categories": ["kitchen"],
                       "available": False})  # fmt: skip
    assert "knife" not in _ids(served.for_user("cy", n=2))
    assert "knife" not in _ids(served.similar("pan", n=2))
    before = served.for_user("cy", n=2)
    version = shop.training.train("item_knn", tune=False)
    after = served.for_user("cy", n=2)
    assert after is not before and after.model_version == version.id


def test_without_a_cache_every_answer_is_computed(shop: Engine) -> None:
    served = _serving(shop, answer_cache_size=0).recommendations
    assert served.for_user("nobody", n=2) is not served.for_user("nobody", n=2)
    assert served.for_user("nobody", n=2) == served.for_user("nobody", n=2)


def test_a_full_cache_lets_its_oldest_answers_go_and_an_old_one_expires() -> None:
    cache = AnswerCache(2, created=100.0)
    answer = RecommendationList((), personalized=False, source="trending")
    for key in "abc":
        cache.put(key, answer)
    assert [cache.get(k) is answer for k in "abc"] == [False, True, True]
    assert cache.fresh(100.0 + MAX_AGE_SECONDS - 1) and not cache.fresh(100.0 + MAX_AGE_SECONDS)
