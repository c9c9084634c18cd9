"""The configurator's pure core: every constraint kind, every price rule, structural
violations, and the mistakes a template definition can make."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from tailored.demo.configurators import EXAMPLES, example
from tailored.domain.configurator.definition import template_from_dict, template_to_dict
from tailored.domain.configurator.rules import validate
from tailored.domain.configurator.template import Design, InvalidDesign, Template, Validation
from tailored.errors import InvalidInput

DRINK: dict[str, Any] = {
    "id": "drink",
    "name": "Drink",
    "base_price": 1,
    "groups": [
        {"id": "size", "label": "Size", "kind": "single", "required": True, "defaults": ["M"],
         "choices": [{"id": "S", "label": "Small", "price": -0.5, "attributes": {"ml": 240}},
                     {"id": "M", "label": "Medium", "attributes": {"ml": 350}},
                     {"id": "L", "label": "Large", "price": 0.5, "attributes": {"ml": 470}}]},
        {"id": "temp", "label": "Temperature", "kind": "single", "required": True,
         "defaults": ["hot"], "choices": [{"id": "hot", "label": "Hot"},
                                          {"id": "iced", "label": "Iced"}]},
        {"id": "extras", "label": "Extras", "kind": "multi", "max_picks": 2, "min_picks": 2,
         "choices": [{"id": "a", "label": "A", "price": 1}, {"id": "b", "label": "B"},
                     {"id": "c", "label": "C", "price": 2}]},
        {"id": "syrups", "label": "Syrups", "kind": "multi", "max_picks": 3, "included": 1,
         "choices": [{"id": "vanilla", "label": "Vanilla", "price": 0.6,
                      "attributes": {"flavour": "vanilla"}},
                     {"id": "caramel", "label": "Caramel", "price": 0.4,
                      "attributes": {"flavour": "caramel"}},
                     {"id": "sf-vanilla", "label": "Sugar-free vanilla", "price": 0.6,
                      "attributes": {"flavour": "vanilla"}}]},
        {"id": "name", "label": "Name", "kind": "text",
         "text": {"max_length": 5, "min_length": 2, "allowed": "A-Z ", "price": 1,
                  "price_per_character": 0.1, "attribute": "cup_name"}},
        {"id": "billing", "label": "Billing", "kind": "single",
         "choices": [{"id": "once", "label": "Once"},
                     {"id": "pack", "label": "Pack of 10", "multiplier": 10},
                     {"id": "tip", "label": "With tip", "multiplier": 1.15}]},
    ],
    "constraints": [],
}  # fmt: skip


def drink(*constraints: dict[str, Any], **changes: Any) -> Template:
    definition = copy.deepcopy(DRINK) | changes
    definition["constraints"] = list(constraints)
    return template_from_dict(definition)


def check(template: Template, choices: dict[str, Any]) -> Validation:
    return validate(template, Design.of(choices), version=1)


def names(result: Validation) -> list[str]:
    return [v.name for v in result.violations]


# Constraints ---------------------------------------------------------------------------


def test_requires_needs_every_target_and_names_the_missing_ones() -> None:
    rule = {"name": "a-needs-large-iced", "kind": "requires", "when": "extras.a",
            "targets": ["size.L", "temp.iced"], "message": "A comes large and iced"}  # fmt: skip
    template = drink(rule)
    neither = check(template, {"extras": ["a", "b"]})
    assert names(neither) == ["a-needs-large-iced"]
    violation = neither.violations[0]
    assert violation.kind == "requires" and violation.message == "A comes large and iced"
    assert violation.choices == ("extras.a", "size.L", "temp.iced")
    assert violation.groups == ("extras", "size", "temp")
    half = check(template, {"extras": ["a", "b"], "size": "L"})
    assert half.violations[0].choices == ("extras.a", "temp.iced")
    assert check(template, {"extras": ["a", "b"], "size": "L", "temp": "iced"}).valid
    assert check(template, {"extras": ["b", "c"]}).valid  # not triggered without extras.a


def test_requires_a_group_means_anything_picked_or_typed_in_it() -> None:
    rule = {"name": "b-needs-a-name", "kind": "requires", "when": "extras.b",
            "targets": ["name"]}  # fmt: skip
    template = drink(rule)
    missing = check(template, {"extras": ["a", "b"]})
    assert names(missing) == ["b-needs-a-name"]
    assert missing.violations[0].message == "Extras B requires Name"  # generated message
    assert check(template, {"extras": ["a", "b"], "name": "ANN"}).valid


def test_excludes_forbids_every_target_and_names_the_clashing_ones() -> None:
    rule = {"name": "iced-not-with-c-or-syrups", "kind": "excludes", "when": "temp.iced",
            "targets": ["extras.c", "syrups"], "message": "no"}  # fmt: skip
    template = drink(rule)
    assert check(template, {"temp": "iced", "extras": ["a", "b"]}).valid
    clash = check(template, {"temp": "iced", "extras": ["a", "c"], "syrups": ["caramel"]})
    assert names(clash) == ["iced-not-with-c-or-syrups"]
    assert clash.violations[0].choices == ("temp.iced", "extras.c")
    assert clash.violations[0].groups == ("temp", "extras", "syrups")
    assert check(template, {"extras": ["a", "c"], "syrups": ["caramel"]}).valid  # hot


def test_only_with_needs_any_one_target() -> None:
    rule = {"name": "iced-only-in-m-or-l", "kind": "only_with", "when": "temp.iced",
            "targets": ["size.M", "size.L"], "message": "Iced comes in M or L"}  # fmt: skip
    template = drink(rule)
    small = check(template, {"temp": "iced", "size": "S"})
    assert names(small) == ["iced-only-in-m-or-l"]
    assert small.violations[0].kind == "only_with"
    assert small.violations[0].choices == ("temp.iced", "size.M", "size.L")
    assert check(template, {"temp": "iced", "size": "L"}).valid
    assert check(template, {"temp": "iced"}).valid  # the default size M


def test_a_text_group_can_trigger_a_constraint() -> None:
    rule = {"name": "no-name-on-small", "kind": "excludes", "when": "name",
            "targets": ["size.S"]}  # fmt: skip
    template = drink(rule)
    assert names(check(template, {"name": "ANN", "size": "S"})) == ["no-name-on-small"]
    assert check(template, {"name": "  ", "size": "S"}).valid  # blank is no text


def test_every_violation_is_reported_not_just_the_first() -> None:
    rules = [
        {"name": "r1", "kind": "excludes", "when": "temp.iced", "targets": ["size.S"]},
        {"name": "r2", "kind": "only_with", "when": "temp.iced", "targets": ["size.L"]},
        {"name": "r3", "kind": "requires", "when": "syrups.caramel", "targets": ["name"]},
    ]
    result = check(
        drink(*rules),
        {"temp": "iced", "size": "S", "syrups": ["caramel", "caramel"], "extras": ["a"],
         "toppings": ["x"]},
    )  # fmt: skip
    assert names(result) == [
        "unknown_group", "too_few", "duplicate_choice", "r1", "r2", "r3"
    ]  # fmt: skip
    assert not result.valid
    error = InvalidDesign(result.violations)
    assert error.field == "choices"
    assert "6 rules" in str(error) and "r1" in str(error) and "r3" in str(error)


# Prices --------------------------------------------------------------------------------


def test_base_price_and_deltas_add_up_line_by_line() -> None:
    result = check(drink(), {"size": "L", "extras": ["a", "c"]})
    assert [(line.kind, line.label, line.amount) for line in result.lines] == [
        ("base", "Base price", Decimal("1.00")),
        ("choice", "Size: Large", Decimal("0.50")),
        ("choice", "Temperature: Hot", Decimal("0.00")),
        ("choice", "Extras: A", Decimal("1.00")),
        ("choice", "Extras: C", Decimal("2.00")),
    ]
    assert result.total == Decimal("4.50") == sum(line.amount for line in result.lines)
    assert str(result.total) == "4.50" and result.currency == "EUR"


def test_a_negative_delta_is_a_discount() -> None:
    assert check(drink(), {"size": "S"}).total == Decimal("0.50")


def test_included_picks_waive_the_cheapest_positive_deltas() -> None:
    one = check(drink(), {"syrups": ["vanilla", "caramel"]})
    assert one.lines[-1].kind == "included" and one.lines[-1].label == "Syrups: 1 included"
    assert one.lines[-1].amount == Decimal("-0.40")  # caramel, the cheaper, is free
    assert one.total == Decimal("1.60")
    alone = check(drink(), {"syrups": ["vanilla"]})
    assert alone.total == Decimal("1.00")  # the only syrup is the included one


def test_included_counts_several_free_picks() -> None:
    definition = copy.deepcopy(DRINK)
    definition["groups"][3]["included"] = 2
    result = check(template_from_dict(definition), {"syrups": ["vanilla", "caramel", "sf-vanilla"]})
    assert result.lines[-1].label == "Syrups: 2 included"
    assert result.lines[-1].amount == Decimal("-1.00")  # caramel and one vanilla
    assert result.total == Decimal("1.60")


def test_text_costs_a_flat_price_plus_a_price_per_character() -> None:
    result = check(drink(), {"name": " ANN "})
    assert result.texts == {"name": "ANN"}  # surrounding spaces do not count
    text_line = result.lines[-1]
    assert (text_line.kind, text_line.label, text_line.amount) == (
        "text", 'Name: "ANN"', Decimal("1.30")
    )  # fmt: skip
    assert result.total == Decimal("2.30")


def test_a_multiplier_scales_the_subtotal_rounded_half_up() -> None:
    pack = check(drink(), {"billing": "pack", "size": "L"})
    assert (
        pack.lines[-1].kind == "multiplier" and pack.lines[-1].label == "Billing: Pack of 10 (x10)"
    )
    assert pack.lines[-1].amount == Decimal("13.50") and pack.total == Decimal("15.00")
    tip = check(drink(), {"billing": "tip", "size": "L", "syrups": ["vanilla", "caramel"]})
    # 1.00 + 0.50 + 0.60 + 0.40 - 0.40 = 2.10; x1.15 = 2.415 -> 2.42
    assert tip.total == Decimal("2.42") and tip.lines[-1].amount == Decimal("0.32")
    assert sum(line.amount for line in tip.lines) == tip.total


def test_currencies_without_minor_units() -> None:
    definition = copy.deepcopy(DRINK) | {"currency": "JPY", "decimals": 0, "base_price": 300}
    definition["groups"] = [
        {"id": "size", "choices": [{"id": "L", "price": 50}, {"id": "XL", "price": 120}]}
    ]
    template = template_from_dict(definition)
    assert str(check(template, {"size": "L"}).total) == "350"
    definition["groups"][0]["choices"][0]["price"] = 50.5
    with pytest.raises(InvalidInput) as error:
        template_from_dict(definition)
    assert error.value.field == "groups[0].choices[0].price"
    assert "0 decimal places" in error.value.problem


# Defaults, attributes, structure ---------------------------------------------------------


def test_defaults_fill_groups_the_design_leaves_out() -> None:
    result = check(drink(), {})
    assert result.valid
    assert result.defaults_applied == ("size", "temp")
    assert result.picks == {"size": ("M",), "temp": ("hot",), "extras": (), "syrups": (),
                            "billing": ()}  # fmt: skip
    assert result.choices()["size"] == ["M"]
    explicit = check(drink(), {"size": []})  # an empty list picks nothing: size is required
    assert names(explicit) == ["required"]
    assert explicit.violations[0].field == "choices.size"
    assert explicit.violations[0].message == "Size: choose one"


def test_attributes_resolve_from_the_picks_and_the_texts() -> None:
    result = check(drink(), {"size": "L", "syrups": ["vanilla", "caramel", "sf-vanilla"],
                             "name": "BO"})  # fmt: skip
    assert result.attributes == {"ml": 470, "flavour": ["vanilla", "caramel"], "cup_name": "BO"}


@pytest.mark.parametrize(
    ("choices", "name", "field", "message"),
    [
        ({"toppings": "x"}, "unknown_group", "choices.toppings", "Drink has no option group"),
        ({"billing": "x"}, "unknown_choice", "choices.billing", "Billing: 'x' is not one of its"),
        ({"size": ["S", "L"]}, "too_many", "choices.size", "Size: choose only one (this design"),
        ({"extras": ["a", "b", "c"]}, "too_many", "choices.extras", "Extras: choose at most 2"),
        ({"extras": ["a"]}, "too_few", "choices.extras", "Extras: choose at least 2 (this"),
        ({"syrups": ["vanilla"] * 2}, "duplicate_choice", "choices.syrups", "'vanilla' is chosen"),
        ({"name": "ABCDEF"}, "text_too_long", "choices.name", "at most 5 characters (this text"),
        ({"name": "A"}, "text_too_short", "choices.name", "at least 2 characters"),
        ({"name": "Ann"}, "text_characters", "choices.name", "'n' is not allowed; use only A-Z"),
        ({"name": ["ANN"]}, "text_expected", "choices.name", "expects a text, not a list"),
    ],
)
def test_structural_violations_are_named_by_group(
    choices: dict[str, Any], name: str, field: str, message: str
) -> None:
    result = check(drink(), choices)
    assert names(result) == [name]
    violation = result.violations[0]
    assert violation.kind == "structure" and violation.field == field
    assert message in violation.message
    error = InvalidDesign(result.violations)
    assert error.field == field and name in error.problem


def test_a_required_text_group_needs_a_text() -> None:
    definition = copy.deepcopy(DRINK)
    definition["groups"][4]["required"] = True
    result = check(template_from_dict(definition), {"name": ""})
    assert names(result) == ["required"] and result.violations[0].message == "Name: enter a text"


def test_an_optional_group_may_stay_empty_even_with_a_minimum() -> None:
    assert check(drink(), {"extras": []}).valid


def test_a_design_of_the_wrong_shape_is_invalid_input() -> None:
    with pytest.raises(InvalidInput) as error:
        Design.of({"size": {"id": "M"}})
    assert error.value.field == "choices.size"
    with pytest.raises(InvalidInput):
        Design.of(["size"])  # type: ignore[arg-type]


# Template definitions ---------------------------------------------------------------------


def _broken(path: list[Any], value: Any) -> dict[str, Any]:
    definition = copy.deepcopy(DRINK)
    definition["constraints"] = [
        {"name": "iced-in-m-or-l", "kind": "only_with", "when": "temp.iced",
         "targets": ["size.M", "size.L"]}
    ]  # fmt: skip
    node = definition
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return definition


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field", "problem"),
    [
        (["id"], "has space", "id", "letters, digits"),
        (["groups", 1, "id"], "size", "groups[1].id", "'size' is used twice"),
        (["groups", 0, "choices", 1, "id"], "S", "groups[0].choices[1].id", "used twice"),
        (["groups", 0, "requried"], True, "groups[0].requried", "unknown field"),
        (["groups", 0, "kind"], "dropdown", "groups[0].kind", "single, multi, text"),
        (["groups", 0, "defaults"], ["XL"], "groups[0].defaults[0]", "'XL' is not one"),
        (["groups", 0, "defaults"], ["S", "M"], "groups[0].defaults", "has 2; at most 1"),
        (["groups", 2, "defaults"], ["a"], "groups[2].defaults", "has 1; at least 2"),
        (["groups", 2, "defaults"], ["a", "a"], "groups[2].defaults[1]", "used twice"),
        (["groups", 2, "max_picks"], 4, "groups[2].max_picks", "between 1 and 3"),
        (["groups", 2, "min_picks"], 3, "groups[2].min_picks", "between 0 and 2"),
        (["groups", 2, "required"], "yes", "groups[2].required", "true or false"),
        (["groups", 3, "included"], 4, "groups[3].included", "between 0 and 3"),
        (["groups", 2, "choices"], [], "groups[2].choices", "at least one choice"),
        (["groups", 0, "choices", 0, "price"], "cheap", "groups[0].choices[0].price", "number"),
        (["groups", 0, "choices", 0, "price"], 0.001, "groups[0].choices[0].price", "decimal"),
        (["groups", 0, "choices", 0, "price"], True, "groups[0].choices[0].price", "number"),
        (["groups", 5, "choices", 1, "multiplier"], 0, "groups[5].choices[1].multiplier", "above"),
        (
            ["groups", 0, "choices", 0, "attributes"],
            {"ml": [1]},
            "groups[0].choices[0].attributes.ml",
            "text, number or bool",
        ),
        (
            ["groups", 4, "text", "allowed"],
            "A-Z]|(a+)+[",
            "groups[4].text.allowed",
            "character class",
        ),
        (["groups", 4, "text", "max_length"], _DELETE, "groups[4].text.max_length", "required"),
        (["groups", 4, "text", "min_length"], 6, "groups[4].text.min_length", "between 1 and 5"),
        (["groups", 4, "choices"], [{"id": "x"}], "groups[4].choices", "not used by a text"),
        (["groups", 4, "text"], _DELETE, "groups[4].text", "required for a text group"),
        (["groups", 0, "text"], {"max_length": 3}, "groups[0].text", "only for groups of kind"),
        (["groups"], [], "groups", "at least one option group"),
        (["decimals"], 7, "decimals", "between 0 and 4"),
        (["item_id"], "a/b", "item_id", "'/'"),
        (["constraints", 0, "when"], "temp.warm", "constraints[0].when", "no choice 'warm'"),
        (["constraints", 0, "when"], "colour", "constraints[0].when", "no option group"),
        (
            ["constraints", 0, "targets"],
            ["size.M", "size.XL"],
            "constraints[0].targets[1]",
            "no choice 'XL'",
        ),
        (["constraints", 0, "targets"], [], "constraints[0].targets", "at least one"),
        (["constraints", 0, "targets"], ["temp.iced"], "constraints[0].targets[0]", "own 'when'"),
        (
            ["constraints", 0, "targets"],
            ["temp.hot"],
            "constraints[0].targets",
            "none can be picked together",
        ),
        (["constraints", 0, "kind"], "needs", "constraints[0].kind", "requires, excludes"),
        (["constraints", 0, "name"], "", "constraints[0].name", "letters, digits"),
    ],
)
def test_template_mistakes_name_their_path(
    path: list[Any], value: Any, field: str, problem: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        template_from_dict(_broken(path, value))
    assert error.value.field == field
    assert problem in error.value.problem


def test_duplicate_constraint_names_and_impossible_requirements_are_refused() -> None:
    rule = {"name": "r", "kind": "excludes", "when": "temp.iced", "targets": ["size.S"]}
    with pytest.raises(InvalidInput) as error:
        drink(rule, rule)
    assert error.value.field == "constraints[1].name" and "'r' is used twice" in str(error.value)
    impossible = {"name": "r", "kind": "requires", "when": "size.S", "targets": ["size.L"]}
    with pytest.raises(InvalidInput) as error:
        drink(impossible)
    assert error.value.field == "constraints[0].targets[0]"
    assert "can never be picked together" in error.value.problem


def test_a_required_group_needs_a_pick_minimum() -> None:
    definition = _broken(["groups", 3, "required"], True)
    assert template_from_dict(definition).group("syrups").min_picks == 1  # type: ignore[union-attr]
    definition["groups"][3]["min_picks"] = 0
    with pytest.raises(InvalidInput) as error:
        template_from_dict(definition)
    assert error.value.field == "groups[3].min_picks"
    assert error.value.problem == "must be at least 1 for a required group"


def test_the_id_from_the_url_fills_in_or_must_match() -> None:
    definition = copy.deepcopy(DRINK)
    del definition["id"]
    assert template_from_dict(definition, template_id="latte").id == "latte"
    with pytest.raises(InvalidInput) as error:
        template_from_dict(DRINK, template_id="latte")
    assert error.value.field == "id"


def test_json_form_round_trips_exactly() -> None:
    template = drink({"name": "r", "kind": "excludes", "when": "temp.iced", "targets": ["name"]})
    again = template_from_dict(template_to_dict(template))
    assert again == template
    assert template_to_dict(again) == template_to_dict(template)
    assert template_to_dict(template)["constraints"][0]["message"] == (
        "Temperature Iced cannot be combined with Name"
    )


# The shipped examples ----------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_is_valid_with_its_defaults(name: str) -> None:
    template = template_from_dict(example(name))
    result = validate(template, Design.of({}))
    assert result.valid, result.violations
    assert template.constraints and {c.kind for c in template.constraints} >= {"excludes"}


def test_the_sneaker_prices_materials_sizes_and_the_personal_text() -> None:
    sneaker = template_from_dict(example("sneaker"))
    result = validate(
        sneaker,
        Design.of({"upper_material": "leather", "upper_colour": "red", "size": "44",
                   "personal_text": "RUN 2026", "sole_colour": "gum"}),
    )  # fmt: skip
    assert result.valid and result.total == Decimal("119.00")  # 89 + 20 + 5 gum + 5 text
    assert result.attributes["material"] == "leather"
    assert result.attributes["personal_text"] == "RUN 2026"
    sizes = sneaker.group("size")
    assert sizes is not None and sizes.required
    assert [c.id for c in sizes.choices] == [str(size) for size in range(36, 48)]
    too_long = validate(sneaker, Design.of({"personal_text": "HAPPY BIRTHDAY"}))
    assert [v.name for v in too_long.violations] == ["text_too_long"]
    lower = validate(sneaker, Design.of({"personal_text": "anna"}))
    assert [v.name for v in lower.violations] == ["text_characters"]
    knit = validate(sneaker, Design.of({"upper_material": "knit", "upper_colour": "red",
                                        "personal_text": "ANNA"}))  # fmt: skip
    assert [v.name for v in knit.violations] == [
        "knit-comes-in-white-black-or-navy", "no-text-on-knit"
    ]  # fmt: skip


def test_the_coffee_drink_knows_hot_and_iced() -> None:
    coffee = template_from_dict(example("coffee"))
    iced = validate(coffee, Design.of({"temperature": "iced", "size": "S",
                                       "extras": ["extra-hot"]}))  # fmt: skip
    assert [v.name for v in iced.violations] == ["iced-needs-no-extra-hot", "iced-only-in-m-or-l"]
    latte = validate(coffee, Design.of({"size": "L", "milk": "oat", "shots": "2",
                                        "syrups": ["vanilla", "caramel"]}))  # fmt: skip
    # 3.80 + 0.70 + 0.50 + 2 x 0.60 - 0.60 (one syrup included)
    assert latte.valid and latte.total == Decimal("5.60")
    four = validate(coffee, Design.of({"syrups": ["vanilla", "caramel", "hazelnut", "cinnamon"]}))
    assert [v.name for v in four.violations] == ["too_many"]


def test_the_subscription_plan_has_tier_constraints_and_annual_billing() -> None:
    plan = template_from_dict(example("subscription"))
    annual = validate(plan, Design.of({"tier": "pro", "billing": "annual",
                                       "addons": ["sso", "storage"]}))  # fmt: skip
    assert annual.valid and annual.total == Decimal("640.00")  # (29 + 25 + 10) x 10
    basic = validate(plan, Design.of({"addons": ["sso", "api", "white-label", "audit-log"],
                                      "extra_seats": "10"}))  # fmt: skip
    assert [v.name for v in basic.violations] == [
        "sso-needs-pro-or-team", "audit-log-needs-team", "no-api-on-basic",
        "extra-seats-for-team-only",
    ]  # fmt: skip
    team = validate(plan, Design.of({"tier": "team", "addons": ["priority-support"]}))
    assert [v.name for v in team.violations] == ["team-includes-priority-support"]


def test_a_text_without_allowed_characters_takes_any_printable_text() -> None:
    definition = copy.deepcopy(DRINK)
    del definition["groups"][4]["text"]["allowed"]
    template = template_from_dict(definition)
    named = check(template, {"extras": ["a", "b"], "name": "Ann 2"})
    assert named.valid, named.violations
    assert not check(template, {"extras": ["a", "b"], "name": "A\x07b"}).valid
