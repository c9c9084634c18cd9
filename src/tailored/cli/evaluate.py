"""`tailored evaluate`: compare models offline, on a MovieLens folder or the stored events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from tailored.cli.common import DatabaseOption, console, fail, open_engine, progress_bar
from tailored.data import Interactions
from tailored.data.features import ItemFeatures
from tailored.engine.model_params import MODEL_NAMES
from tailored.errors import InvalidInput
from tailored.workflows.evaluation import (
    Comparison,
    compare,
    model_names,
    read_movielens,
    read_movielens_items,
    steps,
)


def evaluate(
    folder: Annotated[
        Path | None,
        typer.Argument(help="a MovieLens folder (ml-100k, ml-1m or ml-latest layout)"),
    ] = None,
    store: Annotated[
        bool, typer.Option("--store", help="evaluate on the stored events instead")
    ] = False,
    models: Annotated[
        str | None,
        typer.Option(
            "--models", "-m", help=f"comma-separated, from: {', '.join(MODEL_NAMES)} (default: all)"
        ),
    ] = None,
    tune: Annotated[
        bool, typer.Option(help="choose hyper-parameters on a validation split inside train")
    ] = True,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="also write the results to this JSON file")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Evaluate models offline: per-user temporal split, tuned on train, NDCG@10 and more."""
    if (folder is None) == (not store):
        raise typer.BadParameter(
            "give a MovieLens FOLDER or --store (the stored events), one of the two",
            param_hint="FOLDER / --store",
        )
    try:
        chosen = model_names(models)
    except InvalidInput as error:
        raise typer.BadParameter(error.problem, param_hint="--models") from None
    extra: dict[str, Any] = {}
    features: ItemFeatures | None = None
    if folder is not None:
        data, source = _movielens(folder, extra)
        features = read_movielens_items(folder)
    else:
        with open_engine(database_url) as engine, console.status("reading the stored events"):
            features = engine.training.item_features()
            data = engine.training.interactions()
            source = f"store ({engine.db.url.render_as_string(hide_password=True)})"
        if len(data) == 0:
            fail(
                "the store has no events with an item to evaluate on: record or import "
                "some first (e.g. tailored import movielens FOLDER)"
            )
    try:
        comparison = _run(data, chosen, tune=tune, source=source, features=features)
    except InvalidInput as error:
        fail(str(error))
        raise
    console.print(_summary(comparison))
    console.print(_table(comparison))
    for result in comparison.results:
        if result.evaluation is not None:
            params = " ".join(f"{k}={_number(v)}" for k, v in result.evaluation.params.items())
            console.print(f"{result.model} params: {params}", highlight=False)
    for result in comparison.results:
        if result.note:
            label = "skipped" if result.evaluation is None else "note"
            console.print(f"[yellow]{result.model} {label}:[/] {result.note}")
    if json_file is not None:
        try:
            json_file.write_text(json.dumps(comparison.as_dict() | extra, indent=2) + "\n")
        except OSError as error:
            fail(f"--json: cannot write {json_file}: {error.strerror or error}")
        console.print(f"results written to {json_file}")
    if all(result.evaluation is None for result in comparison.results):
        fail("no model could be evaluated on this data (see the notes above)")


def _movielens(folder: Path, extra: dict[str, Any]) -> tuple[Interactions, str]:
    try:
        with console.status(f"reading {folder}"):
            data, unreadable = read_movielens(folder)
    except InvalidInput as error:
        raise typer.BadParameter(error.problem, param_hint="FOLDER") from None
    if unreadable:
        console.print(f"[yellow]{unreadable} unreadable lines skipped[/]")
        extra["unreadable_lines"] = unreadable
    return data, f"{folder.name} ({folder})"


def _run(
    data: Interactions,
    models: list[str],
    *,
    tune: bool,
    source: str,
    features: ItemFeatures | None,
) -> Comparison:
    planned = steps(models, tune=tune)
    with progress_bar() as progress:
        task = progress.add_task("evaluating", total=sum(planned.values()))

        def report(model: str, done: int) -> None:
            if done == 0:
                progress.update(task, description=model)
            else:
                progress.advance(task, done)

        return compare(data, models, tune=tune, source=source, progress=report, features=features)


def _summary(c: Comparison) -> str:
    return (
        f"{c.source}: {c.users:,} users x {c.items:,} items, {c.interactions:,} interactions "
        f"({c.train:,} train / {c.test:,} test){'' if c.tuned else ', not tuned'}"
    )


def _table(comparison: Comparison) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("model", no_wrap=True)
    for column in ("NDCG@10", "Recall@20", "HR@10", "cov@10", "fit s", "score s", "tune s"):
        table.add_column(column, justify="right", no_wrap=True)
    for result in comparison.results:
        e = result.evaluation
        if e is None:
            table.add_row(result.model, "skipped (see below)", *[""] * 6)
            continue
        table.add_row(
            result.model,
            f"{e.ndcg_at_10:.4f}",
            f"{e.recall_at_20:.4f}",
            f"{e.hit_rate_at_10:.4f}",
            f"{e.coverage_at_10:.3f}",
            f"{e.fit_seconds:.2f}",
            f"{e.score_seconds:.2f}",
            f"{result.tune_seconds:.1f}" if comparison.tuned else "-",
        )
    return table


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


__all__ = ["evaluate"]
