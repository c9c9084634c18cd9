"""Schema upgrades as a use case, for operators (CLI) and start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tailored.storage import schema
from tailored.storage.database import Database, sqlite_file


@dataclass(frozen=True, slots=True)
class SchemaState:
    """Where a database's schema stands, and where the code wants it."""

    url: str
    current: str | None
    newest: str | None


def upgrade_database(url: str, revision: str = "head") -> tuple[SchemaState, SchemaState]:
    """Apply migrations up to `revision`; returns the state before and after."""
    db = Database(url)
    try:
        before = _state(db)
        schema.upgrade(db, revision)
        return before, _state(db)
    finally:
        db.dispose()


def missing_database(url: str) -> Path | None:
    """The SQLite file `url` names when there is none yet (connecting would create an
    empty one); None when it exists, or the database is in memory or on a server."""
    path = sqlite_file(url)
    return path if path is not None and not path.exists() else None


def schema_state(url: str) -> SchemaState:
    db = Database(url)
    try:
        return _state(db)
    finally:
        db.dispose()


def _state(db: Database) -> SchemaState:
    return SchemaState(
        db.url.render_as_string(hide_password=True),
        schema.current_revision(db),
        schema.head_revision(),
    )
