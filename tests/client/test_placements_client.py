"""Placements through the client: versions, rollback, the domain's values back, errors
naming the field, and answers naming the version that ranked them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tailored import Engine
from tailored.client import Client
from tailored.domain.recommendations import StrategySource
from tailored.errors import InvalidInput, NotFound, PermissionDenied
from tailored.types import Scope

HOME = {
    "id": "home",
    "description": "Home page top picks",
    "strategy": {"diversity": {"strength": 0.5}, "top_n": {"limit": 2}},
}


def test_placements_are_set_versioned_and_rolled_back(client: Client, engine: Engine) -> None:
    first = client.placements.set(HOME)
    assert first == engine.placements.get("home")  # the domain's Placement
    assert (first.version, first.strategy.top_n.limit) == (1, 2)
    assert client.placements.set(HOME).version == 1  # the same again: no new version
    second = client.placements.set({"strategy": {}}, placement_id="home")
    assert (second.version, second.strategy.top_n.limit) == (2, None)
    assert client.placements.history("home") == engine.placements.history("home")
    back = client.placements.activate("home", 1)
    assert (back.version, back.latest_version, back.rolled_back) == (1, 2, True)
    assert [p.id for p in client.placements.list()] == ["home"]
    with pytest.raises(NotFound):
        client.placements.get("cart")
    with pytest.raises(NotFound):
        client.placements.activate("home", 9)


def test_mistakes_name_the_field(client: Client) -> None:
    with pytest.raises(InvalidInput) as local:
        client.placements.set({"id": "home", "strategy": {"diversity": {"strength": 3}}})
    assert local.value.field == "strategy.diversity.strength"
    with pytest.raises(InvalidInput) as remote:  # only the server knows its models
        client.placements.set({"id": "home", "strategy": {"candidates": {"model": "deep"}}})
    assert remote.value.field == "strategy.candidates.model"
    with pytest.raises(InvalidInput) as missing:
        client.placements.set({"strategy": {}})
    assert missing.value.field == "id"


def test_placements_need_an_admin_key(client_as: Callable[[Scope], Client]) -> None:
    with pytest.raises(PermissionDenied):
        client_as("serve").placements.list()


def test_answers_name_the_placement_version(client: Client, client_as: Callable[[Scope], Client],
                                            engine: Engine) -> None:  # fmt: skip
    engine.items.upsert_many([{"id": i, "title": i} for i in ("a", "b", "c")])
    client.placements.set(HOME)
    answer = client_as("serve").recommendations.for_user("u1", n=5, placement="home")
    assert answer.strategy == StrategySource("home", 1, "stored")
    assert len(answer.items) == 2
    assert client_as("serve").recommendations.for_user("u1").strategy == StrategySource()
