"""`tailored db ...`: schema migrations."""

from __future__ import annotations

import typer

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, reporting_errors, settings_for
from tailored.engine.migrations import schema_state, upgrade_database

app = App(help="Database schema.", no_args_is_help=True)


@app.command()
def upgrade(
    database_url: DatabaseOption = None,
    revision: str = typer.Option("head", help="target revision"),
) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    settings = settings_for(database_url, create=True)
    with reporting_errors():
        before, after = upgrade_database(settings.database_url, revision)
    console.print(
        f"schema at [bold]{after.current}[/] (was {before.current or 'empty'}) on {after.url}"
    )


@app.command()
def current(database_url: DatabaseOption = None) -> None:
    """Show the schema revision of the database and the newest one available."""
    settings = settings_for(database_url)
    with reporting_errors():
        state = schema_state(settings.database_url)
    console.print(f"current: {state.current or 'empty'}  newest: {state.newest}")
