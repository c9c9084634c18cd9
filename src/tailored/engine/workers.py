"""Who runs a training job: a name per worker, and whether a named worker still lives.

A worker is named `host:pid:token`; the random token tells a restarted process that got
the same pid (pid 1 in a container, say) from its earlier life.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

# Workers of this process that are claiming or running a job (a process may hold several
# engines): a running job of this pid whose worker is not here is from an earlier life.
_busy: Counter[str] = Counter()
_busy_lock = threading.Lock()


def _host() -> str:
    return socket.gethostname()[:200]


def worker_name() -> str:
    """A new worker of this process.

    >>> name = worker_name()
    >>> name.split(":")[1] == str(os.getpid()), name != worker_name()
    (True, True)
    """
    return f"{_host()}:{os.getpid()}:{secrets.token_hex(4)}"


@contextmanager
def busy(worker: str) -> Iterator[None]:
    """Mark `worker` as claiming or running a job in this process for the block."""
    with _busy_lock:
        _busy[worker] += 1
    try:
        yield
    finally:
        with _busy_lock:
            _busy[worker] -= 1
            if not _busy[worker]:
                del _busy[worker]


def process_gone(worker: str | None) -> bool:
    """Whether `worker` surely no longer runs: it ran on this host, and its pid is ours
    but no worker here is busy under its name (an earlier life of this pid), or its pid
    belongs to no process. Workers of other hosts cannot be told: False.

    >>> process_gone(worker_name()), process_gone(f"{_host()}:{os.getpid()}:0ld")
    (True, True)
    >>> process_gone("elsewhere:1:abc"), process_gone(None)
    (False, False)
    """
    if not worker or worker.count(":") < 2:
        return False
    host, pid_text, _token = worker.rsplit(":", 2)
    if host != _host() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        with _busy_lock:
            return worker not in _busy
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, run by another user
        return False
    return False


__all__ = ["busy", "process_gone", "worker_name"]
