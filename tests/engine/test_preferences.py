"""The preference center and onboarding: the schema, checked writes, the change log,
the questions, and what choices do to recommendations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tailored import Engine
from tailored.config import PlacementSettings, Settings
from tailored.domain.recommendations import Context, RecommendationList
from tailored.errors import Conflict, InvalidInput


def _serving(engine: Engine, **settings: Any) -> Engine:
    settings.setdefault("recommend_model", "item_knn")
    return Engine(engine.db, Settings.model_validate(engine.settings.model_dump() | settings))


def _ids(answer: RecommendationList) -> list[str]:
    return [r.item_id for r in answer.items]


def test_values_are_checked_against_the_schema_and_the_catalog(shop: Engine) -> None:
    prefs = shop.preferences
    values = {"brands": ["Acme", "Zeta"], "theme": "dark", "price_range": {"max": 50}}
    assert prefs.update("ann", values, changed_by="storefront") == {
        "brands": ["Acme", "Zeta"],
        "theme": "dark",
        "price_range": {"min": None, "max": 50.0},
    }
    assert prefs.get("ann")["theme"] == "dark"
    bad = [
        ({"brands": ["Nope"]}, "preferences.brands[0]", "not a brand in the catalog"),
        ({"theme": "blue"}, "preferences.theme", "not one of 'system', 'light', 'dark'"),
        ({"colour": "red"}, "preferences.colour", "unknown preference"),
        ({"brands": "Acme"}, "preferences.brands", "must be a list"),
        ({"favourite_categories": list("abcdef")}, "preferences.favourite_categories", "at most"),
        ({"price_range": {"min": 90, "max": 10}}, "preferences.price_range", "above max"),
        ({"price_range": {"min": -1}}, "preferences.price_range.min", "at least 0"),
        ({"price_range": 5}, "preferences.price_range", "must be"),
    ]  # fmt: skip
    for change, field, problem in bad:
        with pytest.raises(InvalidInput) as raised:
            prefs.update("ann", {"layout": "list", **change}, changed_by="storefront")
        assert raised.value.field == field and problem in raised.value.problem, change
    # Nothing of a refused write is stored, not even its valid part.
    assert "layout" not in prefs.get("ann")
    assert len(prefs.history("ann")) == 3


def test_a_value_both_favoured_and_blocked_is_refused_naming_both_fields(shop: Engine) -> None:
    prefs = shop.preferences
    both = {"favourite_categories": ["kitchen", "shoes"], "blocked_categories": ["kitchen"]}
    for write in (prefs.replace, prefs.update):
        with pytest.raises(InvalidInput) as raised:
            write("cy", {"theme": "dark", **both}, changed_by="app")
        assert raised.value.field == "preferences.blocked_categories"
        assert raised.value.problem.startswith(
            "'kitchen' is also in preferences.favourite_categories (Favourite categories)"
        )
    assert prefs.get("cy") == {} and prefs.history("cy") == []  # nothing of it is stored
    # One field at a time: the request's own field is named, the other one too.
    prefs.update("cy", {"blocked_categories": ["kitchen"]}, changed_by="cy")
    with pytest.raises(InvalidInput) as raised:
        prefs.update("cy", {"favourite_categories": ["shoes", "kitchen"]}, changed_by="cy")
    assert raised.value.field == "preferences.favourite_categories"
    assert "'kitchen' is also in preferences.blocked_categories (Never show me)" in str(
        raised.value
    )
    assert prefs.get("cy") == {"blocked_categories": ["kitchen"]}
    # Moving a value from one to the other in one request is fine, as are other brands.
    moved = {"favourite_categories": ["kitchen"], "blocked_categories": ["shoes"]}
    assert prefs.update("cy", moved, changed_by="cy") == moved
    assert prefs.update("cy", {"brands": ["Chef"]}, changed_by="cy")["brands"] == ["Chef"]


def test_put_replaces_patch_merges_and_every_change_is_logged(shop: Engine) -> None:
    prefs = shop.preferences
    prefs.replace("bo", {"theme": "dark", "layout": "grid"}, changed_by="app")
    assert prefs.update("bo", {"layout": None, "brands": ["Chef"]}, changed_by="bo") == {
        "theme": "dark",
        "brands": ["Chef"],
    }
    assert prefs.replace("bo", {"theme": "light"}, changed_by="admin") == {"theme": "light"}
    log = [(c.field, c.old, c.new, c.changed_by) for c in prefs.history("bo")]
    assert log == [  # newest first
        ("brands", ["Chef"], None, "admin"),
        ("theme", "dark", "light", "admin"),
        ("brands", None, ["Chef"], "bo"),
        ("layout", "grid", None, "bo"),
        ("layout", None, "grid", "app"),
        ("theme", None, "dark", "app"),
    ]
    assert all(c.changed_at.tzinfo is not None for c in prefs.history("bo", limit=2))
    prefs.update("bo", {"theme": "light"}, changed_by="bo")  # no change, no log row
    assert len(prefs.history("bo")) == 6


def test_a_business_defines_its_own_fields(shop: Engine) -> None:
    prefs = shop.preferences
    prefs.set_schema(
        [
            {"name": "diet", "kind": "choice", "choices": ["vegan", "none"], "question": "Diet?"},
            {"name": "never_brands", "kind": "choices", "attribute": "brand", "effect": "block"},
            {"name": "bio", "kind": "text", "max_length": 10},
        ],
        changed_by="admin",
    )
    assert [f.name for f in prefs.schema().fields] == ["diet", "never_brands", "bio"]
    assert prefs.schema().fields[0].label == "Diet"
    assert prefs.update("cy", {"diet": "vegan", "bio": "hi"}, changed_by="cy")["diet"] == "vegan"
    with pytest.raises(InvalidInput, match=r"preferences\.bio: at most 10"):
        prefs.update("cy", {"bio": "x" * 11}, changed_by="cy")
    with pytest.raises(InvalidInput, match=r"preferences\.theme: unknown preference"):
        prefs.update("cy", {"theme": "dark"}, changed_by="cy")
    definitions = [
        ([{"name": "a", "kind": "choice"}], "fields[0].choices"),
        ([{"name": "a", "kind": "text", "attribute": "b", "effect": "boost"}], "fields[0].effect"),
        ([{"name": "a", "kind": "choices", "effect": "block", "choices": ["x"]}],
         "fields[0].attribute"),
        ([{"name": "a", "kind": "text"}, {"name": "a", "kind": "text"}], "fields[1].name"),
        ([{"name": "a b", "kind": "text"}], "fields[0].name"),
        ([{"name": "a", "kind": "colour"}], "fields[0].kind"),
        ([{"name": "a", "kind": "text", "extra": 1}], "fields[0].extra"),
    ]  # fmt: skip
    for fields, where in definitions:
        with pytest.raises(InvalidInput) as raised:
            prefs.set_schema(fields, changed_by="admin")
        assert raised.value.field == where, fields
    assert [f.name for f in prefs.schema().fields] == ["diet", "never_brands", "bio"]


def test_a_schema_file_is_the_schema_and_the_api_cannot_change_it(
    shop: Engine, tmp_path: Path
) -> None:
    toml = tmp_path / "preferences.toml"
    toml.write_text('[[fields]]\nname = "size"\nkind = "choice"\nchoices = ["S", "M", "L"]\n')
    engine = _serving(shop, preference_schema_file=toml)
    assert [f.choices for f in engine.preferences.schema().fields] == [("S", "M", "L")]
    with pytest.raises(Conflict, match=r"preferences\.toml"):
        engine.preferences.set_schema([], changed_by="admin")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"fields": [{"name": "size", "kind": "choice"}]}))
    with pytest.raises(InvalidInput, match=r"fields\[0\]\.choices"):
        _serving(shop, preference_schema_file=broken)


def test_onboarding_asks_what_helps_most_with_popular_options(shop: Engine) -> None:
    prefs = shop.preferences
    questions = prefs.onboarding("new")
    names = [q.field.name for q in questions]
    # Fields the catalog cannot answer (no 'size' or 'style' attribute) are not asked.
    assert set(names) == {"favourite_categories", "brands", "price_range"}
    assert set(names[:2]) == {"favourite_categories", "brands"}  # they shape the picks most
    by_name = {q.field.name: q for q in questions}
    # The most popular values, listed in their natural order.
    assert by_name["favourite_categories"].options == ("camping", "kitchen", "lighting", "shoes")
    assert set(by_name["brands"].options) == {"Acme", "Zeta", "Chef"}
    assert all(0 <= q.usefulness <= 1 for q in questions)
    prefs.answer("new", {"brands": ["Zeta"]})
    assert "brands" not in [q.field.name for q in prefs.onboarding("new")]
    assert prefs.history("new")[0].changed_by == "onboarding"
    with pytest.raises(InvalidInput, match=r"answers\.theme: is not an onboarding question"):
        prefs.answer("new", {"theme": "dark"})


def test_onboarding_lists_sizes_small_to_large_then_numbers(shop: Engine) -> None:
    sizes = ("S", "L", "M", "XS", "42", "41")  # popularity order: S most bought
    shop.items.upsert_many(
        [{"id": f"tee-{s}", "title": f"Tee {s}", "attributes": {"size": s}} for s in sizes]
    )
    shop.events.record_many(
        [{"user_id": f"fan{n}", "type": "purchase", "item_id": f"tee-{s}"}
         for rank, s in enumerate(sizes) for n in range(len(sizes) - rank)]
    )  # fmt: skip
    asked = {q.field.name: q for q in shop.preferences.onboarding("new")}
    assert asked["sizes"].options == ("XS", "S", "M", "L", "41", "42")


def test_onboarding_answers_change_the_first_recommendations(shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    served = _serving(shop)
    before = served.recommendations.for_user("dee", n=3)
    assert _ids(before)[0] in {"stove", "socks", "knife"}
    served.preferences.answer("dee", {"favourite_categories": ["kitchen"]})
    after = served.recommendations.for_user("dee", n=3)
    assert set(_ids(after)) == {"pan", "knife", "mug"}
    assert not after.personalized and after.notice is not None
    assert {r.reason.text for r in after.items} == {"because you chose kitchen"}
    assert after.items[0].reason.kind == "preference" and after.items[0].boosted
    # Behaviour refines the foundation: with a history, the model leads again.
    shop.events.record({"user_id": "dee", "type": "view", "item_id": "boots"})
    refined = served.recommendations.for_user("dee", n=2)
    assert refined.personalized and set(_ids(refined)) == {"socks", "laces"}


def test_a_blocked_category_never_comes_back_from_any_endpoint(shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    shop.training.train("cooccurrence", tune=False)
    served = _serving(shop).recommendations
    shop.preferences.update("ed", {"blocked_categories": ["camping"]}, changed_by="ed")
    shop.events.record({"user_id": "ed", "type": "view", "item_id": "tent"})
    camping = {"tent", "stove", "lamp", "mat", "new-lamp", "old-tent"}
    answers = [
        served.for_user("ed", n=20),
        served.for_user("ed", n=20, context=Context(session_items=("stove",))),
        served.similar("stove", n=20, user_id="ed"),
        served.bought_together("tent", n=20, user_id="ed"),
    ]
    for answer in answers:
        assert _ids(answer) and not camping & set(_ids(answer)), answer
    assert camping & set(_ids(served.similar("stove", n=20)))  # without the user: shown
    shop.consents.set("ed", {"personalization": False})
    assert not camping & set(_ids(served.for_user("ed", n=20)))  # a hard filter still


def test_prices_out_of_range_never_appear_and_brands_are_boosted(shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    served = _serving(shop).recommendations
    shop.events.record({"user_id": "flo", "type": "view", "item_id": "tent"})
    shop.preferences.update("flo", {"price_range": {"min": 20, "max": 50}}, changed_by="flo")
    prices = {"tent": 200, "stove": 60, "lamp": 25, "mat": 30, "boots": 120, "socks": 10,
              "laces": 5, "pan": 40, "knife": 30, "mug": 8}  # fmt: skip
    shown = _ids(served.for_user("flo", n=20))
    assert shown and all(20 <= prices[i] <= 50 for i in shown if i in prices)
    assert "new-lamp" in shown  # no price: not out of range
    shop.preferences.update("flo", {"price_range": None, "brands": ["Zeta"]}, changed_by="flo")
    boosted = served.for_user("flo", n=5)
    assert set(_ids(boosted)[:2]) == {"lamp", "mat"}
    assert all(r.boosted for r in boosted.items[:2])
    assert boosted.items[0].reason.text == "because you viewed Tent"  # what raised it most
    # A boosted item no history raised says it was the user's choice.
    assert any(r.reason.text == "because you chose Zeta" for r in boosted.items[2:])


def test_a_placement_chooses_how_much_choices_weigh(shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    placements = {"home": PlacementSettings(), "strict": PlacementSettings(preference_weight=0)}
    served = _serving(shop, placements=placements).recommendations
    shop.preferences.update("gil", {"favourite_categories": ["kitchen"]}, changed_by="gil")
    assert set(_ids(served.for_user("gil", n=3, placement="home"))) == {"pan", "knife", "mug"}
    plain = served.for_user("gil", n=3, placement="strict")
    assert set(_ids(plain)) != {"pan", "knife", "mug"}
    assert all(r.reason.kind != "preference" for r in plain.items)
