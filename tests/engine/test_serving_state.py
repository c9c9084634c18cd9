"""The serving state: rebuilt in the background, never making a request wait."""

from __future__ import annotations

import threading
import time

import pytest

from tailored import Engine
from tailored.engine.recommend.state import Refreshing, StateLoader


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _settle(value: Refreshing[int]) -> None:
    deadline = time.monotonic() + 5
    while value._refreshing and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_stale_value_is_served_while_the_next_one_is_built() -> None:
    clock, release, builds = Clock(), threading.Event(), []

    def build(old: int | None) -> int:
        builds.append(old)
        if old is not None:
            assert release.wait(5)
        return len(builds)

    value = Refreshing(build, every=10, clock=clock)
    assert value.get() == 1
    clock.now = 11
    assert value.get() == 1  # the rebuild runs in the background ...
    assert value.get() == 1  # ... and only one at a time
    release.set()
    _settle(value)
    assert value.get() == 2 and builds == [None, 1]


def test_a_failed_rebuild_keeps_the_last_good_value() -> None:
    clock = Clock()
    calls: list[int] = []

    def build(old: int | None) -> int:
        calls.append(1)
        if old is not None:
            raise RuntimeError("database away")
        return 7

    value = Refreshing(build, every=10, clock=clock)
    assert value.get() == 7
    clock.now = 11
    assert value.get() == 7
    _settle(value)
    assert value.get() == 7 and len(calls) == 2
    clock.now = 22  # retried after the interval
    value.get()
    _settle(value)
    assert len(calls) == 3


def test_trending_is_recounted_less_often_than_the_catalog_is_checked(shop: Engine) -> None:
    clock = Clock()
    loader = StateLoader(
        shop.db,
        roles={},
        active=shop.training.active,
        meanings=shop.event_types.meanings,
        half_life_days=None,
        window_days=7,
        trending_every=10,
        clock=clock,
    )
    first = loader.load(None)
    shop.events.record({"user_id": "z", "type": "purchase", "item_id": "mug"})
    clock.now = 5  # a refresh within the trending interval: the counts are kept
    second = loader.load(first)
    assert second.trending is first.trending and second.catalog is first.catalog
    clock.now = 11
    third = loader.load(second)
    mug = third.catalog.items.position("mug")
    assert third.trending.recent[mug] > first.trending.recent[mug]
    shop.items.upsert({"id": "cup", "title": "Cup"})
    clock.now = 12  # a changed catalog is recounted at once
    fourth = loader.load(third)
    assert fourth.catalog is not third.catalog and fourth.trending is not third.trending


@pytest.fixture(autouse=True)
def _quiet_background_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("CRITICAL", logger="tailored.engine.recommend.state")
