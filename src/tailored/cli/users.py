"""`tailored users ...`: requests of a person about their data (an export)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, fail, open_engine

app = App(help="What is stored about a person: export it.", no_args_is_help=True)


@app.command("export")
def export(
    user_id: Annotated[str, typer.Argument(help="the person's user id")],
    format: Annotated[
        Literal["json", "zip"],
        typer.Option("--format", "-f", help="json, or zip: one CSV file per kind of data"),
    ] = "json",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="the file to write (default: standard output)"),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Everything stored about a person (GDPR Art. 15 and 20), written as it is read."""
    if output is None and format == "zip" and sys.stdout.isatty():
        fail("output: a zip is not for a terminal; give -o FILE (e.g. -o export.zip)")
    with open_engine(database_url) as engine:
        made = engine.privacy.export(user_id, format=format)
        if output is None:
            for piece in made.pieces:
                sys.stdout.buffer.write(piece)
            sys.stdout.buffer.flush()
            return
        written = 0
        with output.open("wb") as file:
            for piece in made.pieces:
                written += file.write(piece)
    console.print(f"wrote {output} ({written} bytes, {format}) for {user_id}")
