"""The preference fields in force: from a file, else the latest the business set, else
the defaults. Read on every recommendation and preference request, so kept in memory
for a while; both `Preferences` and `Recommendations` read it from here, which keeps
the two services free of each other (no service calls another inside a transaction).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tailored.domain.preferences import PreferenceSchema, default_schema
from tailored.engine.audit import Audit
from tailored.engine.preferences.inputs import parse_schema, read_schema_file, schema_document
from tailored.errors import Conflict
from tailored.storage import preferences as store
from tailored.storage.database import Database


class PreferenceSchemas:
    """The schema in force, re-read at most every `cache_seconds` (at once after `set`).

    >>> from tailored.storage.database import Database
    >>> from tailored.storage.schema import upgrade
    >>> db = Database("sqlite://"); upgrade(db)
    >>> from datetime import UTC, datetime
    >>> schemas = PreferenceSchemas(db, now=lambda: datetime.now(UTC), schema_file=None)
    >>> "theme" in [f.name for f in schemas.get().fields]
    True
    >>> db.dispose()
    """

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        schema_file: Path | None,
        cache_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._now = now
        self._audit = audit or Audit(db, now=now)
        self._file = schema_file
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cached: tuple[float, PreferenceSchema] | None = None
        if schema_file is not None:
            parse_schema(read_schema_file(schema_file))  # a bad file stops start-up

    def get(self) -> PreferenceSchema:
        """The fields in force. Opens its own read transaction when the cache is stale:
        call it before opening one (SQLite in memory has one connection, and elsewhere a
        nested read would hold a second pooled connection)."""
        cached = self._cached
        if cached is not None and self._clock() - cached[0] < self._cache_seconds:
            return cached[1]
        if self._file is not None:
            schema = parse_schema(read_schema_file(self._file))
        else:
            with self._db.reading() as conn:
                fields = store.latest_schema(conn)
            schema = default_schema() if fields is None else parse_schema(fields)
        self._cached = (self._clock(), schema)
        return schema

    def set(self, fields: Sequence[Mapping[str, Any]], *, changed_by: str) -> PreferenceSchema:
        """Replace the fields (a file in force refuses: `Conflict`)."""
        if self._file is not None:
            raise Conflict(
                f"the preference schema comes from {self._file} "
                "(TAILORED_PREFERENCE_SCHEMA_FILE): change that file instead"
            )
        schema = parse_schema(fields)
        with self._db.writing() as conn:
            store.add_schema(conn, schema_document(schema), created_by=changed_by, now=self._now())
            detail = {"fields": [f.name for f in schema.fields]}
            self._audit.record(
                "preference_schema.set", target="preferences", detail=detail, conn=conn
            )
        self._cached = None
        return schema


__all__ = ["PreferenceSchemas"]
