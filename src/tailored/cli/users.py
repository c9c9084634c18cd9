"""`tailored users ...`: data-subject requests from a terminal (erasure)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, open_engine
from tailored.domain.erasure import ErasureReport

app = App(help="Users: data-subject requests (erasure).", no_args_is_help=True)


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
