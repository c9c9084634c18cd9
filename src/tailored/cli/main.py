"""The `tailored` command."""

from __future__ import annotations

import os
from typing import Annotated

import typer

import tailored
from tailored.cli import (
    audit,
    configurators,
    db,
    imports,
    keys,
    lists,
    models,
    placements,
    preferences,
    reactions,
    users,
)
from tailored.cli.apps import App
from tailored.cli.common import (
    DatabaseOption,
    PortOption,
    console,
    ensure_port_free,
    reporting_errors,
    settings_for,
)
from tailored.cli.demo import demo
from tailored.cli.evaluate import evaluate
from tailored.engine.migrations import upgrade_database

app = App(
    help="tailored: self-hosted personalization and customization engine.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(db.app, name="db")
app.add_typer(keys.app, name="keys")
app.add_typer(audit.app, name="audit")
app.add_typer(imports.app, name="import")
app.add_typer(models.app, name="models")
app.add_typer(configurators.app, name="configurators")
app.add_typer(preferences.app, name="preferences")
app.add_typer(placements.app, name="placements")
app.add_typer(reactions.app, name="reactions")
app.add_typer(users.app, name="users")
app.add_typer(lists.lists_app, name="lists")
app.add_typer(lists.orders_app, name="orders")
app.add_typer(lists.notifications_app, name="notifications")
app.add_typer(users.app, name="users")


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"tailored {tailored.__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Options of `tailored` itself, before any command."""


app.command()(demo)
app.command()(models.train)
app.command()(evaluate)


@app.command()
def serve(
    database_url: DatabaseOption = None,
    host: Annotated[
        str, typer.Option(envvar="TAILORED_HOST", help="address to listen on (0.0.0.0: all)")
    ] = "127.0.0.1",
    port: PortOption = 8000,
    workers: Annotated[int, typer.Option(help="worker processes (stateless)")] = 1,
    log_level: Annotated[
        str, typer.Option(help="uvicorn's: critical, error, warning, info, debug, trace")
    ] = "info",
) -> None:
    """Serve the REST API (OpenAPI docs at /docs)."""
    import uvicorn

    settings = settings_for(database_url, create=True)
    ensure_port_free(host, port)
    # Migrate once here, so workers starting together do not race on the schema.
    with reporting_errors():
        upgrade_database(settings.database_url)
    os.environ["TAILORED_DATABASE_URL"] = settings.database_url
    console.print(f"serving on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    uvicorn.run(
        "tailored.server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
    )


def main() -> None:
    app()
