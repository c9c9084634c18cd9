"""Content: items are similar when the catalog describes them alike (TF-IDF, cosine).

Computed locally from the catalog's words (`ItemFeatures`): no download, no embedding
service. Items nobody has interacted with yet have neighbours from the first training
after they enter the catalog.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from tailored.data.features import ItemFeatures, ItemText
from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.neighborhood import Neighborhood
from tailored.models.sparse import keep_top_per_row

COMMON_FLOOR = 1000
"""`max_share` drops no word found on fewer items than this: a small catalog keeps
every word that tells its items apart."""
BLOCK_VALUES = 1 << 24
"""Item pairs a block may hold while fitting (at most, when every pair shares a word)."""
WORD = re.compile(r"[^\W\d_]{2,}")  # runs of two letters or more: no numbers, no codes
FIELDS = ("title", "category", "attribute")


class Content(Neighborhood):
    """TF-IDF over each item's words, cosine similarity, each item's `neighbors` most
    similar items kept (sparse). The words come in three fields: title words, whole
    categories and categorical attributes as "name=value"; each field is normalised on
    its own and weighed by its `*_weight`, so that an item with many attributes does not
    drown its category. A word only one item has, or every item has, tells no items
    apart and is dropped. So is a word on more than `max_share` of the items once that
    is over `COMMON_FLOOR` items: the pairs sharing a word are what fitting costs, and
    a word that common says little (on 100,000 items, see benchmarks/similar.py). A
    history scores item j by the summed similarity of its items to j.

    >>> from tailored.data import Vocabulary
    >>> from tailored.domain.catalog import Item
    >>> features = ItemFeatures.of([
    ...     Item("latte", "Caffe latte", categories=("coffee",), attributes={"milk": "yes"}),
    ...     Item("flat", "Flat white", categories=("coffee",), attributes={"milk": "yes"}),
    ...     Item("mocha", "Mocha", categories=("coffee",), attributes={"milk": "yes"}),
    ...     Item("hood", "Zip hoodie", categories=("hoodies",), attributes={"colour": "red"}),
    ...     Item("crew", "Crew hoodie", categories=("hoodies",), attributes={"colour": "red"}),
    ... ])
    >>> data = Interactions.from_ids(["u", "u"], ["latte", "hood"], items=Vocabulary(features.ids))
    >>> Content().fit(data, features=features).similar_items(["latte"], n=2)[0].items
    ('flat', 'mocha')
    """

    name = "content"
    uses_features = True

    def __init__(
        self,
        *,
        neighbors: int = 100,
        title_weight: float = 1.0,
        category_weight: float = 2.0,
        attribute_weight: float = 1.0,
        max_share: float = 0.02,
    ) -> None:
        self.neighbors = neighbors
        self.title_weight = title_weight
        self.category_weight = category_weight
        self.attribute_weight = attribute_weight
        self.max_share = max_share

    def get_params(self) -> dict[str, Any]:
        names = ("neighbors", "title_weight", "category_weight", "attribute_weight", "max_share")
        return {name: getattr(self, name) for name in names}

    def _fit(self, data: Interactions) -> None:
        raise InvalidInput("features", f"{self.name} learns from the catalog: pass its features")

    def _fit_features(self, data: Interactions, features: ItemFeatures) -> None:
        self._check_params()
        weights = (self.title_weight, self.category_weight, self.attribute_weight)
        texts = [features.get(item_id) for item_id in data.items.ids.tolist()]
        fields = [
            weight * _tfidf(words, self.max_share)
            for weight, words in zip(weights, _words(texts), strict=True)
        ]
        vectors = _unit_rows(sp.hstack(fields, format="csr"))
        self.similarity_ = top_cosines(vectors, neighbors=self.neighbors)

    def _check_params(self) -> None:
        if self.neighbors < 1:
            raise InvalidInput("neighbors", f"must be 1 or more, not {self.neighbors}")
        for field in FIELDS:
            weight = getattr(self, f"{field}_weight")
            if not (math.isfinite(weight) and weight >= 0):
                raise InvalidInput(f"{field}_weight", f"must be 0 or more, not {weight}")
        if self.title_weight + self.category_weight + self.attribute_weight == 0:
            raise InvalidInput("category_weight", "at least one field needs a weight above 0")
        if not 0 < self.max_share <= 1:
            raise InvalidInput("max_share", f"must be above 0 and at most 1, not {self.max_share}")


def words_of(title: str) -> list[str]:
    """A title's words, lower case, numbers left out, a plural "s" taken off.

    >>> words_of("Trail Runners 2, Forest-Green")
    ['trail', 'runner', 'forest', 'green']
    """
    found = [word.lower() for word in WORD.findall(title)]
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in found]


def _words(texts: Sequence[ItemText | None]) -> tuple[list[list[str]], ...]:
    """Per field, each item's words (none for an item the catalog does not describe)."""
    titles: list[list[str]] = []
    categories: list[list[str]] = []
    attributes: list[list[str]] = []
    for text in texts:
        if text is None:
            titles.append([])
            categories.append([])
            attributes.append([])
            continue
        titles.append(words_of(text.title))
        categories.append([c.strip().lower() for c in text.categories if c.strip()])
        attributes.append([f"{name}={value.strip().lower()}" for name, value in text.attributes])
    return titles, categories, attributes


def _tfidf(words: Sequence[Iterable[str]], max_share: float) -> sp.csr_matrix:
    """Items x words: (1 + log tf) * idf, rows of unit length (empty rows stay 0)."""
    vocabulary: dict[str, int] = {}
    rows, columns = [], []
    for row, item_words in enumerate(words):
        for word in item_words:
            rows.append(row)
            columns.append(vocabulary.setdefault(word, len(vocabulary)))
    n_items = len(words)
    counts = sp.csr_matrix(
        (np.ones(len(rows)), (np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64))),
        shape=(n_items, len(vocabulary)),
    )  # repeats add up
    counts.sum_duplicates()
    described = int((np.diff(counts.indptr) > 0).sum())
    df = np.bincount(counts.indices, minlength=len(vocabulary))
    # A word on every item tells none apart; a word on very many costs the most to
    # compare (the pairs sharing it) and tells little.
    common = (df >= described) | (df > max(max_share * described, COMMON_FLOOR))
    keep = (df >= 2) & ~common
    idf = np.log((1.0 + described) / (1.0 + df)) + 1.0
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    counts.data[~keep[counts.indices]] = 0.0
    counts.eliminate_zeros()
    return _unit_rows(counts)


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    matrix = matrix.tocsr().astype(np.float64)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    matrix.data /= np.where(norms > 0, norms, 1.0)[rows]
    return matrix


def top_cosines(
    vectors: sp.csr_matrix, *, neighbors: int, block_items: int | None = None
) -> sp.csr_matrix:
    """Items x items: each item's `neighbors` most similar other items (ties keep lower
    columns) by the dot product of its unit-length row with the others'.

    Never the whole items x items product: `block_items` rows at a time (by default as
    many as `BLOCK_VALUES` allows), each cut to its top `neighbors` at once.

    >>> v = sp.csr_matrix(np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]))
    >>> top_cosines(v, neighbors=1).toarray().round(2).tolist()
    [[0.0, 0.6, 0.0], [0.0, 0.0, 0.8], [0.0, 0.8, 0.0]]
    """
    n_items = vectors.shape[0]
    transposed = vectors.T.tocsr()
    step = block_items or max(1, BLOCK_VALUES // max(n_items, 1))
    blocks = [sp.csr_matrix((0, n_items))]
    for start in range(0, n_items, step):
        product = (vectors[start : start + step] @ transposed).tocsr()
        rows = start + np.repeat(np.arange(product.shape[0]), np.diff(product.indptr))
        product.data[product.indices == rows] = 0.0  # never itself
        product.data[product.data < 1e-12] = 0.0  # float noise is no similarity
        product.eliminate_zeros()
        blocks.append(keep_top_per_row(product, neighbors))
    return sp.vstack(blocks, format="csr")


__all__ = ["Content", "top_cosines", "words_of"]
