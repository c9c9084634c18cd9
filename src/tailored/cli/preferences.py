"""`tailored preferences ...`: the preference schema and users' choices (show, set,
answer the onboarding survey), as the REST API has them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, fail, open_engine
from tailored.domain.preferences import PreferenceSchema
from tailored.engine.preferences.inputs import read_schema_file
from tailored.errors import InvalidInput

app = App(help="Preference fields and users' choices.", no_args_is_help=True)

ValuesArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="FIELD=VALUE...",
        help="e.g. theme=dark price_range=..120 favourite_categories=coffee "
        "(repeat a field of several choices; FIELD= clears it)",
    ),
]


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


@app.command("set")
def set_values(
    user_id: Annotated[str, typer.Argument(help="whose preferences")],
    values: ValuesArgument,
    replace: Annotated[
        bool, typer.Option(help="clear the fields not given (the API's PUT)")
    ] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Set some of a user's preferences (or all of them, with --replace)."""
    with open_engine(database_url) as engine:
        parsed = _parse(values, engine.preferences.schema())
        if replace:
            stored = engine.preferences.replace(user_id, parsed, changed_by="cli")
        else:
            stored = engine.preferences.update(user_id, parsed, changed_by="cli")
    console.print_json(json.dumps(stored))


@app.command()
def answer(
    user_id: Annotated[str, typer.Argument(help="who answers")],
    values: ValuesArgument,
    database_url: DatabaseOption = None,
) -> None:
    """Store a user's answers to onboarding questions (see 'onboarding USER')."""
    with open_engine(database_url) as engine:
        parsed = _parse(values, engine.preferences.schema())
        stored = engine.preferences.answer(user_id, parsed)
    console.print_json(json.dumps(stored))


def _parse(pairs: Sequence[str], schema: PreferenceSchema) -> dict[str, Any]:
    """FIELD=VALUE pairs as the values the API takes, read by the field's kind: a number,
    yes/no, LOW..HIGH for a range (either side may be left out), the text itself for a
    choice; the pairs of a field of several choices make its list; FIELD= clears it."""
    values: dict[str, Any] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        if not equals or not name:
            fail(f"values: {pair!r} is not FIELD=VALUE")
        try:
            kind = schema.field(name).kind
        except InvalidInput as error:
            fail(str(error))
        if text == "":
            values[name] = None
        elif kind == "choices":
            values.setdefault(name, [])
            if values[name] is not None:
                values[name].append(text)
        else:
            values[name] = _value(name, kind, text)
    return values


def _value(name: str, kind: str, text: str) -> Any:
    try:
        match kind:
            case "number":
                return float(text)
            case "range":
                low, dots, high = text.partition("..")
                if not dots:
                    raise ValueError
                return {"min": float(low) if low else None, "max": float(high) if high else None}
            case "boolean":
                return {"true": True, "yes": True, "false": False, "no": False}[text.lower()]
    except (ValueError, KeyError):
        wanted = {"number": "a number", "range": "LOW..HIGH, e.g. 20..120 or ..120",
                  "boolean": "yes or no"}[kind]  # fmt: skip
        fail(f"{name}: {text!r} is not {wanted}")
    return text
