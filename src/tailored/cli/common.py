"""Options and helpers shared by the commands."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from pydantic_core import ErrorDetails
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

from tailored.config import DEFAULT_DATABASE_URL, Settings
from tailored.domain.audit import Actor
from tailored.engine import Engine
from tailored.engine.audit import acting_as, os_user
from tailored.engine.migrations import missing_database
from tailored.errors import TailoredError

console = Console()
errors = Console(stderr=True)

PortOption = Annotated[
    int, typer.Option(envvar="TAILORED_PORT", min=1, max=65535, help="port to serve on")
]

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        "-d",
        envvar="TAILORED_DATABASE_URL",
        help="sqlite:///file.db (default ./tailored.db) or postgresql+psycopg://...",
    ),
]


def settings_for(database_url: str | None, *, create: bool = False) -> Settings:
    """The settings of a command, from `--database-url` or the environment; invalid ones
    (an unsupported URL, a bad TAILORED_* variable) end it with one line naming them.

    Only a command that may start a store (`create`) may open a SQLite file that is not
    there: connecting creates it, and an empty database made wherever a listing happened
    to run would only answer "nothing" and hide the real one.
    """
    try:
        settings = Settings(database_url=database_url) if database_url else Settings()
    except ValidationError as error:
        fail("; ".join(_setting_problem(problem) for problem in error.errors()))
    missing = None if create else missing_database(settings.database_url)
    if missing is not None:
        url = settings.database_url  # a SQLite one: no password to hide
        named = "" if url == DEFAULT_DATABASE_URL else f" -d {url}"
        fail(
            f"no database at {missing.resolve()}: create it with `tailored db "
            f"upgrade{named}`, or pass --database-url (or set TAILORED_DATABASE_URL) to use "
            "another"
        )
    return settings


def _setting_problem(problem: ErrorDetails) -> str:
    """One pydantic error as `field: message`, without pydantic's type codes and links."""
    field = ".".join(str(part) for part in problem["loc"])
    message = problem["msg"].removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


@contextmanager
def reporting_errors() -> Iterator[None]:
    """TailoredErrors (a missing driver, an unreachable database, a bad value) become a
    one-line message and exit code 1 instead of a traceback."""
    try:
        yield
    except TailoredError as error:
        fail(str(error))


@contextmanager
def open_engine(database_url: str | None, *, create: bool = False) -> Iterator[Engine]:
    """An engine for a command, errors reported on one line. Commands that add something
    new to a store (imports, a key, a template, ...) pass `create`; the others refuse a
    SQLite file that does not exist, creating nothing (see `settings_for`)."""
    settings = settings_for(database_url, create=create)
    # What a command changes is audited as the CLI's, in the name of the OS user.
    with (
        reporting_errors(),
        acting_as(Actor("cli", os_user())),
        Engine.open(settings=settings) as engine,
    ):
        yield engine


def ensure_port_free(host: str, port: int) -> None:
    """End the command in one line unless a server could listen on `host`:`port`, so that
    nothing announces a server that uvicorn then fails to start."""
    # Bound as uvicorn binds it (family from the host's spelling, SO_REUSEADDR so that a
    # port still in TIME_WAIT counts as free), and closed again at once.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                other = port + 1 if port < 65535 else port - 1
                fail(
                    f"port {port} on {host} is in use (another server is running there): "
                    f"stop it, or pick another port with --port, e.g. --port {other}"
                )
            fail(f"cannot serve on {host} port {port}: {error.strerror or error}")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `message` on one line (it may quote user input: never read as markup), exit."""
    errors.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


LABEL_WIDTH = 26  # "items customers-2024.jsonl" fits


def task_label(verb: str, name: str = "", *, width: int = LABEL_WIDTH) -> str:
    """A progress bar's label, at most `width` characters: the verb whole, and a name too
    long to fit cut in its middle (its start and its extension stay readable).

    >>> task_label("users", "customers.json")
    'users customers.json'
    >>> task_label("check", "customers-of-the-nordic-stores.csv")
    'check customers-…tores.csv'
    """
    if not name:
        return verb[:width]
    room = width - len(verb) - 1
    if len(name) > room:
        tail = (room - 1) // 2
        name = name[: room - 1 - tail] + "…" + name[len(name) - tail :]
    return f"{verb} {name}"


def progress_bar() -> Progress:
    """The one look of long work: label, bar, done/total, elapsed."""
    return Progress(
        TextColumn(f"{{task.description:<{LABEL_WIDTH}}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def advancer(progress: Progress, task: TaskID) -> Callable[[int], None]:
    """A callback that moves `task` on by n (what engine use cases accept as `progress`)."""
    return lambda n: progress.advance(task, n)
