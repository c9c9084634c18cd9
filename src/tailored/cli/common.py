"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from tailored.config import Settings
from tailored.engine import Engine
from tailored.errors import TailoredError

console = Console()
errors = Console(stderr=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        "-d",
        envvar="TAILORED_DATABASE_URL",
        help="sqlite:///file.db (default ./tailored.db) or postgresql+psycopg://...",
    ),
]


def settings_for(database_url: str | None) -> Settings:
    try:
        return Settings(database_url=database_url) if database_url else Settings()
    except ValueError as error:
        fail(str(error))
        raise


@contextmanager
def open_engine(database_url: str | None) -> Iterator[Engine]:
    """An engine for a command; TailoredErrors become a one-line message and exit code 1."""
    try:
        with Engine.open(settings=settings_for(database_url)) as engine:
            yield engine
    except TailoredError as error:
        fail(str(error))


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `message` on one line (it may quote user input: never read as markup), exit."""
    errors.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def progress_bar() -> Progress:
    """The one look of long work: label, bar, done/total, elapsed."""
    return Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def advancer(progress: Progress, task: TaskID) -> Callable[[int], None]:
    """A callback that moves `task` on by n (what engine use cases accept as `progress`)."""
    return lambda n: progress.advance(task, n)
