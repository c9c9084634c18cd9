"""`tailored users ...`: data-subject requests from a terminal (export, erasure)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, fail, open_engine
from tailored.domain.erasure import ErasureReport

app = App(help="Users: data-subject requests (export, erasure).", no_args_is_help=True)


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


@app.command()
def erase(
    user_id: Annotated[str, typer.Argument(help="the id of the person to erase")],
    allow_return: Annotated[
        bool,
        typer.Option(
            "--allow-return",
            help="do not put the id on the suppression list (take it off if erased "
            "before): the person may register again",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="print the report as JSON (as the API answers)")
    ] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Erase a person and the anonymous ids merged into them, in one transaction: print
    the rows removed per table and the models queued to be refit without them."""
    with open_engine(database_url) as engine:
        report = engine.erasure.erase(user_id, allow_return=allow_return)
    if as_json:
        print(json.dumps(_as_dict(report), indent=2))
        return
    _print(report)


def _print(report: ErasureReport) -> None:
    who = escape(report.user_id)
    if report.already_erased:
        console.print(f"{who} was erased before: nothing left")
    else:
        table = Table("table", "rows")
        for name, count in report.rows.items():
            table.add_row(name, str(count))
        console.print(table)
        console.print(f"erased {who}: {report.total} rows")
    if report.merged_ids:
        console.print("with merged ids: " + ", ".join(escape(i) for i in report.merged_ids))
    for refit in report.models:
        console.print(
            f"model {refit.model} (version {refit.version_id}) learned from {refit.events} "
            f"of their events: refit queued as training job {refit.job_id}"
        )
    state = "on the suppression list" if report.suppressed else "free to come back"
    console.print(f"{who} is {state}")


def _as_dict(report: ErasureReport) -> dict[str, object]:
    return {
        "user_id": report.user_id,
        "rows": dict(report.rows),
        "total": report.total,
        "merged_ids": list(report.merged_ids),
        "models": [
            {
                "version_id": m.version_id,
                "model": m.model,
                "events": m.events,
                "job_id": m.job_id,
                "job_status": m.job_status,
            }
            for m in report.models
        ],
        "suppressed": report.suppressed,
        "already_erased": report.already_erased,
    }
