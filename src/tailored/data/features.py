"""What the catalog says of each item, as the words a content model reads.

Training builds `ItemFeatures` from the catalog's `Item`s and passes them to `fit`
(models whose `uses_features` is true need them; the others ignore them). Only what
describes what an item *is* is kept: its title, its categories and its categorical
attributes. Numbers (prices, sizes, weights) and nested values are left out: two items
at the same price are not alike in kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tailored.domain.catalog import Item, facet_text
from tailored.types import JSONValue


@dataclass(frozen=True, slots=True)
class ItemText:
    """One item's describing words: its title, categories and categorical attributes
    as (name, value) pairs."""

    id: str
    title: str = ""
    categories: tuple[str, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ItemFeatures:
    """The describing words of a catalog's items, by id.

    >>> features = ItemFeatures.of([
    ...     Item(id="sku-1", title="Trail runner", categories=("shoes",),
    ...          attributes={"brand": "Acme", "price": 89.0, "sizes": [42, 43],
    ...                      "colours": ["red", "blue"], "waterproof": True}),
    ... ])
    >>> features["sku-1"].attributes
    (('brand', 'Acme'), ('colours', 'red'), ('colours', 'blue'), ('waterproof', 'true'))
    >>> len(features), "sku-2" in features
    (1, False)
    """

    items: tuple[ItemText, ...]
    _by_id: dict[str, ItemText] = field(init=False, repr=False, compare=False)

    @classmethod
    def of(cls, items: Iterable[Item]) -> ItemFeatures:
        """From catalog items (a repeated id keeps its last description)."""
        texts = {
            item.id: ItemText(
                id=item.id,
                title=item.title,
                categories=tuple(item.categories),
                attributes=tuple(categorical(item.attributes)),
            )
            for item in items
        }
        return cls(tuple(texts.values()))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {text.id: text for text in self.items})

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def __getitem__(self, item_id: str) -> ItemText:
        return self._by_id[item_id]

    def get(self, item_id: str) -> ItemText | None:
        return self._by_id.get(item_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(text.id for text in self.items)


def categorical(attributes: Mapping[str, JSONValue]) -> Iterator[tuple[str, str]]:
    """(name, text) of the attribute values that name a kind: strings and booleans, and
    the string members of lists. Numbers (also as text), dates, links, nulls and objects
    are skipped: they place or identify an item, they do not say what it is.

    >>> list(categorical({"brand": "Acme", "price": 9.5, "tags": ["new", 3], "size": "42",
    ...                   "released": "1995-01-01", "page": "http://x.org/1"}))
    [('brand', 'Acme'), ('tags', 'new')]
    """
    for name, value in attributes.items():
        members = value if isinstance(value, list) else [value]
        seen: set[str] = set()
        for member in members:
            if not isinstance(member, str | bool):
                continue
            text = facet_text(member)
            if text is None or not text.strip() or text in seen or not _names_a_kind(text):
                continue
            seen.add(text)
            yield name, text


def _names_a_kind(text: str) -> bool:
    if "://" in text:
        return False
    try:
        float(text)
        return False
    except ValueError:
        pass
    try:
        datetime.fromisoformat(text)
        return False
    except ValueError:
        return True


__all__ = ["ItemFeatures", "ItemText", "categorical"]
