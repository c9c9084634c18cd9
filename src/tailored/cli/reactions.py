"""`tailored reactions ...`: the consumers that react to events and item changes (alerts,
and what comes next), how far behind they are, and what they set aside."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, open_engine

app = App(
    help="Reactions: consumers of the event log and item changes (alerts, ...).",
    no_args_is_help=True,
)

ConsumerArgument = Annotated[str, typer.Argument(metavar="CONSUMER", help="e.g. alerts")]


@app.command()
def status(database_url: DatabaseOption = None) -> None:
    """Each consumer: where it stands, how many records it has yet to handle, failures."""
    with open_engine(database_url) as engine:
        found = engine.reactions.status()
    table = Table("consumer", "stream", "behind", "failures", "dead letters", "last error")
    for s in found:
        failing = f"{s.failures} (retry at {s.retry_at:%H:%M:%S})" if s.retry_at else "0"
        table.add_row(
            escape(s.name),
            s.stream,
            str(s.behind),
            failing,
            str(s.dead_letters),
            escape(s.last_error or ""),
        )
    console.print(table)


@app.command()
def run(
    database_url: DatabaseOption = None,
    settle: Annotated[
        float, typer.Option(help="seconds to wait for transactions still writing")
    ] = 30.0,
) -> None:
    """Catch every consumer up now (a server's background runner does this on its own;
    run it from cron where no server runs)."""
    with open_engine(database_url) as engine:
        done = engine.reactions.run(settle_seconds=settle)
    for name, count in done.items():
        console.print(f"{escape(name)}: {count} record{'s' if count != 1 else ''}")


@app.command("dead-letters")
def dead_letters(
    consumer: Annotated[
        str | None, typer.Argument(metavar="[CONSUMER]", help="default: every consumer")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Records a consumer failed on too often and set aside."""
    with open_engine(database_url) as engine:
        names = [consumer] if consumer is not None else engine.reactions.consumers
        found = [d for name in names for d in engine.reactions.dead_letters(name)]
    if not found:
        console.print("no dead letters")
        return
    table = Table("consumer", "stream", "position", "attempts", "failed at", "error")
    for letter in found:
        table.add_row(
            escape(letter.consumer),
            letter.stream,
            f"{letter.position.txid}/{letter.position.seq}",
            str(letter.attempts),
            f"{letter.failed_at:%Y-%m-%d %H:%M:%S}",
            escape(letter.error),
        )
    console.print(table)


@app.command()
def retry(consumer: ConsumerArgument, database_url: DatabaseOption = None) -> None:
    """Hand a consumer its dead letters again; those it handles now are deleted."""
    with open_engine(database_url) as engine:
        handled, failing = engine.reactions.retry(consumer)
    console.print(f"{escape(consumer)}: {handled} handled, {failing} still failing")
