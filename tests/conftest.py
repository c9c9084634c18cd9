"""Shared fixtures: every engine/API test runs on SQLite and on PostgreSQL.

See `tailored.testing.databases` for where PostgreSQL comes from; without a reachable
server its tests are skipped with the reason, except under TAILORED_REQUIRE_POSTGRES=1
(set by `.ci/run`), where they fail.
`pytest --backend sqlite` runs only the SQLite half.

Commits do not wait for the disk (SQLite `synchronous=NORMAL`, PostgreSQL
`synchronous_commit=off`): what these tests check does not depend on surviving a power
cut, and an fsync per commit is most of what a small write costs. Tests whose subject is
crash safety are marked `durable` and run on the real defaults.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tailored import Engine
from tailored.config import Settings
from tailored.server import create_app
from tailored.storage.tables import metadata
from tailored.testing.databases import BACKENDS, fresh_database, require_postgres


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        action="append",
        choices=BACKENDS,
        help="run engine tests on this backend only (repeatable)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("backend") or list(BACKENDS)
        metafunc.parametrize("backend", chosen, scope="session")


# pytest-xdist starts its workers with COLUMNS=80 and LINES=24: Rich would fix the CLI's
# console at 80 columns when it is first imported, whatever width a test then asks for.
for _size in ("COLUMNS", "LINES"):
    os.environ.pop(_size, None)

SQLITE_SYNCHRONOUS = "TAILORED_SQLITE_SYNCHRONOUS"


@pytest.fixture(scope="session", autouse=True)
def _test_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """SQLite without an fsync per commit, and model files in this session's temporary
    folder (not ./tailored-models, which parallel workers would share). Through the
    environment, so that engines the tests open and servers they start all take them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SQLITE_SYNCHRONOUS, "NORMAL")
        patch.setenv("TAILORED_MODELS_DIR", str(tmp_path_factory.mktemp("models")))
        yield


def _durable(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("durable") is not None


@pytest.fixture(autouse=True)
def _durable_tests_sync_every_commit(request: pytest.FixtureRequest) -> Iterator[None]:
    if not _durable(request):
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(SQLITE_SYNCHRONOUS)  # the default: FULL
        yield


def _fresh(
    backend: str, directory: Path, *, durable: bool = False
) -> contextlib.AbstractContextManager[str]:
    if backend == "postgresql":
        require_postgres()
    return fresh_database(backend, directory, durable=durable)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database shared by this session's tests on `backend` (cleared between tests)."""
    with _fresh(backend, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A brand-new, empty (unmigrated) database for one test, on `backend` (with an fsync
    per commit when the test is marked `durable`)."""
    with _fresh(backend, tmp_path, durable=_durable(request)) as url:
        yield url


@pytest.fixture(scope="session")
def session_engine(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    # Serving re-reads catalog, trending and models on every request, so each test sees
    # exactly what it stored; trained models go to a temporary folder.
    settings = Settings(serving_refresh_seconds=0, models_dir=tmp_path_factory.mktemp("models"))
    engine = Engine.open(database_url, settings=settings)
    yield engine
    engine.close()


def clear(engine: Engine) -> None:
    """Empty every table, and on PostgreSQL restart the id sequences that were used.

    DELETE rather than TRUNCATE on PostgreSQL too: TRUNCATE gives each of the tables and
    their indexes new files, about 150 ms per test, where deleting a test's few rows
    takes about 10."""
    with engine.db.writing() as conn, _audit_log_unguarded(conn, engine.db.backend):
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        if engine.db.backend == "postgresql":
            used = conn.exec_driver_sql(
                "SELECT sequencename FROM pg_sequences"
                " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            ).scalars()
            for name in used.all():
                conn.exec_driver_sql(f"ALTER SEQUENCE {name} RESTART")


@contextlib.contextmanager
def _audit_log_unguarded(conn: Connection, backend: str) -> Iterator[None]:
    """The audit log refuses DELETE through triggers; the owner of a test database
    lifts them for the clearing (inside its transaction) and puts them back."""
    if backend == "postgresql":
        conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        yield
        conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
        return
    triggers = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
    ).all()
    for name, _ in triggers:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    for _, sql in triggers:
        conn.exec_driver_sql(sql)


@pytest.fixture
def engine(session_engine: Engine) -> Iterator[Engine]:
    """An engine on an empty database (per test), on each backend."""
    clear(session_engine)
    # Services cache custom event types: start each test from the database's truth.
    session_engine.event_types.known(refresh=True)
    yield session_engine


@dataclass
class Api:
    """A test client with one key per scope."""

    client: TestClient
    admin: dict[str, str]
    ingest: dict[str, str]
    serve: dict[str, str]


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    headers = {
        scope: {"Authorization": f"Bearer {engine.keys.create(scope, scopes=[scope]).secret}"}
        for scope in ("admin", "ingest", "serve")
    }
    with TestClient(create_app(engine)) as client:
        yield Api(client, headers["admin"], headers["ingest"], headers["serve"])


SHOP_ITEMS = [
    ("tent", "Tent", ["camping"], {"brand": "Acme", "price": 200}),
    ("stove", "Stove", ["camping"], {"brand": "Acme", "price": 60}),
    ("lamp", "Lamp", ["camping", "lighting"], {"brand": "Zeta", "price": 25}),
    ("mat", "Sleeping mat", ["camping"], {"brand": "Zeta", "price": 30}),
    ("boots", "Boots", ["shoes"], {"brand": "Acme", "price": 120}),
    ("socks", "Wool socks", ["shoes"], {"brand": "Zeta", "price": 10}),
    ("laces", "Laces", ["shoes"], {"brand": "Acme", "price": 5}),
    ("pan", "Pan", ["kitchen"], {"brand": "Chef", "price": 40}),
    ("knife", "Knife", ["kitchen"], {"brand": "Chef", "price": 30}),
    ("mug", "Mug", ["kitchen"], {"brand": "Chef", "price": 8}),
]
SHOP_JOURNEYS = {
    "camper": ["tent", "stove", "lamp", "mat", "old-tent"],
    "hiker": ["boots", "socks", "laces"],
    "cook": ["pan", "knife", "mug"],
}


@pytest.fixture
def shop(engine: Engine) -> Engine:
    """A small shop: camping, shoes and kitchen items (`old-tent` out of stock, `new-lamp`
    without events), and 20 shoppers per kind who each walk their kind's journey in
    order over the last three days, buying the second item."""
    rows: list[dict[str, object]] = [
        {"id": i, "title": t, "categories": c, "attributes": a} for i, t, c, a in SHOP_ITEMS
    ]
    rows.append({"id": "old-tent", "title": "Old tent", "categories": ["camping"],
                 "available": False})  # fmt: skip
    rows.append({"id": "new-lamp", "title": "New lamp", "categories": ["camping"]})
    assert not engine.items.upsert_many(rows).rejected
    start = datetime.now(UTC) - timedelta(days=3)
    events: list[dict[str, object]] = []
    for k, (kind, journey) in enumerate(SHOP_JOURNEYS.items()):
        for u in range(20):
            user = f"{kind}{u}"
            for step, item in enumerate(journey):
                at = start + timedelta(hours=u + 20 * k, minutes=step)
                events.append({"user_id": user, "item_id": item, "type": "view", "timestamp": at})
                if step == 1:
                    events.append(
                        {"user_id": user, "item_id": item, "type": "purchase", "timestamp": at}
                    )
    assert not engine.events.record_many(events).rejected
    return engine
