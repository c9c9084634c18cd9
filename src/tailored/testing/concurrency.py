"""Races on purpose, for tests: many calls released at one moment (`at_once`), or one
write slipped in at an exact point of another transaction (`meanwhile`).

A race shows only when writers overlap. `at_once` makes them start together; some races
have a window too narrow to hit that way (between two statements of one transaction),
and `meanwhile` opens it every time: it runs the competing write right there, so a test
fails whenever the code lets the two interleave.

>>> at_once(3, lambda n: n * n)
[0, 1, 4]
>>> from tailored.errors import NotFound
>>> def find(n: int) -> str:
...     if n:
...         raise NotFound("user", f"u{n}")
...     return "found"
>>> [type(outcome).__name__ for outcome in at_once(2, find)]
['str', 'NotFound']
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event

from tailored.errors import TailoredError
from tailored.storage.database import Database

T = TypeVar("T")


def at_once(count: int, work: Callable[[int], T]) -> list[T | TailoredError]:
    """`work(0)` ... `work(count - 1)`, each in its own thread, started together.

    Returns each call's result in order, or the `TailoredError` it raised (an answer a
    client gets, such as `Conflict`); any other exception (a server error) propagates.
    """
    barrier = threading.Barrier(count)

    def run(n: int) -> T | TailoredError:
        barrier.wait()
        try:
            return work(n)
        except TailoredError as error:
            return error

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


@contextmanager
def meanwhile(
    db: Database,
    after: Callable[[str, Any], bool],
    work: Callable[[], object],
    *,
    grace: float = 0.5,
) -> Iterator[list[object]]:
    """Inside the block, right after the first statement for which `after(sql,
    parameters)` is true has run, `work()` runs in another thread, and the transaction
    that ran the statement goes on once `work` is done, or after `grace` seconds if it
    is still waiting (for a lock that transaction holds: what a lock is for). On leaving
    the block `work` has finished; the list yielded holds its result or exception.

    >>> import tempfile
    >>> from tailored import Engine
    >>> folder = tempfile.mkdtemp()  # a file: the in-memory database has one connection
    >>> engine = Engine.open(f"sqlite:///{folder}/doc.db")
    >>> _ = engine.users.upsert("u1", {"a": 1})
    >>> def read_traits(sql: str, _parameters: object) -> bool:
    ...     return sql.lstrip().startswith("SELECT users.id, users.traits")
    >>> with meanwhile(engine.db, read_traits, lambda: engine.users.count()) as seen:
    ...     _ = engine.users.get("u1")
    >>> seen
    [1]
    >>> engine.close()
    """
    outcome: list[object] = []
    fired = threading.Lock()
    workers: list[threading.Thread] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as error:
            outcome.append(error)

    def hook(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_rest: Any) -> None:
        if workers or not after(sql, parameters) or not fired.acquire(blocking=False):
            return
        worker = threading.Thread(target=run, name="tailored-meanwhile", daemon=True)
        workers.append(worker)
        worker.start()
        worker.join(grace)

    event.listen(db.engine, "after_cursor_execute", hook)
    try:
        yield outcome
    finally:
        event.remove(db.engine, "after_cursor_execute", hook)
        for worker in workers:
            worker.join(30)


__all__ = ["at_once", "meanwhile"]
