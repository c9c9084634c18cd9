"""The catalog as arrays: what serving needs to filter, boost and explain, in memory.

Titles, availability, categories and attribute values of every item, indexed by a
dense position, so that a request's filters become boolean masks over the whole
catalog instead of database queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tailored.data.vocabulary import Vocabulary
from tailored.domain.catalog import facet_values
from tailored.domain.recommendations import Boost, Filters

Mask = npt.NDArray[np.bool_]
CatalogRow = tuple[str, str, list[str], Mapping[str, Any], bool]
"""(id, title, categories, attributes, available), as the storage layer reads them."""


class CatalogIndex:
    """Every item's title, availability, categories and facets by dense position.

    >>> index = CatalogIndex.build([
    ...     ("a", "Red shoe", ["shoes"], {"colour": "red"}, True),
    ...     ("b", "Blue shoe", ["shoes"], {"colour": "blue"}, True),
    ...     ("c", "Hat", ["hats"], {"colour": "red"}, False),
    ... ])
    >>> index.mask(Filters(attributes={"colour": ("red",)})).tolist()
    [True, False, False]
    >>> index.category_of(2)
    'hats'
    """

    def __init__(
        self,
        items: Vocabulary,
        titles: list[str],
        available: Mask,
        categories: Vocabulary,
        membership: sp.csc_matrix,
        primary: npt.NDArray[np.int64],
        facets: dict[tuple[str, str], npt.NDArray[np.int64]],
        numbers: dict[str, npt.NDArray[np.float64]] | None = None,
    ) -> None:
        self.items = items
        self.titles = titles
        self.available = available
        self.categories = categories
        self._membership = membership  # items x categories, 1 where the item is in it
        self._by_item = membership.tocsr()
        self._facets = facets
        self.primary = primary  # each item's first category as the business listed it; -1
        self._numbers = numbers or {}  # numeric attributes, NaN where an item has none

    @classmethod
    def build(cls, rows: Iterable[CatalogRow]) -> CatalogIndex:
        ids: list[str] = []
        titles: list[str] = []
        available: list[bool] = []
        category_ids: dict[str, int] = {}
        member_rows: list[int] = []
        member_cols: list[int] = []
        primary: list[int] = []
        facets: dict[tuple[str, str], list[int]] = {}
        numbers: dict[str, dict[int, float]] = {}
        for n, (item_id, title, categories, attributes, is_available) in enumerate(rows):
            ids.append(item_id)
            titles.append(title or item_id)
            available.append(bool(is_available))
            primary.append(
                category_ids.setdefault(categories[0], len(category_ids)) if categories else -1
            )
            for category in dict.fromkeys(categories):
                member_rows.append(n)
                member_cols.append(category_ids.setdefault(category, len(category_ids)))
            for facet in facet_values(attributes):
                facets.setdefault(facet, []).append(n)
            for name, value in attributes.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    numbers.setdefault(name, {})[n] = float(value)
        shape = (len(ids), len(category_ids))
        membership = sp.csc_matrix(
            (np.ones(len(member_rows), dtype=np.bool_), (member_rows, member_cols)), shape=shape
        )
        return cls(
            Vocabulary(ids),
            titles,
            np.asarray(available, dtype=np.bool_),
            Vocabulary(category_ids),
            membership,
            np.asarray(primary, dtype=np.int64),
            {key: np.asarray(found, dtype=np.int64) for key, found in facets.items()},
            {name: _column(values, len(ids)) for name, values in numbers.items()},
        )

    def __len__(self) -> int:
        return len(self.items)

    def category_of(self, position: int) -> str | None:
        """The item's first category, the one reasons and diversity use."""
        first = int(self.primary[position])
        return self.categories.id_of(first) if first >= 0 else None

    def categories_of(self, position: int) -> tuple[str, ...]:
        """All the item's categories (the first one first)."""
        start, end = self._by_item.indptr[position], self._by_item.indptr[position + 1]
        found = self.categories.ids_of(self._by_item.indices[start:end])
        first = self.category_of(position)
        return tuple(sorted(found, key=lambda c: c != first))

    def in_categories(self, names: Iterable[str]) -> Mask:
        """Items in any of the categories `names` (unknown names match nothing)."""
        columns = [c for c in self.categories.index(list(names)) if c >= 0]
        found = np.zeros(len(self), dtype=np.bool_)
        for column in columns:
            start, end = self._membership.indptr[column], self._membership.indptr[column + 1]
            found[self._membership.indices[start:end]] = True
        return found

    def with_value(self, name: str, values: Iterable[str]) -> Mask:
        """Items whose attribute `name` has any of `values` (in canonical facet text)."""
        found = np.zeros(len(self), dtype=np.bool_)
        for value in values:
            found[self._facets.get((name, value), np.empty(0, dtype=np.int64))] = True
        return found

    def within(self, name: str, low: float | None, high: float | None) -> Mask:
        """Items whose number `name` is within [low, high]; items without one pass."""
        values = self._numbers.get(name)
        if values is None:
            return np.ones(len(self), dtype=np.bool_)
        inside = np.isnan(values)
        with np.errstate(invalid="ignore"):
            inside |= (values >= (-np.inf if low is None else low)) & (
                values <= (np.inf if high is None else high)
            )
        return inside

    def value_weights(self, name: str, weights: npt.NDArray[np.float64]) -> dict[str, float]:
        """The summed `weights` of the items holding each value of attribute `name`
        ("category": each category)."""
        if name == "category":
            sums = np.asarray(self._membership.T @ weights).ravel()
            return {self.categories.id_of(c): float(sums[c]) for c in range(len(sums))}
        return {
            value: float(weights[found].sum())
            for (facet, value), found in self._facets.items()
            if facet == name
        }

    def mask(self, filters: Filters) -> Mask:
        """Items that are available and pass every filter."""
        allowed = self.available.copy()
        if filters.categories:
            allowed &= self.in_categories(filters.categories)
        if filters.exclude_categories:
            allowed &= ~self.in_categories(filters.exclude_categories)
        for name, values in filters.attributes.items():
            allowed &= self.with_value(name, values)
        for name, values in filters.exclude_attributes.items():
            allowed &= ~self.with_value(name, values)
        for name, (low, high) in filters.ranges.items():
            allowed &= self.within(name, low, high)
        excluded = self.items.index(list(filters.exclude_items))
        allowed[excluded[excluded >= 0]] = False
        return allowed

    def matches(self, boost: Boost) -> Mask:
        """Items a boost applies to."""
        hit = np.ones(len(self), dtype=np.bool_)
        if boost.category is not None:
            hit &= self.in_categories([boost.category])
        if boost.attribute is not None and boost.value is not None:
            hit &= self.with_value(boost.attribute, [boost.value])
        if boost.items:
            listed = np.zeros(len(self), dtype=np.bool_)
            found = self.items.index(list(boost.items))
            listed[found[found >= 0]] = True
            hit &= listed
        return hit


def _column(values: Mapping[int, float], size: int) -> npt.NDArray[np.float64]:
    column = np.full(size, np.nan)
    column[list(values)] = list(values.values())
    return column


__all__ = ["CatalogIndex", "CatalogRow", "Mask"]
