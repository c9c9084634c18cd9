"""Apply and inspect migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tailored.storage.database import Database

# Serialises concurrent upgrades from several workers starting at once (PostgreSQL).
_LOCK_ID = 0x7A11_0D


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "tailored.storage:migrations")
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest)."""
    with db.engine.connect() as conn:
        if db.backend == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({_LOCK_ID})")
        try:
            config = _config()
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            conn.commit()
        finally:
            if db.backend == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_LOCK_ID})")
                conn.commit()


def downgrade(db: Database, revision: str) -> None:
    with db.engine.connect() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
        conn.commit()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


__all__ = ["current_revision", "downgrade", "head_revision", "upgrade"]
