"""Connections: the backend is chosen by URL; SQLite is tuned for a single-file server.

>>> db = Database("sqlite://")
>>> with db.writing() as conn:
...     _ = conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
>>> db.backend
'sqlite'
>>> db.dispose()
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

import orjson
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from tailored.errors import ConfigurationError, Unavailable

Backend = Literal["sqlite", "postgresql"]
T = TypeVar("T")
_WRITE = "tailored_write"
RETRIES = 5


class StaleRead(Exception):
    """Raised by work run with `Database.write_retrying` when what it decided on changed
    before it could lock it (another transaction committed in between): the transaction
    is rolled back, with whatever it wrote, and the work runs again."""


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _json_loads(text: str | bytes | float) -> Any:
    # orjson, not json: PostgreSQL's jsonb writes a float such as 1e300 back as 301
    # digits, which orjson reads as the float it was (integers past 64 bits never get
    # stored, see tailored.domain.json_values), where json would make a Python int that
    # no JSON answer or later write could carry.
    if isinstance(text, int | float):  # SQLite hands a JSON number stored alone as one
        return text
    return orjson.loads(text)


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite `url` names; None for a database in memory or on a server.

    >>> sqlite_file("sqlite:///shop.db"), sqlite_file("sqlite://")
    (PosixPath('shop.db'), None)
    >>> sqlite_file("postgresql+psycopg://localhost/shop") is None
    True
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or _in_memory(parsed.database):
        return None
    return Path(parsed.database or "")


def _in_memory(database: str | None) -> bool:
    return database in (None, "", ":memory:")


class Database:
    """A pool of connections with explicit read and write transactions."""

    def __init__(
        self,
        url: str,
        *,
        sqlite_synchronous: Literal["NORMAL", "FULL"] = "FULL",
        busy_timeout: float = 30.0,
    ) -> None:
        """`busy_timeout`: seconds a SQLite writer waits for another process's write."""
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise ConfigurationError(f"database_url: unsupported backend {backend!r}")
        self.backend: Backend = backend  # type: ignore[assignment]
        self.url = parsed
        self.engine = self._create(url, sqlite_synchronous, busy_timeout)
        self._open = threading.local()
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if backend == "sqlite" else contextlib.nullcontext()
        )

    def _create(self, url: str, synchronous: str, busy_timeout: float) -> SAEngine:
        if self.backend == "postgresql":
            try:
                return create_engine(
                    url,
                    json_serializer=_json_dumps,
                    json_deserializer=_json_loads,
                    # Plain executemany: psycopg prepares one statement and pipelines the
                    # rows, and reports exact row counts (insertmanyvalues builds one giant
                    # SQL text per batch that psycopg must re-parse).
                    use_insertmanyvalues=False,
                    pool_size=10,
                    max_overflow=20,
                    pool_pre_ping=True,
                )
            except ImportError:  # the driver is an optional extra
                raise ConfigurationError(
                    "database_url: PostgreSQL needs the psycopg driver, which is not "
                    "installed: pip install 'tailored[postgres]'"
                ) from None
        in_memory = _in_memory(self.url.database)
        engine = create_engine(
            url,
            json_serializer=_json_dumps,
            json_deserializer=_json_loads,
            connect_args={"check_same_thread": False, "timeout": busy_timeout},
            poolclass=StaticPool if in_memory else None,
            # Enough pooled connections for the server's threads: an overflow connection
            # is opened (with all the pragmas below) and closed again on every use.
            **({} if in_memory else {"pool_size": 16, "max_overflow": 16}),
            # pysqlite's own transaction handling is off: we emit BEGIN ourselves.
            isolation_level=None,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={round(busy_timeout * 1000)}")
            # Checkpoint every ~40 MB of WAL instead of 4 MB: event batches touch many
            # index pages, and copying them back to the database less often costs less.
            cursor.execute("PRAGMA wal_autocheckpoint=10000")
            cursor.execute(f"PRAGMA journal_size_limit={64 * 1024 * 1024}")
            # The default page cache is 2 MB; the event indexes of a busy store are larger
            # and inserts land on random pages of them. 64 MB per connection, allocated
            # only as used, and the file memory-mapped for reads.
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.execute(f"PRAGMA mmap_size={256 * 1024 * 1024}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # Writers take the write lock up front: a deferred transaction that later
            # upgrades to a writer fails with SQLITE_BUSY instead of waiting.
            write = conn.get_execution_options().get(_WRITE, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot)."""
        with (
            self._one_transaction_per_thread(),
            _transient_errors_as_unavailable(),
            self.engine.connect() as conn,
            conn.begin(),
        ):
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction, committed (and durable) when the block exits cleanly."""
        # SQLite has one writer at a time. Queueing writers of this process on a lock is
        # far faster than letting them poll the file lock (busy_timeout sleeps in steps of
        # up to 100 ms); other processes still wait through busy_timeout.
        with (
            self._one_transaction_per_thread(),
            _transient_errors_as_unavailable(),
            self._write_lock,
            self.engine.connect().execution_options(**{_WRITE: True}) as conn,
            conn.begin(),
        ):
            yield conn

    @contextmanager
    def _one_transaction_per_thread(self) -> Iterator[None]:
        """Refuse a transaction opened inside another on the same thread: it would hold a
        second pooled connection (and deadlock against the first for a write), and SQLite
        in memory, with its one connection, fails on the nested BEGIN. Services read what
        they need from other services before opening their own transaction."""
        if getattr(self._open, "transaction", False):
            raise RuntimeError(
                "a transaction was opened inside another on the same thread: read what is "
                "needed before opening it (one transaction at a time per request)"
            )
        self._open.transaction = True
        try:
            yield
        finally:
            self._open.transaction = False

    def write_retrying(self, work: Callable[[Connection], T], *, what: str) -> T:
        """`work` in a write transaction, run again in a new one (up to `RETRIES` times)
        while it raises `StaleRead`; then `Unavailable` (a 503: retry later) naming `what`.

        For writes that read first, lock what they read, and find on reading again that
        another writer changed it meanwhile: starting over is simpler and safer than
        undoing half of it (SQLite runs one writer at a time: there it never happens)."""
        for _ in range(RETRIES):
            try:
                with self.writing() as conn:
                    return work(conn)
            except StaleRead:
                continue
        raise Unavailable(f"{what}: other writers kept changing the same rows; retry")

    def dispose(self) -> None:
        self.engine.dispose()


# PostgreSQL SQLSTATE classes that say "try again": 08 connection exception, 40 transaction
# rollback (serialization failure, deadlock), 53 insufficient resources, 57 operator
# intervention (server shutting down).
_TRANSIENT_SQLSTATE = ("08", "40", "53", "57")
_TRANSIENT_SQLITE = ("database is locked", "database table is locked", "disk I/O error")


@contextmanager
def _transient_errors_as_unavailable() -> Iterator[None]:
    try:
        yield
    except DBAPIError as error:
        if not _is_transient(error):
            raise
        raise Unavailable(f"database busy or unreachable, retry: {_first_line(error)}") from error


def _is_transient(error: DBAPIError) -> bool:
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate.startswith(_TRANSIENT_SQLSTATE)
    return str(error.orig).startswith(_TRANSIENT_SQLITE)


def _first_line(error: DBAPIError) -> str:
    lines = str(error.orig).strip().splitlines()
    return lines[0][:200] if lines else ""


__all__ = ["RETRIES", "Backend", "Database", "StaleRead"]
