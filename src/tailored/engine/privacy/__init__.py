"""Data-subject rights: `engine.privacy`, the one entry point for what a person may ask
about their data (an export now; erasure and audit plug in beside it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tailored.domain.recommendations import RecommendationList
from tailored.engine.audit import Audit
from tailored.engine.privacy.exports import PAGE_ROWS, Export, ExportFormat, Exports
from tailored.storage.database import Database


class Privacy:
    """`engine.privacy`: exports of everything stored about a person."""

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        recommend: Callable[[str], RecommendationList],
        page_rows: int = PAGE_ROWS,
        audit: Audit | None = None,
    ) -> None:
        self._exports = Exports(db, now=now, recommend=recommend, page_rows=page_rows)
        self._audit = audit or Audit(db, now=now)

    def export(self, user_id: str, *, format: ExportFormat = "json") -> Export:
        """Everything stored about `user_id` (see `Exports.export`); the audit log
        records who asked for it."""
        made = self._exports.export(user_id, format=format)  # refused before: not recorded
        self._audit.record("user.export", target=user_id, detail={"format": format})
        return made


__all__ = ["Export", "ExportFormat", "Exports", "Privacy"]
