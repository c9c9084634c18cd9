"""The one weighting rule: a type's weight, halved every half-life of age before `now`."""

from __future__ import annotations

import numpy as np
import pytest

from tailored.data.weighting import DAY, Weighting, decay
from tailored.domain.events import BUILTIN_EVENT_TYPES, EventMeanings
from tailored.errors import InvalidInput

DEFAULT = EventMeanings(BUILTIN_EVENT_TYPES).weights


def test_the_default_weights_are_the_builtin_types_own() -> None:
    assert DEFAULT == {
        "purchase": 5.0, "add_to_cart": 3.0, "like": 2.0, "share": 2.0,
        "click": 2.0, "rate": 1.0, "view": 1.0,
    }  # fmt: skip
    weighting = Weighting(DEFAULT)
    assert weighting.weigh(["purchase", "dismiss", "impression", "teleport"]).tolist() == [
        5.0,
        0.0,
        0.0,
        0.0,
    ]
    assert "dismiss" not in weighting.types and "purchase" in weighting.types


def test_weights_halve_every_half_life_before_now() -> None:
    weighting = Weighting(DEFAULT, half_life_days=14)
    times = np.array([0.0, 14 * DAY, 28 * DAY, 30 * DAY])
    weights = weighting.weigh(["purchase", "purchase", "view", "view"], times, now=28 * DAY)
    assert weights.tolist() == [1.25, 2.5, 1.0, 1.0]  # a time after now counts as now


def test_only_the_distance_between_events_sets_their_ratio() -> None:
    # Serving weighs at request time, training at its run: the same events keep the
    # same proportions, so a model ranks a history the same whenever it is weighed.
    weighting = Weighting(DEFAULT, half_life_days=7)
    times = np.array([0.0, 3 * DAY, 5 * DAY])
    early = weighting.weigh(["view", "like", "purchase"], times, now=6 * DAY)
    late = weighting.weigh(["view", "like", "purchase"], times, now=40 * DAY)
    assert np.allclose(early / early.sum(), late / late.sum())


def test_without_a_half_life_nothing_decays() -> None:
    times = np.array([0.0, 1000 * DAY])
    assert Weighting(DEFAULT).weigh(["view", "view"], times, now=2000 * DAY).tolist() == [1, 1]
    assert decay(times, now=0.0, half_life_days=None).tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Weighting({"view": -1.0}), "weights"),
        (lambda: Weighting({"view": float("nan")}), "weights"),
        (lambda: Weighting(DEFAULT, half_life_days=0), "half_life_days"),
        (lambda: decay(np.zeros(1), now=0.0, half_life_days=-2), "half_life_days"),
        (lambda: Weighting(DEFAULT, half_life_days=7).weigh(["view"], np.zeros(1)), "now"),
        (lambda: Weighting(DEFAULT, half_life_days=7).weigh(["view"], np.zeros(2), now=0), "times"),
    ],
)
def test_bad_arguments_name_the_parameter(build: object, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        build()  # type: ignore[operator]
    assert error.value.field == field
