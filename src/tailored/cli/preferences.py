"""`tailored preferences ...`: the preference schema and users' choices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tailored.cli.common import DatabaseOption, console, fail, open_engine
from tailored.engine.preferences.inputs import read_schema_file
from tailored.errors import InvalidInput

app = typer.Typer(help="Preference fields and users' choices.", no_args_is_help=True)


@app.command()
def schema(database_url: DatabaseOption = None) -> None:
    """Show the fields users can set."""
    with open_engine(database_url) as engine:
        fields = engine.preferences.schema().fields
    table = Table("name", "kind", "options", "effect", "onboarding question")
    for f in fields:
        options = ", ".join(f.choices) if f.choices else f"catalog {f.attribute or ''}".strip()
        effect = f"{f.effect} {f.attribute}" if f.effect != "none" else ""
        table.add_row(f.name, f.kind, options, effect, f.question or "")
    console.print(table)


@app.command("set-schema")
def set_schema(
    path: Annotated[Path, typer.Argument(help='a JSON or TOML file: {"fields": [...]}')],
    database_url: DatabaseOption = None,
) -> None:
    """Replace the fields users can set (with the fields of a file)."""
    try:
        fields = read_schema_file(path)
    except InvalidInput as error:
        fail(error.problem)
    with open_engine(database_url, create=True) as engine:
        new = engine.preferences.set_schema(fields, changed_by="cli")
    console.print(f"the preference schema now has {len(new.fields)} fields")


@app.command()
def show(
    user_id: Annotated[str, typer.Argument(help="whose preferences")],
    database_url: DatabaseOption = None,
) -> None:
    """A user's choices and the latest changes to them."""
    with open_engine(database_url) as engine:
        values = engine.preferences.get(user_id)
        changes = engine.preferences.history(user_id, limit=20)
    console.print_json(json.dumps(values))
    table = Table("when", "field", "old", "new", "by")
    for c in changes:
        table.add_row(
            f"{c.changed_at:%Y-%m-%d %H:%M}", c.field, json.dumps(c.old), json.dumps(c.new),
            c.changed_by,
        )  # fmt: skip
    if changes:
        console.print(table)


@app.command()
def onboarding(
    user_id: Annotated[str, typer.Argument(help="who would be asked")],
    database_url: DatabaseOption = None,
) -> None:
    """The onboarding questions a user would be asked, most useful first."""
    with open_engine(database_url) as engine:
        questions = engine.preferences.onboarding(user_id)
    table = Table("field", "question", "options", "usefulness")
    for q in questions:
        table.add_row(q.field.name, q.text, ", ".join(q.options), f"{q.usefulness:.2f}")
    console.print(table)
