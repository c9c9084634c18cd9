"""`tailored train` without a model: the model and its parameters chosen on validation of
the stored events, recorded with the scores behind the choice, and served."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tailored import Engine
from tailored.engine.training import AUTO, CANDIDATES, FALLBACK_MODEL
from tailored.errors import InvalidInput

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def _walks(engine: Engine) -> None:
    """60 shoppers each walking 8 items along a 40-item chain: enough to validate on."""
    rows = [
        {
            "user_id": f"u{u}",
            "item_id": f"i{((u * 7) % 40 + k) % 40}",
            "type": "view",
            "timestamp": T0 + timedelta(hours=u, minutes=k),
        }
        for u in range(60)
        for k in range(8)
    ]
    assert not engine.events.record_many(rows).rejected


def test_auto_chooses_the_best_candidate_on_validation_and_says_why(
    engine: Engine, tmp_path: Path
) -> None:
    _walks(engine)
    # The defaults users get (auto, tuned), on a short budget: the test stays quick
    shop = Engine(engine.db, engine.settings.model_copy(update={"training_budget_seconds": 10}))
    version = shop.training.train(models_dir=tmp_path)
    selection = version.selection
    assert selection is not None and version.metrics_note is None
    scores = selection["candidates_val_ndcg@10"]
    assert set(scores) == set(CANDIDATES)  # every candidate compared
    assert version.model == selection["model"]
    assert scores[version.model] == max(scores.values())  # (rounded: ties are possible)
    assert version.params == {**version.params, **selection["params"]}
    assert selection["val_ndcg@10"] == scores[version.model]
    assert selection["budget_s"] == 10
    assert version.metrics["ndcg@10"] > 0  # and its test metrics, as for any version
    assert engine.training.active(AUTO) == version  # what serving's 'auto' serves


def test_the_newest_choice_serves_and_rolling_back_restores_the_old(
    engine: Engine, tmp_path: Path
) -> None:
    _walks(engine)
    first = engine.training.train(tune=False, models_dir=tmp_path)
    second = engine.training.train(tune=False, models_dir=tmp_path)
    active = engine.training.active(AUTO)
    assert active is not None and active.id == second.id
    assert not engine.training.version(first.id).active  # one choice holds the role
    engine.training.activate(first.id)
    active = engine.training.active(AUTO)
    assert active is not None and active.id == first.id
    assert not engine.training.version(second.id).active


def test_auto_on_too_little_data_trains_the_fallback_and_says_why(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [{"user_id": "u", "item_id": i, "type": "view"} for i in ("a", "b", "c")]
    assert not engine.events.record_many(rows).rejected
    version = engine.training.train(AUTO, models_dir=tmp_path)
    assert version.model == FALLBACK_MODEL and version.selection is None
    assert version.metrics_note is not None and "too little data" in version.metrics_note
    active = engine.training.active(AUTO)  # served through the fallback
    assert active is not None and active.id == version.id


def test_auto_takes_no_params(engine: Engine, tmp_path: Path) -> None:
    _walks(engine)
    with pytest.raises(InvalidInput, match=r"^params: name the model they are for"):
        engine.training.train(AUTO, params={"l2": 1.0}, models_dir=tmp_path)
    with pytest.raises(InvalidInput, match=r"^params:"):
        engine.jobs.submit(params={"l2": 1.0})
    assert engine.jobs.submit().model == AUTO


def test_scheduled_retraining_chooses_again(engine: Engine, tmp_path: Path) -> None:
    _walks(engine)
    chosen = engine.training.train(tune=False, models_dir=tmp_path)
    engine.training.train("item_knn", tune=False, models_dir=tmp_path)  # by name
    queued = engine.jobs.schedule(timedelta(hours=1))
    assert chosen.selection is not None
    assert sorted(job.model for job in queued) == [AUTO, "item_knn"]  # not chosen.model


def test_too_little_to_validate_inside_train_says_so(engine: Engine, tmp_path: Path) -> None:
    # 30 shoppers with 2 views each: enough for a test split, but inside train each
    # has one view, and a validation split of that leaves nothing to train on.
    rows = [
        {"user_id": f"u{u}", "item_id": f"i{(u + k) % 40}", "type": "view",
         "timestamp": T0 + timedelta(minutes=k)}
        for u in range(30)
        for k in range(2)
    ]  # fmt: skip
    assert not engine.events.record_many(rows).rejected
    version = engine.training.train(models_dir=tmp_path)
    assert version.metrics_note is None and version.selection is not None
    assert version.model == FALLBACK_MODEL and version.selection["tried"] == []
    assert "nothing compared: too little data" in version.selection["note"]
