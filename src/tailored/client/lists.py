"""Favorites, named lists and shared lists, as `engine.lists` offers them.

The API answers each entry with the catalog's current view of its item (title,
availability, price) rather than the whole item, so entries are the client's own
`ListEntry`, with the attributes a `tailored.domain.lists.ListEntry` offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route, nothing
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.lists import SHARED_PATH, ListInfo, ShareLink

USER = "/v1/users/{user_id}"
SAVE_FAVORITE = Route("PUT", USER + "/favorites/{item_id}", idempotent=True)
UNSAVE_FAVORITE = Route("DELETE", USER + "/favorites/{item_id}", idempotent=True)
FAVORITES = Route("GET", USER + "/favorites", idempotent=True)
CREATE = Route("POST", USER + "/lists", idempotent=False)  # again: 409, the name is taken
LIST = Route("GET", USER + "/lists", idempotent=True)
GET = Route("GET", USER + "/lists/{list_id}", idempotent=True)
UPDATE = Route("PATCH", USER + "/lists/{list_id}", idempotent=True)
DELETE = Route("DELETE", USER + "/lists/{list_id}", idempotent=True)
SAVE = Route("PUT", USER + "/lists/{list_id}/items/{item_id}", idempotent=True)
UNSAVE = Route("DELETE", USER + "/lists/{list_id}/items/{item_id}", idempotent=True)
SHARE = Route("POST", USER + "/lists/{list_id}/share", idempotent=True)  # again: the same link
UNSHARE = Route("DELETE", USER + "/lists/{list_id}/share", idempotent=True)
SHARED = Route("GET", "/v1/shared-lists/{token}", idempotent=True)


@dataclass(frozen=True, slots=True)
class ListEntry:
    """An item on a list, with the catalog's current title, availability and price
    (`in_catalog` is false once the item was deleted from the catalog).

    >>> ListEntry("mug", 0, title="Mug", price=8.0).in_catalog
    True
    """

    item_id: str
    position: int
    note: str = ""
    added_at: datetime | None = None
    in_catalog: bool = True
    title: str | None = None
    available: bool = True
    price: float | None = None


@dataclass(frozen=True, slots=True)
class SavedList:
    """A list and its entries in their order.

    >>> SavedList(ListInfo(1, "u1", "favorites", "Favorites", size=1),
    ...           (ListEntry("mug", 0),)).item_ids
    ('mug',)
    """

    info: ListInfo
    entries: tuple[ListEntry, ...] = ()

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(entry.item_id for entry in self.entries)


@dataclass(frozen=True, slots=True)
class SavedEntry:
    """What saving an item did: the entry as stored on list `list_id`, and whether it
    was new there (`added`).

    >>> SavedEntry(5, ListEntry("mug", 0), added=True).added
    True
    """

    list_id: int
    entry: ListEntry
    added: bool


@dataclass(frozen=True, slots=True)
class SharedList:
    """A shared list as anyone with its link reads it: no owner, no ids.

    >>> SharedList("Birthday", "", None, (ListEntry("mug", 0),)).entries[0].item_id
    'mug'
    """

    name: str
    description: str
    updated_at: datetime | None
    entries: tuple[ListEntry, ...]


def _entry(data: Any) -> ListEntry:
    return ListEntry(
        item_id=data["item_id"],
        position=data["position"],
        note=data["note"],
        added_at=reading.maybe_moment(data["added_at"]),
        in_catalog=data["in_catalog"],
        title=data["title"],
        available=data["available"],
        price=data["price"],
    )


def _info(user_id: str, data: Any) -> ListInfo:
    """The domain's `ListInfo`: the owner is the user in the request's path, the token
    the end of the share path the API sends."""
    path = data["share_path"]
    prefix = SHARED_PATH.removesuffix("{token}")
    return ListInfo(
        id=data["id"],
        user_id=user_id,
        kind=data["kind"],
        name=data["name"],
        description=data["description"],
        size=data["size"],
        share_token=path.removeprefix(prefix) if path else None,
        created_at=reading.maybe_moment(data["created_at"]),
        updated_at=reading.maybe_moment(data["updated_at"]),
    )


def _saved_list(user_id: str, data: Any) -> SavedList:
    return SavedList(_info(user_id, data), reading.rows(data["entries"], _entry))


def _saved_entry(data: Any) -> SavedEntry:
    return SavedEntry(data["list_id"], _entry(data), data["added"])


def _entry_body(note: str | None, position: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if note is not None:
        body["note"] = note
    if position is not None:
        body["position"] = position
    return body


class Lists(Resource[Mode]):
    """A user's favorites and named lists, and lists shared by link.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> mug = client.items.upsert({"id": "mug", "title": "Mug", "attributes": {"price": 8}})
    >>> client.lists.save("u42", "mug", note="blue").added
    True
    >>> [(e.title, e.price, e.note) for e in client.lists.favorites("u42").entries]
    [('Mug', 8.0, 'blue')]
    >>> birthday = client.lists.create("u42", "Birthday")
    >>> saved = client.lists.save("u42", "mug", list_id=birthday.id)
    >>> link = client.lists.share("u42", birthday.id)
    >>> client.lists.shared(link.token).entries[0].title
    'Mug'
    >>> engine.close()
    """

    @operation(FAVORITES)
    def favorites(self, user_id: str) -> Call[SavedList]:
        """The user's favorites (an empty list with id 0 before the first save)."""
        return FAVORITES.call(lambda data: _saved_list(user_id, data), path={"user_id": user_id})

    @operation(SAVE_FAVORITE, SAVE)
    def save(
        self,
        user_id: str,
        item_id: str,
        *,
        list_id: int | None = None,
        note: str | None = None,
        position: int | None = None,
    ) -> Call[SavedEntry]:
        """Save an item to the user's favorites, or to list `list_id`. Saving again
        keeps one entry (a `note` or `position` given updates it); a new favorite also
        records a `like` event."""
        body = _entry_body(note, position)
        if list_id is None:
            path: dict[str, str | int] = {"user_id": user_id, "item_id": item_id}
            return SAVE_FAVORITE.call(_saved_entry, path=path, body=body)
        path = {"user_id": user_id, "list_id": list_id, "item_id": item_id}
        return SAVE.call(_saved_entry, path=path, body=body)

    @operation(UNSAVE_FAVORITE, UNSAVE)
    def unsave(self, user_id: str, item_id: str, *, list_id: int | None = None) -> Call[None]:
        """Take an item off the favorites, or off list `list_id` (nothing if absent)."""
        if list_id is None:
            return UNSAVE_FAVORITE.call(nothing, path={"user_id": user_id, "item_id": item_id})
        path = {"user_id": user_id, "list_id": list_id, "item_id": item_id}
        return UNSAVE.call(nothing, path=path)

    @operation(CREATE)
    def create(self, user_id: str, name: str, *, description: str = "") -> Call[ListInfo]:
        """Make a named list; names are unique per user (`Conflict` otherwise)."""
        body = {"name": name, "description": description}
        return CREATE.call(lambda data: _info(user_id, data), path={"user_id": user_id}, body=body)

    @operation(LIST)
    def list(self, user_id: str) -> Call[tuple[ListInfo, ...]]:
        """The user's lists, favorites first, with their sizes."""
        return LIST.call(
            lambda data: reading.rows(data, lambda row: _info(user_id, row)),
            path={"user_id": user_id},
        )

    @operation(GET)
    def get(self, user_id: str, list_id: int) -> Call[SavedList]:
        path = {"user_id": user_id, "list_id": list_id}
        return GET.call(lambda data: _saved_list(user_id, data), path=path)

    @operation(UPDATE)
    def update(
        self,
        user_id: str,
        list_id: int,
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> Call[ListInfo]:
        """Rename a list or change its description (None: leave it)."""
        body = {
            key: value
            for key, value in (("name", name), ("description", description))
            if value is not None
        }
        path = {"user_id": user_id, "list_id": list_id}
        return UPDATE.call(lambda data: _info(user_id, data), path=path, body=body)

    @operation(DELETE)
    def delete(self, user_id: str, list_id: int) -> Call[None]:
        """Delete a list and its entries (its share link stops working)."""
        return DELETE.call(nothing, path={"user_id": user_id, "list_id": list_id})

    @operation(SHARE)
    def share(self, user_id: str, list_id: int) -> Call[ShareLink]:
        """Share by link: an unguessable token, read with `shared` (a `serve` key)."""
        path = {"user_id": user_id, "list_id": list_id}
        return SHARE.call(lambda data: ShareLink(data["token"], data["path"]), path=path)

    @operation(UNSHARE)
    def unshare(self, user_id: str, list_id: int) -> Call[None]:
        """Revoke the link (sharing again makes a new one)."""
        return UNSHARE.call(nothing, path={"user_id": user_id, "list_id": list_id})

    @operation(SHARED)
    def shared(self, token: str) -> Call[SharedList]:
        """A shared list, read by its token."""

        def shared_list(data: Any) -> SharedList:
            return SharedList(
                name=data["name"],
                description=data["description"],
                updated_at=reading.maybe_moment(data["updated_at"]),
                entries=reading.rows(data["entries"], _entry),
            )

        return SHARED.call(shared_list, path={"token": token})


__all__ = ["ListEntry", "Lists", "SavedEntry", "SavedList", "SharedList"]
