"""Lists a user keeps: favorites and named wishlists, their entries, and sharing.

Every user has at most one `favorites` list (made on the first save) and any number of
named lists, up to `MAX_LISTS`. An entry is an item id with a note and a position;
when read, it carries the catalog's current item, or None once the item was deleted.

>>> from tailored.domain.catalog import Item
>>> entry = ListEntry("sku-1", 0, note="size 42", item=Item("sku-1", "Trail runner",
...                   attributes={"price": 89.0}))
>>> (entry.in_catalog, entry.title, entry.available, entry.price)
(True, 'Trail runner', True, 89.0)
>>> placed(["a", "b", "c"], "d", 1)
['a', 'd', 'b', 'c']
>>> placed(["a", "b", "c"], "c", 0)
['c', 'a', 'b']
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tailored.domain.catalog import InCatalog, Item
from tailored.errors import InvalidInput

ListKind = Literal["favorites", "list"]
FAVORITES_NAME = "Favorites"
MAX_NAME = 200
MAX_TEXT = 1000  # notes and descriptions
MAX_ENTRIES = 1000  # items in one list
MAX_LISTS = 200  # lists of one user, favorites included
SHARED_PATH = "/v1/shared-lists/{token}"


def is_record_id(value: object) -> bool:
    """Whether `value` can be the id of a stored record (a positive BIGINT): anything else
    names nothing, so it is looked up as missing instead of failing in the database.

    >>> is_record_id(7), is_record_id(0), is_record_id(2**63), is_record_id(True)
    (True, False, False, False)
    """
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def check_text(field: str, value: object, *, maximum: int, required: bool = False) -> str:
    """Free text such as a name or a note, trimmed; `required` refuses an empty one."""
    if not isinstance(value, str):
        raise InvalidInput(field, "must be text")
    text = value.strip()
    if required and not text:
        raise InvalidInput(field, "must not be empty")
    if len(text) > maximum:
        raise InvalidInput(field, f"must be at most {maximum} characters ({len(text)} given)")
    if any(ord(char) < 32 and char not in "\n\t" for char in text):
        raise InvalidInput(field, "must not contain control characters")
    return text


@dataclass(frozen=True, slots=True)
class ListEntry(InCatalog):
    """One item in a list, with the catalog's current view of it (`item`)."""

    item_id: str
    position: int
    note: str = ""
    added_at: datetime | None = None
    item: Item | None = None  # None: the item was deleted from the catalog


@dataclass(frozen=True, slots=True)
class ListInfo:
    """A list without its entries; `share_token` is set while the list is shared.

    >>> ListInfo(7, "u1", "list", "Birthday", size=3).shared
    False
    """

    id: int
    user_id: str
    kind: ListKind
    name: str
    description: str = ""
    size: int = 0
    share_token: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def shared(self) -> bool:
        return self.share_token is not None

    @property
    def share_path(self) -> str | None:
        """The public, read-only path of a shared list."""
        return SHARED_PATH.format(token=self.share_token) if self.share_token else None


@dataclass(frozen=True, slots=True)
class SavedList:
    """A list and its entries in their order.

    >>> SavedList(ListInfo(1, "u1", "favorites", FAVORITES_NAME, size=1),
    ...           (ListEntry("sku-1", 0),)).item_ids
    ('sku-1',)
    """

    info: ListInfo
    entries: tuple[ListEntry, ...] = ()

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(entry.item_id for entry in self.entries)


@dataclass(frozen=True, slots=True)
class SavedEntry:
    """What saving an item did: the entry as stored, and whether it was new to the list.

    >>> SavedEntry(5, ListEntry("sku-1", 0), added=True).added
    True
    """

    list_id: int
    entry: ListEntry
    added: bool


@dataclass(frozen=True, slots=True)
class ShareLink:
    """The unguessable token of a shared list and the public path that reads it.

    >>> ShareLink.of("abc").path
    '/v1/shared-lists/abc'
    """

    token: str
    path: str

    @classmethod
    def of(cls, token: str) -> ShareLink:
        return cls(token, SHARED_PATH.format(token=token))


def placed(order: Sequence[str], item_id: str, position: int | None) -> list[str]:
    """The list's item order once `item_id` is at `position` (0-based, clamped to the
    end). Without a position a new item goes last and an item already there stays put."""
    rest = [other for other in order if other != item_id]
    if position is None:
        if item_id in order:
            return list(order)
        position = len(rest)
    position = max(0, min(position, len(rest)))
    return [*rest[:position], item_id, *rest[position:]]


def free_name(name: str, taken: Collection[str], *, maximum: int = MAX_NAME) -> str:
    """`name`, or `name (2)`, `name (3)`, ... : the first one not in `taken`.

    >>> free_name("Weekly", {"Weekly", "Weekly (2)"})
    'Weekly (3)'
    """
    if name not in taken:
        return name
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = name[: maximum - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


__all__ = [
    "FAVORITES_NAME",
    "MAX_ENTRIES",
    "MAX_LISTS",
    "MAX_NAME",
    "MAX_TEXT",
    "ListEntry",
    "ListInfo",
    "ListKind",
    "SavedEntry",
    "SavedList",
    "ShareLink",
    "check_text",
    "free_name",
    "is_record_id",
    "placed",
]
