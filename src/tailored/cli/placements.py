"""`tailored placements ...`: how each slot ranks, with versions and rollback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, errors, fail, open_engine
from tailored.domain.placements.document import strategy_to_dict
from tailored.domain.placements.placement import Placement
from tailored.domain.placements.strategy import Strategy
from tailored.engine import Engine

app = App(
    help="Placements: the ranking strategy of each slot (home, item_page, ...), versioned.",
    no_args_is_help=True,
)

PlacementArgument = Annotated[str, typer.Argument(metavar="ID", help="e.g. home")]


@app.command("list")
def list_placements(database_url: DatabaseOption = None) -> None:
    """Every placement with a strategy in force: stored ones and those of the settings."""
    with open_engine(database_url) as engine:
        found = engine.placements.list()
    if not found:
        console.print("no placement yet: every list is ranked the built-in way")
        console.print("[dim]try: tailored placements set home.json[/]")
        return
    table = Table("id", "in force", "newest", "strategy", "description")
    for p in found:
        in_force = f"version {p.version}" if p.version is not None else "settings"
        newest = str(p.latest_version) if p.latest_version is not None else ""
        table.add_row(escape(p.id), in_force, newest, _summary(p.strategy), escape(p.description))
    console.print(table)


@app.command()
def show(
    placement_id: PlacementArgument,
    version: Annotated[int | None, typer.Option(help="default: the one in force")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """A placement's strategy as JSON on stdout (what 'set' reads: save it, change it,
    set it), which version it is on stderr."""
    with open_engine(database_url) as engine:
        if version is None:
            placement = engine.placements.get(placement_id)
            strategy, description = placement.strategy, placement.description
            errors.print(f"{escape(placement.id)}: {_where(placement)}", highlight=False)
        else:
            chosen = [v for v in engine.placements.history(placement_id) if v.version == version]
            if not chosen:
                fail(f"placement {placement_id!r} has no version {version}")
            strategy, description = chosen[0].strategy, chosen[0].description
            state = "in force" if chosen[0].active else "not in force"
            errors.print(f"{escape(placement_id)}: version {version} ({state})", highlight=False)
    document = {"id": placement_id, "description": description}
    console.print_json(json.dumps({**document, "strategy": strategy_to_dict(strategy)}))


@app.command("set")
def set_placement(
    file: Annotated[
        Path,
        typer.Argument(
            help='{"id": ..., "description": ..., "strategy": {...}} as JSON',
            exists=True,
            dir_okay=False,
        ),
    ],
    placement_id: Annotated[
        str | None, typer.Option("--id", help="the placement, when the file names none")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Store a placement's strategy as a new version and put it in force."""
    try:
        document: Any = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError) as error:
        fail(f"{file}: not a JSON document ({error})")
    with open_engine(database_url, create=True) as engine:
        placement = engine.placements.set(document, placement_id=placement_id)
        idle = _idle_model(engine, placement)
    console.print(f"{escape(placement.id)}: {_where(placement)}", highlight=False)
    if idle:
        console.print(
            f"[yellow]note:[/] {idle!r} has no active version yet: until one is trained "
            f"('tailored train -m {idle}'), this placement's lists are what is popular"
        )


@app.command()
def history(placement_id: PlacementArgument, database_url: DatabaseOption = None) -> None:
    """Every stored version of a placement, newest first."""
    with open_engine(database_url) as engine:
        versions = engine.placements.history(placement_id)
    if not versions:
        console.print(f"{escape(placement_id)} is not stored: it comes from the settings")
        return
    table = Table("version", "in force", "created", "strategy", "description")
    for v in versions:
        table.add_row(
            str(v.version),
            "yes" if v.active else "",
            v.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            _summary(v.strategy),
            escape(v.description),
        )
    console.print(table)


@app.command()
def rollback(
    placement_id: PlacementArgument,
    to: Annotated[
        int | None, typer.Option("--to", help="default: the version before the one in force")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Put an older version back in force (any version: also forward again)."""
    with open_engine(database_url) as engine:
        if to is None:
            placement = engine.placements.get(placement_id)
            if placement.version is None or placement.version <= 1:
                fail(f"{placement_id} has no version before the one in force: give --to")
            to = placement.version - 1
        placement = engine.placements.activate(placement_id, to)
    console.print(f"{escape(placement.id)}: {_where(placement)}", highlight=False)


def _where(placement: Placement) -> str:
    if placement.version is None:
        return "from the settings (TAILORED_PLACEMENTS), not stored"
    newest = f" of {placement.latest_version}" if placement.rolled_back else ""
    return f"version {placement.version}{newest} in force"


def _summary(strategy: Strategy) -> str:
    """The settings that differ from the built-in strategy, in a few words."""
    parts = []
    if strategy.candidates.model:
        parts.append(f"model {strategy.candidates.model}")
    if not strategy.filters.catalog.is_empty:
        parts.append("own filters")
    if not strategy.filters.exclude_seen:
        parts.append("shows seen")
    if not strategy.filters.exclude_purchased:
        parts.append("shows bought")
    if strategy.boosts.rules:
        parts.append(f"{len(strategy.boosts.rules)} boost(s)")
    if strategy.boosts.preference_weight != 1.0:
        parts.append(f"preferences x{strategy.boosts.preference_weight:g}")
    if strategy.diversity.strength:
        parts.append(f"diversity {strategy.diversity.strength:g}")
    if strategy.top_n.limit is not None:
        parts.append(f"at most {strategy.top_n.limit}")
    return escape(", ".join(parts) or "built-in")


def _idle_model(engine: Engine, placement: Placement) -> str | None:
    model = placement.strategy.candidates.model
    return model if model is not None and engine.training.active(model) is None else None


__all__ = ["app"]
