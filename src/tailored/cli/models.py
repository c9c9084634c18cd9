"""`tailored train` and `tailored models ...`: trained recommenders and their versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, open_engine
from tailored.domain.models import ModelVersion
from tailored.engine.model_params import AUTO, MODEL_NAMES
from tailored.engine.training import DEFAULT_MODEL

app = App(help="Trained model versions: list, activate (or roll back).")

ModelsDirOption = Annotated[
    Path | None,
    typer.Option("--models-dir", envvar="TAILORED_MODELS_DIR", help="where model files go"),
]


def train(
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help=f"{AUTO} (choose the model on validation) or one of: "
            f"{', '.join(sorted(MODEL_NAMES))}",
        ),
    ] = DEFAULT_MODEL,
    tune: Annotated[
        bool, typer.Option(help="choose hyper-parameters on a validation split")
    ] = True,
    activate: Annotated[bool, typer.Option(help="serve the new version at once")] = True,
    database_url: DatabaseOption = None,
    models_dir: ModelsDirOption = None,
) -> None:
    """Train a model on the stored events, evaluate it offline, and save a version.

    By default the model and its hyper-parameters are chosen on a validation split of
    these events; the choice and every candidate's validation score are printed."""
    doing = "choosing and training a model" if model == AUTO else f"training {model}"
    with (
        open_engine(database_url) as engine,
        console.status(f"{doing} on the stored events ..."),
    ):
        version = engine.training.train(model, tune=tune, activate=activate, models_dir=models_dir)
    console.print(_table([version]))
    _notes([version])
    if version.selection is not None:
        _choice(version.selection)


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


def _choice(selection: dict[str, Any]) -> None:
    """What `auto` chose and why: every candidate's best validation NDCG@10."""
    if selection.get("note"):
        console.print(f"[yellow]chose {selection['model']}:[/] {selection['note']}")
        return
    scores: dict[str, float] = selection.get("candidates_val_ndcg@10") or {}
    table = Table("candidate", "val NDCG@10", title="chosen on validation")
    for name, score in sorted(scores.items(), key=lambda pair: -pair[1]):
        mark = " (chosen)" if name == selection["model"] else ""
        table.add_row(f"{name}{mark}", f"{score:.4f}")
    console.print(table)
    params = selection["params"]
    with_params = f"with {json.dumps(params)}" if params else "at its defaults"
    console.print(
        f"chose {selection['model']} {with_params}: the best validation "
        f"NDCG@10 of {len(selection.get('tried') or [])} settings tried in "
        f"{selection['seconds']} s (budget {selection['budget_s']} s)"
    )
    skipped: dict[str, str] = selection.get("skipped") or {}
    for name, why in skipped.items():
        console.print(f"[yellow]{name}:[/] {why}")


def _notes(versions: list[ModelVersion]) -> None:
    """Why a version has no metrics, under the table (a cell is too narrow for it)."""
    for v in versions:
        if v.metrics_note is not None:
            console.print(f"[yellow]version {v.id}: no offline metrics:[/] {v.metrics_note}")


__all__ = ["app", "train"]
