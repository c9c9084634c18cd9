"""`tailored demo` on a fresh directory: prepares, serves the storefront with the rest on
its port (loopback only), stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tailored import Engine
from tailored.cli.main import app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[str], *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"demo exited early:\n{process.communicate()[0]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"demo did not answer within {timeout} s:\n{process.communicate()[0]}")


def _key_in(output: str) -> str:
    found = re.search(r"admin key\s+(tk_\S+)", output)
    assert found, f"no admin key printed:\n{output}"
    return found.group(1)


def test_demo_starts_on_a_fresh_directory_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    args = ["demo", "--dir", str(tmp_path / "demo"), "--port", str(port), "--shoppers", "40"]
    process = subprocess.Popen(
        [sys.executable, "-c", "from tailored.cli.main import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        _wait_until_up(base, process)
        assert httpx.get(f"{base}/store", timeout=10).status_code == 200  # only the demo's
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    _key_in(output)
    assert f"{base}/docs" in output


def test_the_printed_key_reads_the_generated_store(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    result = CliRunner().invoke(
        app, ["demo", "--dir", str(directory), "--shoppers", "30", "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    key = _key_in(result.output)

    with Engine.open(f"sqlite:///{directory / 'demo.db'}") as engine:
        assert engine.keys.authenticate(key).scopes == ("admin",)
        assert engine.items.count() > 250
        activity = engine.users.get("shopper-001").activity
        assert activity is not None and activity.events_total > 0


def test_a_second_run_reuses_the_store_and_revokes_the_old_key(tmp_path: Path) -> None:
    args = ["demo", "--dir", str(tmp_path), "--shoppers", "10", "--no-serve"]
    first = CliRunner().invoke(app, args)
    second = CliRunner().invoke(app, args)
    assert "reusing the demo store" in second.output
    old, new = (_key_in(result.output) for result in (first, second))
    with Engine.open(f"sqlite:///{tmp_path / 'demo.db'}") as engine:
        assert engine.keys.authenticate(new)
        assert old != new
        active = [key for key in engine.keys.list() if key.active and key.name == "demo-admin"]
        assert len(active) == 1

    reset = CliRunner().invoke(app, [*args, "--reset"])
    assert reset.exit_code == 0 and "reusing" not in reset.output


def test_every_file_of_the_demo_lives_in_its_directory_and_reset_removes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    directory = tmp_path / "demo"
    args = ["demo", "--dir", "demo", "--shoppers", "10", "--no-serve"]

    def artifacts() -> list[Path]:
        with Engine.open(f"sqlite:///{directory / 'demo.db'}") as engine:
            return [Path(version.artifact) for version in engine.training.versions()]

    assert CliRunner().invoke(app, args).exit_code == 0
    first = artifacts()
    assert first and all(path.is_relative_to(directory) and path.exists() for path in first)
    assert [path.name for path in tmp_path.iterdir()] == ["demo"]  # nothing beside it

    assert CliRunner().invoke(app, [*args, "--reset"]).exit_code == 0
    assert not any(path.exists() for path in first)  # the old models went with the store
    assert all(path.is_relative_to(directory) for path in artifacts())
    assert [path.name for path in tmp_path.iterdir()] == ["demo"]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "shop.example.com"])
def test_the_demo_refuses_to_serve_beyond_this_machine(tmp_path: Path, host: str) -> None:
    directory = tmp_path / "demo"
    args = ["demo", "--dir", str(directory), "--host", host, "--shoppers", "10", "--no-serve"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert f"--host {host}" in lines[0] and "loopback" in lines[0]
    assert "tailored serve" in lines[0]
    assert not directory.exists()  # refused before anything was made


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_the_demo_accepts_a_loopback_host(tmp_path: Path, host: str) -> None:
    args = ["demo", "--dir", str(tmp_path), "--host", host, "--shoppers", "10", "--no-serve"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
