"""Fresh databases for tests and benchmarks, on SQLite and on PostgreSQL.

PostgreSQL comes from TAILORED_TEST_POSTGRES_URL (default: the local server, database
`test`); each fresh database is a new schema, dropped on exit. `require_postgres` skips a
test when the server cannot be reached, except when TAILORED_REQUIRE_POSTGRES is set (to
anything but "" or "0"; `.ci/run` sets it), where it fails: CI must never pass without
having run the PostgreSQL half. A variable of our own, not `CI`, whose spellings vary
(`CI=1`, `CI=yes`) between CI systems.

`durable=False` gives a PostgreSQL schema whose commits do not wait for the WAL to reach
the disk (`synchronous_commit=off`): for tests, whose subject is not surviving a crash of
the database server. SQLite's fsync policy is an engine setting instead
(`TAILORED_SQLITE_SYNCHRONOUS`).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server for tests cannot be reached."""


def postgres_base_url() -> str:
    return os.environ.get("TAILORED_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


def check_postgres() -> str:
    """The server URL, or `PostgresUnavailable` saying why it cannot be reached."""
    url = postgres_base_url()
    try:
        probe = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with probe.connect():
            pass
        probe.dispose()
    except Exception as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PostgresUnavailable(f"PostgreSQL not reachable at {url}: {first_line}") from None
    return url


REQUIRE_POSTGRES = "TAILORED_REQUIRE_POSTGRES"


def postgres_required() -> bool:
    """Whether a missing PostgreSQL must fail the tests instead of skipping them."""
    return os.environ.get(REQUIRE_POSTGRES, "").strip() not in ("", "0")


def require_postgres() -> str:
    """For tests: the server URL, else skip (or fail, when required) with the reason."""
    import pytest

    try:
        return check_postgres()
    except PostgresUnavailable as error:
        if postgres_required():
            pytest.fail(f"{error} ({REQUIRE_POSTGRES} is set: PostgreSQL tests must run)",
                        pytrace=False)  # fmt: skip
        pytest.skip(str(error))
    raise AssertionError("unreachable")


@contextmanager
def postgres_schema(base_url: str | None = None, *, durable: bool = True) -> Iterator[str]:
    """A fresh, empty schema on the server; yields a URL whose search_path points at it
    (and, unless `durable`, that turns synchronous_commit off)."""
    base = base_url or postgres_base_url()
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    separator = "&" if "?" in base else "?"
    options = f"-csearch_path%3D{name}" + ("" if durable else "%20-csynchronous_commit%3Doff")
    try:
        yield f"{base}{separator}options={options}"
    finally:
        _drop_schema(admin, name)
        admin.dispose()


def _drop_schema(admin: sa.Engine, name: str, *, attempts: int = 5) -> None:
    # A server process whose client just disconnected may still be dropping its
    # temporary tables (ingestion COPYs through one shaped LIKE the events table): the
    # DROP can deadlock with that cleanup. Retried, it finds the cleanup done.
    for attempt in range(attempts):
        try:
            with admin.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
            return
        except sa.exc.OperationalError:
            if attempt + 1 == attempts:
                raise
            time.sleep(0.2 * (attempt + 1))


@contextmanager
def fresh_database(backend: str, directory: Path, *, durable: bool = True) -> Iterator[str]:
    """An empty database (not migrated) on `backend`; SQLite files go in `directory`."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / f'{uuid.uuid4().hex[:8]}.db'}"
    elif backend == "postgresql":
        with postgres_schema(durable=durable) as url:
            yield url
    else:
        raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
