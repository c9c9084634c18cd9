"""`tailored train` and `tailored models ...`: trained recommenders and their versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, open_engine
from tailored.domain.models import ModelVersion
from tailored.engine.model_params import MODEL_NAMES
from tailored.engine.training import DEFAULT_MODEL

app = App(help="Trained model versions: list, activate (or roll back).")

ModelsDirOption = Annotated[
    Path | None,
    typer.Option("--models-dir", envvar="TAILORED_MODELS_DIR", help="where model files go"),
]


def train(
    model: Annotated[
        str, typer.Option("--model", "-m", help=f"one of: {', '.join(sorted(MODEL_NAMES))}")
    ] = DEFAULT_MODEL,
    tune: Annotated[
        bool, typer.Option(help="choose hyper-parameters on a validation split")
    ] = True,
    activate: Annotated[bool, typer.Option(help="serve the new version at once")] = True,
    database_url: DatabaseOption = None,
    models_dir: ModelsDirOption = None,
) -> None:
    """Train a model on the stored events, evaluate it offline, and save a version."""
    with (
        open_engine(database_url) as engine,
        console.status(f"training {model} on the stored events ..."),
    ):
        version = engine.training.train(model, tune=tune, activate=activate, models_dir=models_dir)
    console.print(_table([version]))
    _notes([version])


@app.command("list")
def list_versions(database_url: DatabaseOption = None) -> None:
    """Every version, newest first, with its offline metrics."""
    with open_engine(database_url) as engine:
        versions = engine.training.versions()
    if not versions:
        console.print("no model trained yet: run 'tailored train'")
        return
    console.print(_table(versions))
    _notes(versions)


@app.command()
def activate(
    version: Annotated[int, typer.Argument(help="the id shown by 'models list'")],
    database_url: DatabaseOption = None,
) -> None:
    """Serve this version from now on (also how to roll back)."""
    with open_engine(database_url) as engine:
        chosen = engine.training.activate(version)
    console.print(f"version {chosen.id} ({chosen.model}) is active")


def _table(versions: list[ModelVersion]) -> Table:
    table = Table("id", "model", "active", "NDCG@10", "recall@20", "users", "items", "params")
    for v in versions:
        table.add_row(
            str(v.id),
            v.model,
            "yes" if v.active else "",
            _metric(v, "ndcg@10"),
            _metric(v, "recall@20"),
            str(v.users),
            str(v.items),
            json.dumps(v.params),
        )
    return table


def _metric(version: ModelVersion, name: str) -> str:
    if version.metrics_note is not None:
        return "too little data"
    return str(version.metrics.get(name, "-"))


def _notes(versions: list[ModelVersion]) -> None:
    """Why a version has no metrics, under the table (a cell is too narrow for it)."""
    for v in versions:
        if v.metrics_note is not None:
            console.print(f"[yellow]version {v.id}: no offline metrics:[/] {v.metrics_note}")


__all__ = ["app", "train"]
