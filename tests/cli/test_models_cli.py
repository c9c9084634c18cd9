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


def test_train_on_an_empty_store_says_what_is_missing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    Engine.open(url).close()
    result = _run("train", "-d", url, "--models-dir", str(tmp_path / "m"))
    assert result.exit_code == 1
    assert "no events with items" in result.output
