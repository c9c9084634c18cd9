"""Training from stored events: weights, versions, activation and rollback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from tailored import Engine
from tailored.errors import InvalidInput, NotFound

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def _shop(engine: Engine) -> None:
    """30 shoppers; even ones like outdoor gear, odd ones kitchen things."""
    rows = []
    for u in range(30):
        cluster = ["tent", "stove", "boots", "lamp"] if u % 2 == 0 else ["pan", "knife", "mug"]
        for k in range(3):
            item = cluster[(u + k) % len(cluster)]
            at = T0 + timedelta(hours=u, minutes=k)
            rows.append({"user_id": f"u{u}", "item_id": item, "type": "view", "timestamp": at})
    rows.append({"user_id": "u0", "item_id": "tent", "type": "purchase", "timestamp": T0})
    rows.append({"user_id": "u0", "type": "search", "context": {"query": "tent"}})
    rows.append({"user_id": "u1", "item_id": "pan", "type": "dismiss"})
    assert not engine.events.record_many(rows).rejected


def test_interactions_weigh_event_types_and_skip_the_rest(engine: Engine) -> None:
    _shop(engine)
    data = engine.training.interactions()
    assert len(data.users) == 30
    by_pair = {
        (data.users.id_of(u), data.items.id_of(i)): w
        for u, i, w in zip(data.user, data.item, data.weight, strict=True)
    }
    newest = T0 + timedelta(hours=29, minutes=2)
    assert np.isclose(data.time.max(), newest.timestamp())
    # Aged by the default decay, back from the newest event
    half_life = engine.settings.interaction_half_life_days
    assert half_life is not None

    def aged(at: datetime) -> float:
        return float(0.5 ** ((newest - at) / timedelta(days=half_life)))

    # a view and a purchase add up (both at T0)
    assert by_pair[("u0", "tent")] == pytest.approx((1.0 + 5.0) * aged(T0))
    # the view; the dismiss is not an interaction
    assert by_pair[("u1", "pan")] == pytest.approx(aged(T0 + timedelta(hours=1, minutes=2)))


def test_train_records_an_active_version_that_recommends(engine: Engine, tmp_path: Path) -> None:
    _shop(engine)
    version = engine.training.train("item_knn", models_dir=tmp_path)
    assert version.active and version.model == "item_knn"
    assert (version.users, version.items) == (30, 7)
    # 7 items: every list would hold every candidate, so there are no metrics, and why
    assert version.metrics == {}
    assert version.metrics_note == (
        "too little data for an honest offline evaluation: 7 items to rank (at least 21 needed)"
    )
    assert version.data_from == T0
    assert Path(version.artifact).parent == tmp_path.resolve()
    model = engine.training.load()
    top = model.recommend(model.histories([["tent", "stove"]]), n=2)[0].items
    assert set(top) == {"boots", "lamp"}


def test_enough_data_gets_offline_metrics_over_real_lists(engine: Engine, tmp_path: Path) -> None:
    # 40 shoppers, each viewing 4 of 40 items in a row: 10 held-out users and 21 items to
    # rank are the least an evaluation needs.
    rows = [
        {
            "user_id": f"u{u}",
            "item_id": f"i{(u + k) % 40}",
            "type": "view",
            "timestamp": T0 + timedelta(minutes=k),
        }
        for u in range(40)
        for k in range(4)
    ]
    assert not engine.events.record_many(rows).rejected
    version = engine.training.train("item_knn", models_dir=tmp_path)
    assert version.metrics_note is None
    assert set(version.metrics) >= {"ndcg@10", "recall@20", "hr@10", "coverage@10"}
    assert version.metrics["users"] == 40
    assert 0 < version.metrics["coverage@10"] <= 1
    assert 0 < version.metrics["ndcg@10"] <= 1
    assert engine.training.version(version.id) == version  # the note is stored too


def test_the_readme_example_is_trained_without_a_bogus_metric(
    engine: Engine, tmp_path: Path
) -> None:
    # The README's client example: 2 items, a view of beans, then beans and filters bought.
    engine.items.upsert_many(
        [{"id": "beans", "title": "House blend"}, {"id": "filter", "title": "Paper filters"}]
    )
    rows = [
        {"user_id": "u42", "type": kind, "item_id": item, "timestamp": T0 + timedelta(seconds=s)}
        for s, (kind, item) in enumerate(
            [("view", "beans"), ("purchase", "beans"), ("purchase", "filter")]
        )
    ]
    assert not engine.events.record_many(rows).rejected
    for model in ("seq_blend", "popular", "item_knn"):
        version = engine.training.train(model, models_dir=tmp_path)
        assert version.metrics == {}, model  # was NDCG@10 0.63, coverage@10 2.0
        assert version.metrics_note is not None
        assert "1 user with held-out interactions (at least 10 needed)" in version.metrics_note


def test_activate_rolls_back_and_one_version_per_model_is_active(
    engine: Engine, tmp_path: Path
) -> None:
    _shop(engine)
    first = engine.training.train("ease", params={"l2": 100.0}, models_dir=tmp_path)
    knn = engine.training.train("item_knn", tune=False, models_dir=tmp_path)
    second = engine.training.train("ease", params={"l2": 10.0}, models_dir=tmp_path)
    assert second.params["l2"] == 10.0
    assert [v.id for v in engine.training.versions()] == [second.id, knn.id, first.id]
    assert [v.active for v in engine.training.versions()] == [True, True, False]
    assert engine.training.active("ease") == engine.training.version(second.id)
    engine.training.activate(first.id)
    assert [v.active for v in engine.training.versions()] == [False, True, True]
    assert engine.training.load(model="ease").get_params()["l2"] == 100.0
    assert engine.training.load(model="item_knn").name == "item_knn"


def test_not_activated_version_leaves_the_active_one(engine: Engine, tmp_path: Path) -> None:
    _shop(engine)
    first = engine.training.train("popular", tune=False, models_dir=tmp_path)
    engine.training.train("item_knn", tune=False, activate=False, models_dir=tmp_path)
    active = engine.training.active()
    assert active is not None and active.id == first.id


def test_bad_requests_name_the_problem(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"^events:"):
        engine.training.train("ease", models_dir=tmp_path)
    _shop(engine)
    with pytest.raises(InvalidInput, match=r"^model: unknown model 'deep'"):
        engine.training.train("deep", models_dir=tmp_path)
    with pytest.raises(NotFound, match="model version '42'"):
        engine.training.activate(42)
    with pytest.raises(NotFound, match="active model"):
        engine.training.load()
    version = engine.training.train("popular", tune=False, models_dir=tmp_path)
    Path(version.artifact).unlink()
    with pytest.raises(InvalidInput, match="missing"):
        engine.training.activate(version.id)
