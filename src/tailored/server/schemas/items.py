"""Items: the catalog's request and response shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tailored.domain.catalog import Item
from tailored.server.schemas.common import OutBase


class ItemOut(OutBase):
    id: str
    title: str
    description: str
    categories: list[str]
    attributes: dict[str, Any]
    available: bool
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, item: Item) -> ItemOut:
        return cls.model_validate(item)


class ItemPage(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class ItemBody(BaseModel):
    """An item without its id (the id is in the path)."""

    model_config = ConfigDict(extra="forbid")
    title: str = ""
    description: str = ""
    categories: list[str] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)
    available: bool = True


__all__ = ["ItemBody", "ItemOut", "ItemPage"]
