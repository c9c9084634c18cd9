"""`tailored serve` as a real subprocess, for tests and benchmarks that need one.

An in-process `TestClient` cannot show what happens when the server dies: crash tests
must SIGKILL a real process, and benchmarks should measure the real HTTP stack. This
module starts the server exactly as an operator would (the `serve` command, the database
chosen by ``TAILORED_DATABASE_URL``), on a free port, and waits until it answers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from tailored.engine import Engine

# `tailored.cli.main` has no `__main__` block, and the `tailored` console script may not
# sit next to `sys.executable` (e.g. when run from a checkout): call the entry point.
_ENTRY = "from tailored.cli.main import main; main()"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the OS picks it, so parallel runs differ)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def create_admin_key(database_url: str, *, name: str = "tests") -> str:
    """A new admin API key's secret for `database_url` (migrating the schema first).

    Created in this process, so a test holds a key before the server starts, as an
    operator would with `tailored keys create`.
    """
    with Engine.open(database_url) as engine:
        return engine.keys.create(name, scopes=["admin"]).secret


class ServerProcess:
    """`tailored serve` on `database_url` in a child process; a context manager.

    `start` returns once GET /healthz answers; `kill` is a crash (SIGKILL), `stop` a
    clean shutdown (SIGTERM, then wait). The server's output goes to a log file whose
    tail is quoted in every error, so a server that fails to start says why.

    >>> import httpx, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     with ServerProcess(f"sqlite:///{directory}/doc.db") as server:
    ...         print(httpx.get(f"{server.base_url}/healthz").json()["status"])
    ok
    """

    def __init__(
        self,
        database_url: str,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        workers: int = 1,
        log_level: str = "warning",
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 60.0,
        log_path: Path | None = None,
        demo_dir: Path | None = None,
    ) -> None:
        self.database_url = database_url
        self.demo_dir = demo_dir
        self.host = host
        self.port = port
        self.workers = workers
        self.log_level = log_level
        self.env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._own_log = False

    @classmethod
    def demo(cls, directory: Path, **options: Any) -> ServerProcess:
        """`tailored demo --dir directory` instead of `serve`: the one server with the
        storefront (on loopback; `host` must be one). The demo is generated first unless
        the directory holds one already; `workers` and `log_level` do not apply."""
        return cls(f"sqlite:///{directory / 'demo.db'}", demo_dir=directory, **options)

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        if self.port is None:
            raise RuntimeError("the server has no port yet: call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        return self._running().pid

    @property
    def returncode(self) -> int | None:
        """None while running; the exit status after (negative: killed by that signal)."""
        return None if self._process is None else self._process.poll()

    def start(self) -> ServerProcess:
        """Launch the server and wait until /healthz answers, or raise with its output."""
        if self._process is not None and self._process.poll() is None:
            raise RuntimeError(f"the server is already running (pid {self._process.pid})")
        if self.port is None:
            self.port = free_port(self.host)
        if self.log_path is None:
            handle, name = tempfile.mkstemp(prefix="tailored-serve-", suffix=".log")
            os.close(handle)
            self.log_path, self._own_log = Path(name), True
        command = [sys.executable, "-c", _ENTRY, *self._arguments()]
        env = {
            **os.environ,
            **self.env,
            "TAILORED_DATABASE_URL": self.database_url,
            "PYTHONUNBUFFERED": "1",
        }
        # Append mode: the child writes at the end while `output` reads from the start.
        with self.log_path.open("ab") as log:
            # A session of its own, so `kill` reaches uvicorn's worker processes too.
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        self._wait_until_healthy()
        return self

    def _arguments(self) -> list[str]:
        where = ["--host", self.host, "--port", str(self.port)]
        if self.demo_dir is not None:
            return ["demo", "--dir", str(self.demo_dir), *where]
        options = ["--workers", str(self.workers), "--log-level", self.log_level]
        return ["serve", *where, *options]

    def kill(self) -> int:
        """Crash the server: SIGKILL to its whole process group, no chance to clean up."""
        process = self._running()
        self._signal(signal.SIGKILL)
        return process.wait()

    def stop(self, timeout: float = 15.0) -> int:
        """Shut down cleanly (SIGTERM, then wait); SIGKILL if it takes over `timeout` s.

        Returns the exit status: uvicorn re-raises the signal after its clean shutdown,
        so expect -SIGTERM rather than 0.
        """
        process = self._running()
        if process.poll() is not None:
            return process.returncode
        self._signal(signal.SIGTERM)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            return self.kill()

    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr, interleaved)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def close(self) -> None:
        """Stop the server if it still runs and delete the log file this object created."""
        if self._process is not None and self._process.poll() is None:
            self.stop()
        if self._own_log and self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
            self.log_path, self._own_log = None, False

    def __enter__(self) -> ServerProcess:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            raise RuntimeError("the server was never started: call start() first")
        return self._process

    def _signal(self, number: signal.Signals) -> None:
        process = self._running()
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):  # it died since poll()
            os.killpg(process.pid, number)  # the group start() created (pgid == pid)

    def _wait_until_healthy(self) -> None:
        process = self._running()
        deadline = time.monotonic() + self.startup_timeout
        last_error = "no answer yet"
        with httpx.Client(timeout=2.0) as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"tailored serve exited with status {process.returncode} before "
                        f"answering on {self.base_url}:\n{self._tail()}"
                    )
                try:
                    response = client.get(f"{self.base_url}/healthz")
                    if response.status_code == 200:
                        return
                    last_error = f"status {response.status_code}: {response.text[:200]}"
                except httpx.TransportError as error:
                    last_error = f"{type(error).__name__}: {error}"
                if time.monotonic() > deadline:
                    self._signal(signal.SIGKILL)
                    process.wait()
                    raise TimeoutError(
                        f"tailored serve did not answer GET {self.base_url}/healthz within "
                        f"{self.startup_timeout:g} s (last: {last_error}):\n{self._tail()}"
                    )
                time.sleep(0.05)

    def _tail(self, lines: int = 40) -> str:
        text = self.output().rstrip()
        return "\n".join(text.splitlines()[-lines:]) if text else "(the server printed nothing)"


__all__ = ["ServerProcess", "create_admin_key", "free_port"]
