"""`tailored serve` (and `tailored demo`) on a port another server holds: one line that
says so and how to choose another, before announcing or creating anything."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tailored.cli.main import app


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 another server listens on, for as long as the test runs."""
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def _says_port_in_use(result: Result, port: int) -> None:
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert f"port {port} on 127.0.0.1 is in use" in lines[0], lines[0]
    assert "--port" in lines[0], lines[0]


def test_serve_on_a_busy_port_says_so_before_announcing_anything(
    busy_port: int, tmp_path: Path
) -> None:
    database = tmp_path / "shop.db"
    result = _run("serve", "--port", str(busy_port), "-d", f"sqlite:///{database}")
    _says_port_in_use(result, busy_port)
    assert "serving on" not in result.output
    assert not database.exists()


def test_demo_on_a_busy_port_says_so_before_preparing_the_store(
    busy_port: int, tmp_path: Path
) -> None:
    directory = tmp_path / "demo"
    result = _run("demo", "--dir", str(directory), "--port", str(busy_port))
    _says_port_in_use(result, busy_port)
    assert not directory.exists()
