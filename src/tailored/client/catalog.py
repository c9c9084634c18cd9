"""/v1/items: the catalog, as `engine.items` offers it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route, nothing
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.catalog import Item
from tailored.domain.identifiers import check_identifier
from tailored.domain.results import BatchResult, Page

UPSERT_MANY = Route("POST", "/v1/items", idempotent=True)  # each row replaces its item
PUT = Route("PUT", "/v1/items/{item_id}", idempotent=True)
GET = Route("GET", "/v1/items/{item_id}", idempotent=True)
LIST = Route("GET", "/v1/items", idempotent=True)
DELETE = Route("DELETE", "/v1/items/{item_id}", idempotent=True)

ItemRow = Mapping[str, Any] | Item
"""An item as a dict (``{"id": ..., "title": ...}``, as the engine takes it) or an `Item`."""


def read_item(data: Any) -> Item:
    return Item(
        id=data["id"],
        title=data["title"],
        description=data["description"],
        categories=reading.texts(data["categories"]),
        attributes=dict(data["attributes"]),
        available=data["available"],
        created_at=reading.maybe_moment(data["created_at"]),
        updated_at=reading.maybe_moment(data["updated_at"]),
    )


def item_row(item: ItemRow) -> dict[str, Any]:
    """An item as the API takes it: timestamps are the server's to set."""
    if isinstance(item, Item):
        row = asdict(item)
        del row["created_at"], row["updated_at"]
        return row
    return dict(item)


def attribute_query(attributes: Mapping[str, Sequence[str] | str] | None) -> list[str]:
    """``{"brand": ["Acme", "Zeta"]}`` as the ``attr=brand:Acme`` parameters."""
    pairs = []
    for name, values in (attributes or {}).items():
        for value in [values] if isinstance(values, str) else values:
            pairs.append(f"{name}:{value}")
    return pairs


class Items(Resource[Mode]):
    """The catalog: upsert, read, list and delete items.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client, iterate
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> client.items.upsert({"id": "mug", "title": "Mug", "categories": ["kitchen"]}).title
    'Mug'
    >>> client.items.upsert_many([{"id": "pan", "categories": ["kitchen"]}, {"title": "?"}])
    BatchResult(accepted=1, duplicates=0, rejected=(Rejection(index=1, field='id', \
reason='Field required'),))
    >>> [item.id for item in iterate(client.items.list, categories=["kitchen"], limit=1)]
    ['mug', 'pan']
    >>> engine.close()
    """

    @operation(PUT)
    def upsert(self, item: ItemRow) -> Call[Item]:
        """Create or replace one item (by its `id`) and answer it as stored."""
        row = item_row(item)
        item_id = check_identifier("id", row.pop("id", None))
        return PUT.call(read_item, path={"item_id": item_id}, body=row)

    @operation(UPSERT_MANY)
    def upsert_many(self, rows: Sequence[ItemRow]) -> Call[BatchResult]:
        """Create or replace a batch (up to the server's `max_batch_items`): each row is
        judged on its own, and the result lists each rejected row's index and reason."""
        return UPSERT_MANY.call(reading.batch_result, body=[item_row(row) for row in rows])

    @operation(GET)
    def get(self, item_id: str) -> Call[Item]:
        return GET.call(read_item, path={"item_id": item_id})

    @operation(LIST)
    def list(
        self,
        *,
        categories: Sequence[str] = (),
        attributes: Mapping[str, Sequence[str] | str] | None = None,
        available: bool | None = None,
        cursor: str | None = None,
        limit: int = 50,
        user_id: str | None = None,
    ) -> Call[Page[Item]]:
        """A page of items in any of `categories`, with every attribute named in
        `attributes` equal to one of its values (``{"brand": ["Acme", "Zeta"]}``); with
        `user_id`, only items that user may be shown (not what they blocked)."""
        query = [
            ("category", list(categories)),
            ("attr", attribute_query(attributes)),
            ("available", available),
            ("cursor", cursor),
            ("limit", limit),
            ("user_id", user_id),
        ]
        return LIST.call(lambda data: reading.page(data, "items", read_item), query=query)

    @operation(DELETE)
    def delete(self, item_id: str) -> Call[None]:
        return DELETE.call(nothing, path={"item_id": item_id})


__all__ = ["ItemRow", "Items", "read_item"]
