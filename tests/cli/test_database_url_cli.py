"""Which database a command opens, and what it says when it cannot: an unsupported URL,
the PostgreSQL driver not installed, a SQLite file that is not there. Always one line
that says what to do, never a traceback, and nothing created by a command that reads."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app

# Commands that only read, or change what is stored: they need a store that exists.
READERS = (
    ["keys", "list"],
    ["keys", "revoke", "k-1"],
    ["models", "list"],
    ["models", "activate", "1"],
    ["train"],
    ["placements", "list"],
    ["placements", "show", "home"],
    ["reactions", "status"],
    ["configurators", "list"],
    ["preferences", "schema"],
    ["lists", "show", "ann"],
    ["orders", "list", "ann"],
    ["notifications", "outbox"],
    ["db", "current"],
)


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def _one_line_error(result: Result) -> str:
    """The message of a command that failed as users should see it: exit code 1, one
    line, no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: "), result.output
    return lines[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, with no database named by the environment."""
    monkeypatch.delenv("TAILORED_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "url", ["mysql://shop:s3cret@db/shop", "postgresql+psycopg2://shop@db/shop", "shop.db"]
)
def test_an_unsupported_url_names_the_supported_ones(url: str, workdir: Path) -> None:
    port = str(_free_port())
    for command in (["keys", "list"], ["db", "upgrade"], ["serve", "--port", port]):
        line = _one_line_error(_run(*command, "-d", url))
        assert "database_url" in line and "is not supported" in line, line
        assert "sqlite:///" in line and "postgresql+psycopg://" in line, line
        assert "s3cret" not in line  # a URL may hold a password: never echoed
    assert list(workdir.iterdir()) == []


def test_without_the_postgres_driver_commands_say_how_to_install_it(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails
    url = "postgresql://postgres@127.0.0.1:5432/test"
    port = str(_free_port())
    commands = (["keys", "list"], ["keys", "create", "a", "-s", "admin"], ["db", "upgrade"])
    for command in (*commands, ["db", "current"], ["serve", "--port", port]):
        line = _one_line_error(_run(*command, "-d", url))
        assert "psycopg" in line and "pip install 'tailored[postgres]'" in line, line


def test_read_only_commands_on_a_missing_sqlite_file_create_nothing(workdir: Path) -> None:
    for command in READERS:
        line = _one_line_error(_run(*command))
        assert f"no database at {workdir / 'tailored.db'}" in line, line
        assert "`tailored db upgrade`" in line and "--database-url" in line, line
    assert list(workdir.iterdir()) == []

    elsewhere = workdir / "shop" / "shop.db"
    line = _one_line_error(_run("keys", "list", "-d", f"sqlite:///{elsewhere}"))
    assert f"`tailored db upgrade -d sqlite:///{elsewhere}`" in line, line  # names that one
    assert list(workdir.iterdir()) == []


def test_commands_that_start_a_store_create_the_file_and_readers_then_use_it(
    workdir: Path,
) -> None:
    created = _run("keys", "create", "storefront", "-s", "serve", "-q")
    assert created.exit_code == 0, created.output
    assert (workdir / "tailored.db").exists()  # the default, in the working directory
    listed = _run("keys", "list")
    assert listed.exit_code == 0 and "storefront" in listed.output, listed.output

    other = workdir / "other.db"
    upgraded = _run("db", "upgrade", "-d", f"sqlite:///{other}")
    assert upgraded.exit_code == 0 and other.exists(), upgraded.output
    assert _run("models", "list", "-d", f"sqlite:///{other}").exit_code == 0


def test_readers_open_an_existing_store_on_every_backend(fresh_url: str) -> None:
    with Engine.open(fresh_url) as engine:
        engine.keys.create("storefront", scopes=["serve"])
    for command in (["keys", "list"], ["db", "current"], ["reactions", "status"]):
        result = _run(*command, "-d", fresh_url)
        assert result.exit_code == 0, (command, result.output)
    assert "storefront" in _run("keys", "list", "-d", fresh_url).output
