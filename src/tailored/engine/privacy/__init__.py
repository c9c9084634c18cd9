"""Data-subject rights: `engine.privacy`, the one entry point for what a person may ask
about their data (an export now; erasure and audit plug in beside it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tailored.domain.recommendations import RecommendationList
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
    ) -> None:
        self._exports = Exports(db, now=now, recommend=recommend, page_rows=page_rows)

    def export(self, user_id: str, *, format: ExportFormat = "json") -> Export:
        """Everything stored about `user_id` (see `Exports.export`)."""
        return self._exports.export(user_id, format=format)


__all__ = ["Export", "ExportFormat", "Exports", "Privacy"]
