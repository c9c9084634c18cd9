"""`engine.configurators` on each backend: versioned templates, designs priced again when
the template changes, reorders as purchase events, analytics, and nothing half-written."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from tailored import Engine
from tailored.demo.configurators import EXAMPLES, example, install_examples
from tailored.domain.configurator.template import InvalidDesign
from tailored.errors import InvalidInput, NotFound

LATTE = {"temperature": "iced", "milk": "oat", "syrups": ["vanilla"]}  # 3.30 + 0.50


def _coffee(engine: Engine) -> None:
    engine.configurators.define(example("coffee"))


def _changed(name: str, change: Any) -> dict[str, Any]:
    definition = copy.deepcopy(example(name))
    change(definition)
    return definition


def _group(definition: dict[str, Any], group_id: str) -> dict[str, Any]:
    return next(g for g in definition["groups"] if g["id"] == group_id)


def _choice(definition: dict[str, Any], group_id: str, choice_id: str) -> dict[str, Any]:
    return next(c for c in _group(definition, group_id)["choices"] if c["id"] == choice_id)


def test_examples_install_once_and_list(engine: Engine) -> None:
    first = install_examples(engine)
    assert [t.template.id for t in first] == list(EXAMPLES)
    again = install_examples(engine)
    assert [t.version for t in again] == [1, 1, 1]
    assert [t.template.id for t in engine.configurators.list()] == sorted(EXAMPLES)
    coffee = engine.configurators.get("coffee")
    assert coffee.template.group("size") is not None and coffee.created_at is not None


def test_a_change_makes_a_new_version_and_the_old_one_stays(engine: Engine) -> None:
    _coffee(engine)
    dearer = _changed("coffee", lambda d: _choice(d, "milk", "oat").update(price=0.7))
    changed = engine.configurators.update("coffee", dearer)
    assert changed.version == 2
    assert engine.configurators.define(dearer).version == 2  # same definition: no change
    oat = engine.configurators.get("coffee").template.group("milk").choice("oat")  # type: ignore[union-attr]
    assert oat is not None and oat.price == Decimal("0.70")
    old = engine.configurators.get("coffee", version=1).template.group("milk").choice("oat")  # type: ignore[union-attr]
    assert old is not None and old.price == Decimal("0.50")
    with pytest.raises(NotFound):
        engine.configurators.get("coffee", version=3)
    with pytest.raises(NotFound):
        engine.configurators.update("tea", dearer)


def test_a_broken_definition_names_its_path_and_writes_nothing(engine: Engine) -> None:
    broken = _changed("coffee", lambda d: _group(d, "milk")["choices"].append({"id": "oat"}))
    with pytest.raises(InvalidInput) as error:
        engine.configurators.define(broken)
    assert error.value.field == "groups[3].choices[6].id"
    assert engine.configurators.list() == []
    with pytest.raises(NotFound):
        engine.configurators.validate("coffee", {})


def test_validate_prices_and_lists_violations_without_raising(engine: Engine) -> None:
    _coffee(engine)
    result = engine.configurators.validate("coffee", {"temperature": "iced", "size": "S",
                                                      "extras": ["extra-hot"]})  # fmt: skip
    assert result.version == 1 and not result.valid
    assert [v.name for v in result.violations] == ["iced-needs-no-extra-hot", "iced-only-in-m-or-l"]
    assert result.total == Decimal("2.80")
    ok = engine.configurators.validate("coffee", LATTE)
    assert ok.valid and ok.total == Decimal("3.80")
    assert ok.defaults_applied == ("size", "shots")


def test_save_list_get_and_delete_designs_per_user(engine: Engine) -> None:
    _coffee(engine)
    first = engine.configurators.save_design("ann", "coffee", "Iced oat", LATTE)
    assert (first.price, first.template_version, first.user_id) == (Decimal("3.80"), 1, "ann")
    assert first.choices == {"size": ["M"], "temperature": ["iced"], "shots": ["1"],
                             "milk": ["oat"], "syrups": ["vanilla"], "extras": []}  # fmt: skip
    second = engine.configurators.save_design("ann", "coffee", "Big one", {"size": "L"})
    engine.configurators.save_design("bob", "coffee", "Bob's", {})
    page = engine.configurators.list_designs("ann", limit=1)
    assert [d.name for d in page.items] == ["Big one"]  # newest first
    rest = engine.configurators.list_designs("ann", cursor=page.next_cursor)
    assert [d.id for d in rest.items] == [first.id] and rest.next_cursor is None
    assert engine.configurators.get_design("ann", second.id).price == Decimal("3.80")
    assert engine.users.get("ann", with_activity=False).id == "ann"
    with pytest.raises(NotFound):
        engine.configurators.get_design("bob", first.id)  # another user's design
    with pytest.raises(NotFound):
        engine.configurators.delete_design("bob", first.id)
    engine.configurators.delete_design("ann", first.id)
    with pytest.raises(NotFound):
        engine.configurators.get_design("ann", first.id)
    assert [d.id for d in engine.configurators.list_designs("ann").items] == [second.id]


def test_an_invalid_design_is_refused_naming_every_rule_and_nothing_is_written(
    engine: Engine,
) -> None:
    _coffee(engine)
    with pytest.raises(InvalidDesign) as error:
        engine.configurators.save_design(
            "cy", "coffee", "Nope", {"temperature": "iced", "size": "S", "extras": ["extra-hot"]}
        )
    assert [v.name for v in error.value.violations] == [
        "iced-needs-no-extra-hot", "iced-only-in-m-or-l"
    ]  # fmt: skip
    assert "iced-needs-no-extra-hot" in str(error.value)
    assert "iced-only-in-m-or-l" in str(error.value)
    with pytest.raises(InvalidInput) as structural:
        engine.configurators.save_design("cy", "coffee", "Nope", {"size": "XXL"})
    assert structural.value.field == "choices.size"
    with pytest.raises(InvalidInput) as unnamed:
        engine.configurators.save_design("cy", "coffee", "  ", LATTE)
    assert unnamed.value.field == "name"
    with pytest.raises(InvalidInput) as bad_user:
        engine.configurators.save_design("a/b", "coffee", "Latte", LATTE)
    assert bad_user.value.field == "user_id"
    assert engine.configurators.list_designs("cy").items == ()
    with pytest.raises(NotFound):
        engine.users.get("cy")  # not even the profile
    assert engine.configurators.analytics("coffee").designs == 0


def test_designs_are_priced_again_when_the_template_changes(engine: Engine) -> None:
    _coffee(engine)
    saved = engine.configurators.save_design("ann", "coffee", "Iced oat", LATTE)

    def change(d: dict[str, Any]) -> None:
        _choice(d, "milk", "oat")["price"] = 0.8
        cups = [{"id": "paper", "label": "Paper", "price": 0.1},
                {"id": "own", "label": "Your own cup", "price": -0.2}]  # fmt: skip
        d["groups"].append({"id": "cup", "label": "Cup", "kind": "single", "required": True,
                            "defaults": ["paper"], "choices": cups})  # fmt: skip
        d["constraints"].append({"name": "no-oat-iced", "kind": "excludes",
                                 "when": "milk.oat", "targets": ["temperature.iced"],
                                 "message": "Oat milk curdles on ice."})  # fmt: skip

    engine.configurators.update("coffee", _changed("coffee", change))
    again = engine.configurators.get_design("ann", saved.id)
    assert (again.price, again.template_version) == (Decimal("3.80"), 1)  # as saved
    assert again.current is not None and again.current.version == 2
    assert again.price_now == Decimal("4.20")  # 3.30 + 0.80 + the new cup's default 0.10
    assert again.price_changed and not again.valid_now
    assert [v.name for v in again.violations_now] == ["no-oat-iced"]
    assert again.current.defaults_applied == ("cup",)
    listed = engine.configurators.list_designs("ann").items[0]
    assert listed.price_now == Decimal("4.20") and listed.price == Decimal("3.80")


def test_reorder_records_a_purchase_at_todays_price(engine: Engine) -> None:
    _coffee(engine)
    saved = engine.configurators.save_design("ann", "coffee", "Iced oat", LATTE)
    dearer = _changed("coffee", lambda d: _choice(d, "milk", "oat").update(price=0.6))
    engine.configurators.update("coffee", dearer)
    done = engine.configurators.reorder("ann", saved.id, order_id="o-1")
    assert (done.price, done.item_id, done.duplicate) == (Decimal("3.90"), "coffee-custom", False)
    events = engine.events.query(user_id="ann").items
    assert len(events) == 1
    purchase = events[0]
    assert (purchase.type, purchase.item_id, purchase.value) == ("purchase", "coffee-custom", 3.9)
    assert purchase.event_id == done.event_id
    assert purchase.context["design_id"] == saved.id
    assert purchase.context["template_version"] == 2
    retry = engine.configurators.reorder("ann", saved.id, order_id="o-1")
    assert retry.duplicate and retry.event_id == done.event_id
    assert engine.events.count() == 1
    engine.configurators.reorder("ann", saved.id)  # no order id: a new purchase each time
    assert engine.events.count() == 2
    with pytest.raises(NotFound):
        engine.configurators.reorder("bob", saved.id)
    with pytest.raises(InvalidInput) as error:
        engine.configurators.reorder("ann", saved.id, order_id="a/b")
    assert error.value.field == "order_id"


def test_a_reorder_carries_the_design_choices(engine: Engine) -> None:
    _coffee(engine)
    saved = engine.configurators.save_design("ann", "coffee", "Iced oat", LATTE)
    engine.configurators.reorder("ann", saved.id)
    purchase = engine.events.query(user_id="ann").items[0]
    assert purchase.context["choices"] == saved.choices
    assert saved.choices["milk"] == ["oat"] and saved.choices["syrups"] == ["vanilla"]


def test_order_records_the_configuration_as_a_purchase_and_saves_no_design(
    engine: Engine,
) -> None:
    _coffee(engine)
    done = engine.configurators.order("ann", "coffee", LATTE, order_id="o-1")
    assert (done.price, done.item_id, done.duplicate) == (Decimal("3.80"), "coffee-custom", False)
    assert (done.template_id, done.template_version) == ("coffee", 1)
    assert done.choices == engine.configurators.validate("coffee", LATTE).choices()
    assert (done.choices["temperature"], done.choices["milk"]) == (["iced"], ["oat"])
    purchase = engine.events.query(user_id="ann").items[0]
    assert (purchase.type, purchase.item_id, purchase.value) == ("purchase", "coffee-custom", 3.8)
    assert purchase.event_id == done.event_id
    assert purchase.context["choices"] == done.choices
    assert purchase.context["configurator_id"] == "coffee"
    assert "design_id" not in purchase.context
    retry = engine.configurators.order("ann", "coffee", LATTE, order_id="o-1")
    assert retry.duplicate and retry.event_id == done.event_id
    engine.configurators.order("ann", "coffee", LATTE)  # no order id: a new purchase
    assert engine.events.count() == 2
    # Another user's order id is theirs: the same id is another purchase, not a retry.
    bob = engine.configurators.order("bob", "coffee", LATTE, order_id="o-1")
    assert not bob.duplicate and engine.events.count() == 3
    assert engine.configurators.list_designs("ann").items == ()


def test_order_refuses_a_configuration_that_breaks_rules_and_records_nothing(
    engine: Engine,
) -> None:
    _coffee(engine)
    with pytest.raises(InvalidDesign) as error:
        engine.configurators.order("ann", "coffee", {"temperature": "iced", "size": "S"})
    assert [v.name for v in error.value.violations] == ["iced-only-in-m-or-l"]
    with pytest.raises(NotFound):
        engine.configurators.order("ann", "no-such", {})
    with pytest.raises(InvalidInput) as bad:
        engine.configurators.order("ann", "coffee", LATTE, order_id="a/b")
    assert bad.value.field == "order_id"
    assert engine.events.count() == 0


def test_unnamed_designs_get_natural_names_unique_per_user(engine: Engine) -> None:
    install_examples(engine)
    names = [engine.configurators.save_design("ann", "coffee", None, LATTE).name for _ in "abc"]
    assert names == ["My coffee", "My coffee 2", "My coffee 3"]
    engine.configurators.delete_design("ann", engine.configurators.list_designs("ann").items[1].id)
    assert engine.configurators.save_design("ann", "coffee", None, {}).name == "My coffee 2"
    assert engine.configurators.save_design("bob", "coffee", None, {}).name == "My coffee"
    assert engine.configurators.save_design("ann", "sneaker", None, {}).name == "My sneaker"
    # A name the user chose is theirs; the next unnamed one steps around it.
    engine.configurators.save_design("bob", "coffee", "My coffee 2", {})
    assert engine.configurators.save_design("bob", "coffee", None, {}).name == "My coffee 3"


def test_a_template_without_an_item_reorders_as_itself(engine: Engine) -> None:
    engine.configurators.define(_changed("subscription", lambda d: d.pop("item_id")))
    saved = engine.configurators.save_design("ann", "subscription", "Pro", {"tier": "pro"})
    assert engine.configurators.reorder("ann", saved.id).item_id == "subscription"
    assert engine.events.query(user_id="ann").items[0].value == 29.0


def test_reorder_refuses_what_the_current_version_forbids(engine: Engine) -> None:
    _coffee(engine)
    saved = engine.configurators.save_design("ann", "coffee", "Iced oat", LATTE)
    no_oat = _changed(
        "coffee",
        lambda d: _group(d, "milk").update(
            choices=[c for c in _group(d, "milk")["choices"] if c["id"] != "oat"]
        ),
    )
    engine.configurators.update("coffee", no_oat)
    with pytest.raises(InvalidDesign) as error:
        engine.configurators.reorder("ann", saved.id)
    assert [v.name for v in error.value.violations] == ["unknown_choice", "required"]
    assert "template changed since it was saved" in str(error.value)
    assert engine.events.count() == 0


def test_analytics_count_choices_and_pairs(engine: Engine) -> None:
    _coffee(engine)
    for user, choices in [
        ("a", {"size": "L", "milk": "oat"}),
        ("b", {"size": "L", "milk": "oat", "syrups": ["vanilla", "caramel"]}),
        ("c", {"size": "L", "milk": "almond", "syrups": ["vanilla"]}),
        ("d", {"size": "S"}),
    ]:
        engine.configurators.save_design(user, "coffee", "mine", choices)
    stats = engine.configurators.analytics("coffee", top_pairs=3)
    assert stats.designs == 4
    by_group = {g.group_id: g for g in stats.groups}
    assert "name_on_cup" not in by_group  # texts are personal
    size = by_group["size"]
    assert [(c.choice_id, c.count, c.share) for c in size.choices] == [
        ("L", 3, 0.75), ("S", 1, 0.25), ("M", 0, 0.0)
    ]  # fmt: skip
    assert size.designs == 4
    syrups = by_group["syrups"]
    assert (syrups.designs, syrups.share) == (2, 0.5)
    assert [(c.choice_id, c.count) for c in syrups.choices[:2]] == [("vanilla", 2), ("caramel", 1)]
    # Every design is hot with a single shot: those pairs lead, then size L with hot.
    top = [(p.first, p.second, p.count) for p in stats.pairs]
    assert top == [("shots.1", "temperature.hot", 4), ("shots.1", "size.L", 3),
                   ("size.L", "temperature.hot", 3)]  # fmt: skip
    assert stats.pairs[1].label == "Espresso shots: Single + Size: Large (470 ml)"
    assert stats.pairs[0].share == 1.0
    engine.configurators.delete_design("d", engine.configurators.list_designs("d").items[0].id)
    after = engine.configurators.analytics("coffee", top_pairs=0)
    assert after.designs == 3 and after.pairs == ()
    with pytest.raises(NotFound):
        engine.configurators.analytics("tea")


def test_analytics_keep_choices_a_newer_version_removed(engine: Engine) -> None:
    _coffee(engine)
    engine.configurators.save_design("a", "coffee", "soy", {"milk": "soy"})
    engine.configurators.update(
        "coffee",
        _changed(
            "coffee",
            lambda d: _group(d, "milk").update(
                choices=[c for c in _group(d, "milk")["choices"] if c["id"] != "soy"]
            ),
        ),
    )
    milk = next(g for g in engine.configurators.analytics("coffee").groups if g.group_id == "milk")
    assert (milk.choices[0].choice_id, milk.choices[0].label, milk.choices[0].count) == (
        "soy", "soy", 1
    )  # fmt: skip


def test_designs_move_with_a_merged_visitor_and_go_with_an_erased_user(engine: Engine) -> None:
    from tailored.storage.users import delete_user

    _coffee(engine)
    engine.configurators.save_design("visitor-9", "coffee", "Iced oat", LATTE)
    engine.configurators.save_design("ann", "coffee", "Big one", {"size": "L"})
    engine.users.merge("ann", "visitor-9")
    assert {d.name for d in engine.configurators.list_designs("ann").items} == {
        "Iced oat",
        "Big one",
    }
    assert not engine.configurators.list_designs("visitor-9").items
    with engine.db.writing() as conn:
        delete_user(conn, "ann")
    assert not engine.configurators.list_designs("ann").items
    assert engine.configurators.analytics("coffee").designs == 0
