"""`tailored audit ...`: read the audit log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, open_engine

app = App(help="The audit log: who changed what, when, from where.", no_args_is_help=True)


@app.command("list")
def list_entries(
    action: Annotated[
        str | None, typer.Option(help="only this action, e.g. model.activate")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="only this actor: an API key id or an OS user")
    ] = None,
    target: Annotated[
        str | None, typer.Option(help="only this target, e.g. a key id or user id")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(help="from this UTC moment on, e.g. 2026-12-01")
    ] = None,
    until: Annotated[datetime | None, typer.Option(help="before this UTC moment")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="at most this many")] = 50,
    as_json: Annotated[
        bool, typer.Option("--json", help="one JSON object per line instead of a table")
    ] = False,
    database_url: DatabaseOption = None,
) -> None:
    """List entries, newest first."""
    with open_engine(database_url) as engine:
        page = engine.audit.list(
            action=action,
            actor=actor,
            target=target,
            since=_utc(since),
            until=_utc(until),
            limit=limit,
        )
    if as_json:
        for entry in page.items:
            row = {
                "seq": entry.seq,
                "at": entry.at.isoformat(),
                "actor_kind": entry.actor.kind,
                "actor": entry.actor.id,
                "client_ip": entry.actor.ip,
                "action": entry.action,
                "target": entry.target,
                "detail": entry.detail,
            }
            print(json.dumps(row))
        return
    table = Table("#", "when (UTC)", "who", "from", "action", "target", "detail")
    for entry in page.items:
        table.add_row(
            str(entry.seq),
            f"{entry.at:%Y-%m-%d %H:%M:%S}",
            escape(entry.actor.label),
            escape(entry.actor.ip or ""),
            escape(entry.action),
            escape(entry.target),
            escape(json.dumps(entry.detail)),
        )
    console.print(table)


def _utc(moment: datetime | None) -> datetime | None:
    """Typer reads dates without a zone: they are UTC."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment
