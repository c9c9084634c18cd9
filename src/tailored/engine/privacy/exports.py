"""`engine.privacy.export`: everything stored about a person (GDPR Art. 15 and 20).

What is exported comes from the ownership registry (every table that holds user data
says so in its metadata; `storage/exporting.py` reads it), plus what the system would
show the person now: their current recommendations with the reason for each. Rows are
read a page at a time, each page in its own short read transaction, and written as they
are read, so exporting a user with a million events holds one page in memory and no
transaction stays open while a slow client downloads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from tailored.domain.identifiers import check_identifier
from tailored.domain.recommendations import RecommendationList
from tailored.engine.privacy.formats import Section, json_pieces, zip_pieces
from tailored.errors import InvalidInput, MergedAway, NotFound
from tailored.storage import exporting
from tailored.storage import users as user_store
from tailored.storage.database import Database

ExportFormat = Literal["json", "zip"]
FORMATS: tuple[ExportFormat, ...] = ("json", "zip")
PAGE_ROWS = 1000  # rows read per query: the memory an export holds, whatever its size

# What each kind of data is, for the README of a zip export. A kind missing here is
# still exported (described by its table); tests/engine/test_export.py names it.
ABOUT: Mapping[str, str] = {
    "profile": "The profile: traits (JSON) and preferences (JSON) as they are now.",
    "consents": "The consent decision in force for each purpose.",
    "consent_history": "Every consent decision ever recorded, oldest first.",
    "merged_ids": "Other ids (e.g. anonymous visitors) merged into this person.",
    "merged_into": "The person this id was merged into.",
    "events": "Everything the person did that was recorded (views, purchases, ...).",
    "preference_history": "Every change of a preference: field, old and new value, by whom.",
    "lists": "Favorites and named lists.",
    "list_items": "The items on those lists, in order.",
    "saved_orders": "Saved orders (named carts to order again).",
    "saved_order_lines": "The lines of those saved orders: item, quantity, options.",
    "alerts": "Back-in-stock and price alerts (armed while fired_at is empty).",
    "notifications": "Notifications sent or waiting to be sent.",
    "designs": "Products the person designed in a configurator, with price and choices.",
    "design_choices": "The choices picked in each design.",
    "recommendations": "What the person is recommended now, in order, with the reason "
    "for each (personalized is false when a fallback answered).",
}
RECOMMENDATIONS = "recommendations"
# The columns of a recommendation row, and what each holds.
_RECOMMENDED: tuple[tuple[str, str], ...] = (
    ("position", "whole number"),
    ("item_id", "text"),
    ("title", "text"),
    ("score", "number"),
    ("reason_kind", "text"),
    ("reason", "text"),
    ("reason_item_id", "text, or empty"),
    ("reason_category", "text, or empty"),
    ("personalized", "true or false"),
    ("source", "text"),
    ("model_version", "whole number, or empty"),
)


@dataclass(frozen=True, slots=True)
class Export:
    """An export under way: its bytes come from `pieces` (read once, lazily); errors
    (unknown or merged-away user) were raised before it was made."""

    user_id: str
    format: ExportFormat
    pieces: Iterator[bytes]

    @property
    def media_type(self) -> str:
        return "application/zip" if self.format == "zip" else "application/json"

    @property
    def filename(self) -> str:
        return f"export-{self.user_id}.{self.format}"


class Exports:
    """Exports of everything stored about a person, in pages of `page_rows` rows.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> _ = engine.users.upsert("ann", {"city": "Oslo"})
    >>> export = engine.privacy.export("ann")
    >>> import json
    >>> json.loads(b"".join(export.pieces))["data"]["profile"][0]["traits"]
    {'city': 'Oslo'}
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        recommend: Callable[[str], RecommendationList],
        page_rows: int = PAGE_ROWS,
    ) -> None:
        self._db = db
        self._now = now
        self._recommend = recommend
        self._page_rows = page_rows

    def export(self, user_id: str, *, format: ExportFormat = "json") -> Export:
        """Everything stored about `user_id` as JSON or as a zip of CSV files. `NotFound`
        when nothing is stored about them; `MergedAway` (naming the person) when the id
        was merged into another person, whose export holds its data."""
        user_id = check_identifier("user_id", user_id)
        if format not in FORMATS:
            raise InvalidInput("format", f"must be one of {', '.join(FORMATS)}, not {format!r}")
        order = list(ABOUT)  # the profile first, then what hangs on it
        kinds = sorted(
            exporting.kinds(), key=lambda k: order.index(k.name) if k.name in order else len(order)
        )
        with self._db.reading() as conn:
            merge = user_store.get_merge(conn, user_id)
            own = [kind for kind in kinds if kind.name != "merged_into"]
            if not exporting.holds_anything(conn, user_id, own):
                if merge is not None:
                    raise MergedAway(user_id, merge.user_id)
                raise NotFound("user", user_id)
        header = {"user_id": user_id, "exported_at": self._now().isoformat()}
        sections = [self._section(kind, user_id) for kind in kinds]
        sections.append(self._recommendations(user_id))
        write = zip_pieces if format == "zip" else json_pieces
        return Export(user_id, format, write(header, sections))

    def _section(self, kind: exporting.Kind, user_id: str) -> Section:
        about = ABOUT.get(kind.name, f"Rows of table {kind.entries[0].table.name}.")
        rows = self._rows(kind, user_id)
        return Section(kind.name, about, kind.columns, kind.column_types, rows)

    def _rows(self, kind: exporting.Kind, user_id: str) -> Iterator[dict[str, Any]]:
        for entry in kind.entries:
            after: exporting.Position | None = None
            while True:
                with self._db.reading() as conn:  # closed before the rows are handed on
                    rows = exporting.page(conn, entry, user_id, after=after, limit=self._page_rows)
                yield from rows
                if len(rows) < self._page_rows:
                    break
                after = exporting.position(entry, rows[-1])

    def _recommendations(self, user_id: str) -> Section:
        columns = tuple(column for column, _ in _RECOMMENDED)
        types = tuple(words for _, words in _RECOMMENDED)
        about = ABOUT[RECOMMENDATIONS]
        return Section(RECOMMENDATIONS, about, columns, types, self._recommended(user_id))

    def _recommended(self, user_id: str) -> Iterator[dict[str, Any]]:
        answer = self._recommend(user_id)  # asked when its section is written
        for position, item in enumerate(answer.items, start=1):
            yield {
                "position": position,
                "item_id": item.item_id,
                "title": item.title,
                "score": item.score,
                "reason_kind": item.reason.kind,
                "reason": item.reason.text,
                "reason_item_id": item.reason.item_id,
                "reason_category": item.reason.category,
                "personalized": answer.personalized,
                "source": answer.source,
                "model_version": answer.model_version,
            }


__all__ = ["ABOUT", "FORMATS", "PAGE_ROWS", "Export", "ExportFormat", "Exports"]
