"""A database that cannot do the work right now raises `Unavailable` (HTTP 503, retry),
not a driver error that would surface as a 500."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from tailored.errors import Unavailable
from tailored.server.errors import error_for
from tailored.storage.database import Database
from tailored.testing.databases import fresh_database, require_postgres


@contextmanager
def _two_rows(backend: str, directory: Path) -> Iterator[Database]:
    if backend == "postgresql":
        require_postgres()
    with fresh_database(backend, directory) as url:
        database = Database(url, busy_timeout=0.2)
        with database.writing() as conn:
            conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1, 0), (2, 0)"))
        try:
            yield database
        finally:
            database.dispose()


@contextmanager
def _sqlite_held_by_another_process(db: Database) -> Iterator[None]:
    other = sqlite3.connect(str(db.url.database), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_sqlite_writer_blocked_past_the_busy_timeout_is_unavailable(tmp_path: Path) -> None:
    with _two_rows("sqlite", tmp_path) as db:
        with (
            _sqlite_held_by_another_process(db),
            pytest.raises(Unavailable, match="locked"),
            db.writing() as conn,
        ):
            conn.execute(text("UPDATE t SET v = 1"))
        with db.reading() as conn:  # the failed transaction left nothing behind
            assert conn.execute(text("SELECT sum(v) FROM t")).scalar_one() == 0


def test_postgres_deadlock_victim_is_unavailable_and_the_other_commits(tmp_path: Path) -> None:
    # Row-lock deadlocks need concurrent writers: SQLite has one at a time.
    with _two_rows("postgresql", tmp_path) as db:
        _deadlock(db)


def _deadlock(db: Database) -> None:
    both_hold_one_row = threading.Barrier(2, timeout=10)
    outcomes: dict[int, object] = {}

    def writer(first: int, second: int) -> None:
        try:
            with db.writing() as conn:
                conn.execute(text("UPDATE t SET v = v + 1 WHERE id = :id"), {"id": first})
                both_hold_one_row.wait()
                conn.execute(text("UPDATE t SET v = v + 1 WHERE id = :id"), {"id": second})
            outcomes[first] = "committed"
        except Exception as error:
            outcomes[first] = error

    threads = [threading.Thread(target=writer, args=order) for order in ((1, 2), (2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(o).__name__ for o in outcomes.values()) == ["Unavailable", "str"]
    victim = next(o for o in outcomes.values() if isinstance(o, Unavailable))
    assert "deadlock" in str(victim)
    with db.reading() as conn:
        assert conn.execute(text("SELECT sum(v) FROM t")).scalar_one() == 2


def test_unavailable_is_http_503_with_retry_after() -> None:
    response = error_for(Unavailable("database busy or unreachable, retry: database is locked"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.body.startswith(b'{"error":{"code":"unavailable"')
