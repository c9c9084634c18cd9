"""`tailored train` and `tailored models list|activate`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_train_list_and_activate(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:
        engine.events.record_many(
            [
                {"user_id": f"u{u}", "item_id": f"i{(u + k) % 5}", "type": "view"}
                for u in range(12)
                for k in range(3)
            ]
        )
    models = str(tmp_path / "models")
    trained = _run("train", "-d", url, "--models-dir", models)
    assert trained.exit_code == 0, trained.output
    assert "seq_blend" in trained.output and "yes" in trained.output
    second = _run("train", "-m", "popular", "--no-tune", "--no-activate", "-d", url,
                  "--models-dir", models)  # fmt: skip
    assert second.exit_code == 0, second.output
    listed = _run("models", "list", "-d", url)
    assert "popular" in listed.output and "seq_blend" in listed.output
    switched = _run("models", "activate", "2", "-d", url)
    assert "version 2 (popular) is active" in switched.output
    missing = _run("models", "activate", "9", "-d", url)
    assert missing.exit_code == 1
    assert "model version '9' not found" in missing.output


def test_the_readme_example_trains_and_says_why_it_has_no_metrics(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:  # the README's client example: 2 items, 3 events
        engine.items.upsert_many(
            [{"id": "beans", "title": "House blend"}, {"id": "filter", "title": "Paper filters"}]
        )
        for kind, item in [("view", "beans"), ("purchase", "beans"), ("purchase", "filter")]:
            engine.events.record({"user_id": "u42", "type": kind, "item_id": item})
    models = str(tmp_path / "models")
    why = (
        "no offline metrics: too little data for an honest offline evaluation: 1 user with "
        "held-out interactions (at least 10 needed) and 1 item to rank (at least 21 needed)"
    )
    trained = _run("train", "-d", url, "--models-dir", models)
    assert trained.exit_code == 0, trained.output
    assert "too little data" in trained.output and f"version 1: {why}" in trained.output
    assert "0.63" not in trained.output  # what NDCG@10 used to say
    listed = _run("models", "list", "-d", url)
    assert f"version 1: {why}" in listed.output and "0.63" not in listed.output


def test_train_on_an_empty_store_says_what_is_missing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    Engine.open(url).close()
    result = _run("train", "-d", url, "--models-dir", str(tmp_path / "m"))
    assert result.exit_code == 1
    assert "no events with items" in result.output


def test_train_says_which_model_it_chose_on_validation_and_why(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:  # 60 shoppers walking a 40-item chain
        engine.events.record_many(
            [
                {"user_id": f"u{u}", "item_id": f"i{((u * 7) % 40 + k) % 40}", "type": "view"}
                for u in range(60)
                for k in range(8)
            ]
        )
    trained = _run("train", "--no-tune", "-d", url, "--models-dir", str(tmp_path / "m"))
    assert trained.exit_code == 0, trained.output
    with Engine.open(url) as engine:
        version = engine.training.versions()[0]
    assert version.selection is not None
    assert "chosen on validation" in trained.output
    assert f"{version.model} (chosen)" in trained.output
    for name, score in version.selection["candidates_val_ndcg@10"].items():
        assert name in trained.output and f"{score:.4f}" in trained.output
    assert f"chose {version.model} at its defaults: the best validation NDCG@10 of 7" in (
        trained.output
    )


def test_train_says_when_it_could_not_compare_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:  # two views each: nothing left to validate inside train
        engine.events.record_many(
            [
                {"user_id": f"u{u}", "item_id": f"i{(u + k) % 40}", "type": "view"}
                for u in range(30)
                for k in range(2)
            ]
        )
    trained = _run("train", "-d", url, "--models-dir", str(tmp_path / "m"))
    assert trained.exit_code == 0, trained.output
    assert "chose seq_blend: seq_blend at its defaults, nothing compared: too little" in (
        " ".join(trained.output.split())
    )
    assert "chosen on validation" not in trained.output
