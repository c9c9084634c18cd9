"""`tailored keys ...`: API keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, open_engine
from tailored.types import SCOPES

app = App(help="API keys (stored hashed; a key is shown once).", no_args_is_help=True)


@app.command()
def create(
    name: Annotated[str, typer.Argument(help="what the key is for, e.g. storefront")],
    scope: Annotated[
        list[str], typer.Option("--scope", "-s", help=f"repeatable: {', '.join(SCOPES)}")
    ],
    database_url: DatabaseOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print only the key")] = False,
) -> None:
    """Create a key and print it (this is the only time it is shown)."""
    with open_engine(database_url, create=True) as engine:
        new = engine.keys.create(name, scopes=scope)
    if quiet:
        print(new.secret)
        return
    console.print(f"key [bold]{new.key.id}[/] ({', '.join(new.key.scopes)}) for {name}:")
    print(new.secret)
    console.print("[dim]Store it now: only its hash is kept.[/]")


@app.command("list")
def list_keys(database_url: DatabaseOption = None) -> None:
    """List keys (ids, names, scopes, state), never the secrets."""
    with open_engine(database_url) as engine:
        keys = engine.keys.list()
    table = Table("id", "name", "scopes", "created", "state")
    for key in keys:
        state = "active" if key.active else f"revoked {key.revoked_at:%Y-%m-%d %H:%M}"
        table.add_row(
            key.id, key.name, " ".join(key.scopes), f"{key.created_at:%Y-%m-%d %H:%M}", state
        )
    console.print(table)


@app.command()
def revoke(
    key_id: Annotated[str, typer.Argument(help="the id shown by 'keys list'")],
    database_url: DatabaseOption = None,
) -> None:
    """Revoke a key: it stops working at once."""
    with open_engine(database_url) as engine:
        engine.keys.revoke(key_id)
    console.print(f"revoked {key_id}")
