"""The configurator and training through the client: templates, validation, designs
(refusals carry every violation, as `InvalidDesign`), reorders, analytics, jobs and
model versions."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tailored import Engine
from tailored.client import Client, TrainingJob, iterate
from tailored.demo.configurators import example
from tailored.domain.configurator.template import InvalidDesign
from tailored.errors import InvalidInput, NotFound, PermissionDenied
from tailored.types import Scope

LATTE = {"temperature": "iced", "milk": "oat", "syrups": ["vanilla"]}


@pytest.fixture
def coffee(client: Client) -> dict[str, Any]:
    definition = example("coffee")
    assert client.configurators.define(definition).version == 1
    return definition


def test_templates_are_defined_versioned_and_read(client: Client, engine: Engine) -> None:
    definition = example("coffee")
    first = client.configurators.define(definition)
    assert first == engine.configurators.get("coffee")  # the domain's TemplateVersion
    assert (first.template.id, first.template.currency, first.version) == ("coffee", "EUR", 1)
    assert first.template.groups[0].choices[0].price == Decimal("2.80")
    assert client.configurators.define(definition).version == 1  # the same again: no change
    definition["groups"][0]["choices"][0]["price"] = 2.9
    second = client.configurators.define(definition, template_id="coffee")
    assert second.version == 2
    assert [(t.template.id, t.version) for t in client.configurators.list()] == [("coffee", 2)]
    old = client.configurators.get("coffee", version=1)
    assert old.template.groups[0].choices[0].price == Decimal("2.80")
    with pytest.raises(NotFound):
        client.configurators.get("tea")

    broken = copy.deepcopy(definition)
    broken["groups"][0]["choices"][1]["id"] = "S"
    with pytest.raises(InvalidInput) as refused:
        client.configurators.define(broken)
    assert refused.value.field == "groups[0].choices[1].id"
    assert "used twice" in refused.value.problem
    with pytest.raises(InvalidInput) as nameless:
        client.configurators.define({"groups": []})
    assert nameless.value.field == "id"


def test_validate_prices_a_design_and_names_every_rule_it_breaks(
    coffee: dict[str, Any], client_as: Callable[[Scope], Client], engine: Engine
) -> None:
    serve = client_as("serve")
    choices = {"temperature": "iced", "size": "S", "syrups": ["vanilla", "caramel"]}
    result = serve.configurators.validate("coffee", choices)
    assert result == engine.configurators.validate("coffee", choices)  # the domain's Validation
    assert not result.valid
    assert [v.name for v in result.violations] == ["iced-only-in-m-or-l"]
    assert result.violations[0].field == "choices"
    assert sum(line.amount for line in result.lines) == result.total
    assert serve.configurators.validate("coffee", None).valid  # the defaults


def test_designs_are_saved_refused_listed_and_reordered(
    coffee: dict[str, Any], client_as: Callable[[Scope], Client], client: Client
) -> None:
    ingest, serve = client_as("ingest"), client_as("serve")
    design = ingest.configurators.save_design("ann", "coffee", "Iced oat", LATTE)
    assert (design.user_id, design.template_id, design.name) == ("ann", "coffee", "Iced oat")
    assert (design.price, design.price_now, design.template_version) == (
        Decimal("3.8"),
        Decimal("3.8"),
        1,
    )
    assert design.valid_now and not design.price_changed

    with pytest.raises(InvalidDesign) as refused:
        ingest.configurators.save_design("ann", "coffee", "Tiny iced", {**LATTE, "size": "S"})
    assert isinstance(refused.value, InvalidInput) and refused.value.field == "choices"
    assert [v.name for v in refused.value.violations] == ["iced-only-in-m-or-l"]
    assert str(refused.value).startswith("choices: breaks iced-only-in-m-or-l: ")

    for n in range(3):
        ingest.configurators.save_design("ann", "coffee", f"Hot {n}", {"temperature": "hot"})
    page = serve.configurators.list_designs("ann", template_id="coffee", limit=2)
    assert [d.name for d in page.items] == ["Hot 2", "Hot 1"]  # newest first
    every = list(iterate(serve.configurators.list_designs, "ann", limit=2))
    assert [d.name for d in every] == ["Hot 2", "Hot 1", "Hot 0", "Iced oat"]
    assert serve.configurators.get_design("ann", design.id) == design

    first = ingest.configurators.reorder("ann", design.id, order_id="o-7")
    assert (first.price, first.item_id, first.duplicate) == (Decimal("3.8"), "coffee-custom", False)
    retry = ingest.configurators.reorder("ann", design.id, order_id="o-7")
    assert retry.duplicate and retry.event_id == first.event_id
    assert not ingest.configurators.reorder("ann", design.id).duplicate  # an id made here

    unnamed = ingest.configurators.save_design("ann", "coffee", None, LATTE)
    assert unnamed.name == "My coffee"
    ingest.configurators.delete_design("ann", unnamed.id)

    changed = copy.deepcopy(coffee)
    changed["constraints"].append(
        {"name": "no-oat-iced", "kind": "excludes", "when": "milk.oat",
         "targets": ["temperature.iced"], "message": "Oat milk curdles on ice."}
    )  # fmt: skip
    assert client.configurators.define(changed).version == 2
    now = serve.configurators.get_design("ann", design.id)
    assert (now.version_now, now.valid_now) == (2, False)
    assert [v.name for v in now.violations_now] == ["no-oat-iced"]
    with pytest.raises(InvalidDesign) as stale:
        ingest.configurators.reorder("ann", design.id)
    assert "the template changed since it was saved" in str(stale.value)
    assert [v.name for v in stale.value.violations] == ["no-oat-iced"]

    ingest.configurators.delete_design("ann", design.id)
    with pytest.raises(NotFound):
        serve.configurators.get_design("ann", design.id)

    stats = client.configurators.analytics("coffee", top_pairs=1)
    assert (stats.template_id, stats.designs, len(stats.pairs)) == ("coffee", 3, 1)
    temperature = next(g for g in stats.groups if g.group_id == "temperature")
    top = temperature.choices[0]
    assert (top.group_id, top.choice_id, top.count) == ("temperature", "hot", 3)
    with pytest.raises(PermissionDenied):
        serve.configurators.analytics("coffee")


def _finished(client: Client, job_id: int, *, patience: float = 60.0) -> TrainingJob:
    """Poll the job until the server's job runner has finished it."""
    deadline = time.monotonic() + patience
    while not (job := client.jobs.get(job_id)).finished:
        assert time.monotonic() < deadline, f"job still {job.status} after {patience} s"
        time.sleep(0.05)
    return job


def test_a_configuration_is_ordered_without_saving_a_design(
    coffee: dict[str, Any], client_as: Callable[[Scope], Client], engine: Engine
) -> None:
    ingest = client_as("ingest")
    done = ingest.configurators.order("ann", "coffee", LATTE, order_id="o-3")
    assert (done.price, done.item_id, done.duplicate) == (Decimal("3.8"), "coffee-custom", False)
    assert done.choices == engine.configurators.validate("coffee", LATTE).choices()
    assert ingest.configurators.order("ann", "coffee", LATTE, order_id="o-3").duplicate
    assert not ingest.configurators.order("ann", "coffee", LATTE).duplicate  # an id made here
    purchases = engine.events.query(user_id="ann").items
    assert [p.context["choices"] for p in purchases] == [done.choices] * 2
    assert engine.configurators.list_designs("ann").items == ()
    with pytest.raises(InvalidDesign) as refused:
        ingest.configurators.order("ann", "coffee", {**LATTE, "size": "S"})
    assert [v.name for v in refused.value.violations] == ["iced-only-in-m-or-l"]


def test_training_jobs_and_model_versions(client: Client, engine: Engine) -> None:
    client.events.record_many(
        [
            {"user_id": f"u{u}", "item_id": f"i{(u + k) % 6}", "type": "view"}
            for u in range(15)
            for k in range(3)
        ]
    )
    queued = client.jobs.submit("popular", tune=False)
    assert (queued.model, queued.tune, queued.activate, queued.origin) == (
        "popular",
        False,
        True,
        "api",
    )
    done = _finished(client, queued.id)
    assert done.status == "succeeded" and done.error is None and done.version is not None
    assert done.version.active and done.version.interactions == 45

    second = _finished(client, client.jobs.submit("popular", tune=False, activate=False).id)
    assert second.version is not None and not second.version.active
    assert [j.id for j in client.jobs.list(limit=5)] == [second.id, queued.id]
    versions = client.training.versions()
    assert [v.id for v in versions] == [second.version.id, done.version.id]
    activated = client.training.activate(second.version.id)
    assert activated.active and activated.id == second.version.id
    assert engine.training.active("popular").id == second.version.id  # type: ignore[union-attr]

    with pytest.raises(InvalidInput) as unknown_parameter:
        client.jobs.submit("popular", params={"no_such": 1})
    assert unknown_parameter.value.field == "params.no_such"
    with pytest.raises(InvalidInput) as unknown:
        client.jobs.submit("telepathy")
    assert unknown.value.field.endswith("model")
    with pytest.raises(NotFound):
        client.jobs.get(999_999)
