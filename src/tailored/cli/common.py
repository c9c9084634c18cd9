"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console

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


def fail(message: str, code: int = 1) -> None:
    errors.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)
