"""Request and response schemas of favorites, lists, saved orders and alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from tailored.domain.lists import ListEntry, ListInfo, SavedEntry, SavedList, ShareLink
from tailored.domain.orders import Receipt, SavedOrder
from tailored.domain.results import Page
from tailored.domain.subscriptions import Notification, Subscription


class OutBase(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- lists ------------------------------------------------------------------------------


class EntryBody(_Body):
    """Optional details of a save; an empty body (or none) just saves the item."""

    note: str | None = Field(
        None, max_length=1000, description="replaces the note when given; '' clears it"
    )
    position: StrictInt | None = Field(
        None, ge=0, description="0-based place in the list; new items go last by default"
    )


class EntryOut(OutBase):
    item_id: str
    position: int
    note: str
    added_at: datetime | None
    in_catalog: bool = Field(description="false once the item was deleted from the catalog")
    title: str | None = Field(description="the catalog's current title")
    available: bool
    price: float | None = Field(description="the item's `price` attribute, when numeric")

    @classmethod
    def of(cls, entry: ListEntry) -> EntryOut:
        return cls.model_validate(entry)


class SavedEntryOut(EntryOut):
    list_id: int
    added: bool = Field(description="true when the item was not on the list before")

    @classmethod
    def of_saved(cls, saved: SavedEntry) -> SavedEntryOut:
        return cls.model_validate(
            {
                **EntryOut.of(saved.entry).model_dump(),
                "list_id": saved.list_id,
                "added": saved.added,
            }
        )


class ListBody(_Body):
    name: str = Field(min_length=1, max_length=200, description="unique among the user's lists")
    description: str = Field("", max_length=1000)


class ListPatch(_Body):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=1000)


class ListSummaryOut(OutBase):
    id: int = Field(description="0: favorites not made yet (nothing saved)")
    kind: Literal["favorites", "list"]
    name: str
    description: str
    size: int = Field(description="how many items it holds")
    shared: bool
    share_path: str | None = Field(description="the public read-only path while shared")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, info: ListInfo) -> ListSummaryOut:
        return cls.model_validate(info)


class ListOut(ListSummaryOut):
    entries: list[EntryOut]

    @classmethod
    def of_list(cls, saved: SavedList) -> ListOut:
        return cls.model_validate(
            {
                **ListSummaryOut.of(saved.info).model_dump(),
                "size": len(saved.entries),
                "entries": [EntryOut.of(entry) for entry in saved.entries],
            }
        )


class SharedListOut(BaseModel):
    """A shared list as anyone with the link sees it: no owner, no token."""

    name: str
    description: str
    updated_at: datetime | None
    entries: list[EntryOut]

    @classmethod
    def of(cls, saved: SavedList) -> SharedListOut:
        return cls(
            name=saved.info.name,
            description=saved.info.description,
            updated_at=saved.info.updated_at,
            entries=[EntryOut.of(entry) for entry in saved.entries],
        )


class ShareOut(OutBase):
    token: str = Field(description="unguessable; whoever has it can read the list")
    path: str = Field(description="GET it with a `serve` key: /v1/shared-lists/{token}")

    @classmethod
    def of(cls, link: ShareLink) -> ShareOut:
        return cls.model_validate(link)


# --- saved orders -----------------------------------------------------------------------


class OrderLineBody(_Body):
    item_id: str = Field(min_length=1, max_length=256)
    quantity: StrictInt = Field(1, ge=1, le=10_000)
    options: dict[str, str] = Field(
        default_factory=dict,
        description='what was chosen for the item, e.g. {"size": "XL"}: part of the line (one '
        "item may be on several lines with other options). An option whose name (or plural: "
        "`size` -> `sizes`) is an attribute of the item must be a value it lists.",
    )


class OrderBody(_Body):
    name: str = Field(min_length=1, max_length=200, description='e.g. "my usual coffee"')
    lines: list[OrderLineBody] = Field(min_length=1, max_length=200)

    def line_dicts(self) -> list[dict[str, Any]]:
        return [line.model_dump() for line in self.lines]


class OrderLineOut(OutBase):
    item_id: str
    quantity: int
    options: dict[str, str] = Field(description="what was chosen for the item; {} for nothing")
    in_catalog: bool
    title: str | None
    available: bool
    unit_price: float | None = Field(description="the item's `price` attribute, when numeric")
    line_total: float | None


class OrderOut(OutBase):
    id: int
    name: str
    lines: list[OrderLineOut]
    total: float = Field(description="sum of the priced lines at current catalog prices")
    fully_priced: bool = Field(description="false when some line's item has no price")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, order: SavedOrder) -> OrderOut:
        return cls.model_validate(order)


class ReorderBody(_Body):
    order_id: str | None = Field(
        None,
        min_length=1,
        max_length=256,
        description="your id for the order placed; a retry with the same id records "
        "nothing twice (default: a new id)",
    )


class ReceiptOut(OutBase):
    order_id: str
    saved_order_id: int
    ordered_at: datetime
    lines: list[OrderLineOut]
    total: float
    fully_priced: bool
    recorded: int = Field(description="purchase events recorded by this call")
    duplicates: int = Field(description="lines already recorded under this order_id")

    @classmethod
    def of(cls, receipt: Receipt) -> ReceiptOut:
        return cls.model_validate(receipt)


# --- alerts and notifications -------------------------------------------------------------


class SubscriptionBody(_Body):
    item_id: str = Field(min_length=1, max_length=256)
    kind: Literal["back_in_stock", "price_below"]
    threshold: float | None = Field(
        None, description="price_below only: alert when the price is at or below this"
    )


class SubscriptionOut(OutBase):
    id: int
    item_id: str
    kind: str
    threshold: float | None
    active: bool = Field(description="false once it fired (subscribe again to re-arm)")
    created_at: datetime | None
    fired_at: datetime | None

    @classmethod
    def of(cls, subscription: Subscription) -> SubscriptionOut:
        return cls.model_validate(subscription)


class NotificationOut(OutBase):
    id: int
    user_id: str
    kind: str
    item_id: str
    message: str
    old_value: Any = Field(description="availability or price before the change")
    new_value: Any = Field(description="availability or price after it")
    subscription_id: int | None
    created_at: datetime | None
    read_at: datetime | None
    delivered_at: datetime | None

    @classmethod
    def of(cls, note: Notification) -> NotificationOut:
        return cls.model_validate(note)


class NotificationPage(BaseModel):
    notifications: list[NotificationOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")

    @classmethod
    def of(cls, page: Page[Notification]) -> NotificationPage:
        return cls(
            notifications=[NotificationOut.of(n) for n in page.items],
            next_cursor=page.next_cursor,
        )


class DeliveredBody(_Body):
    ids: list[StrictInt] = Field(min_length=1, max_length=1000)


class DeliveredOut(BaseModel):
    delivered: int = Field(description="notifications marked delivered by this call")
