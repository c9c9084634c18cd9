"""Recommenders on numpy/scipy, one algorithm per module, one contract (`Recommender`).

>>> sorted(MODELS)  # doctest: +NORMALIZE_WHITESPACE
['content', 'cooccurrence', 'ease', 'ials', 'item_knn', 'popular', 'seq_blend', 'seq_ease',
 'similar_blend', 'slit']
"""

from __future__ import annotations

from pathlib import Path

from tailored.errors import InvalidInput
from tailored.models.base import NotFitted, Ranking, Recommender, _read
from tailored.models.content import Content
from tailored.models.cooccurrence import CoOccurrence
from tailored.models.ease import EASE
from tailored.models.ials import IALS
from tailored.models.item_knn import ItemKNN
from tailored.models.popular import Popular
from tailored.models.seq_blend import SeqBlend
from tailored.models.seq_ease import SeqEASE
from tailored.models.similar_blend import SimilarBlend
from tailored.models.slit import SLIT

_ALL = (Popular, ItemKNN, CoOccurrence, EASE, IALS, SeqEASE, SLIT, SeqBlend, Content, SimilarBlend)
MODELS: dict[str, type[Recommender]] = {model.name: model for model in _ALL}


def load_model(path: str | Path) -> Recommender:
    """Read any model written by `Recommender.save`."""
    header, _ = _read(path)
    kind = MODELS.get(str(header.get("model")))
    if kind is None:
        raise InvalidInput("path", f"holds an unknown model {header.get('model')!r}")
    return kind.load(path)


__all__ = [
    "EASE",
    "IALS",
    "MODELS",
    "SLIT",
    "CoOccurrence",
    "Content",
    "ItemKNN",
    "NotFitted",
    "Popular",
    "Ranking",
    "Recommender",
    "SeqBlend",
    "SeqEASE",
    "SimilarBlend",
    "load_model",
]
