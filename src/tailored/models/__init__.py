"""Recommenders on numpy/scipy, one algorithm per module, one contract (`Recommender`).

>>> sorted(MODELS)
['cooccurrence', 'ease', 'ials', 'item_knn', 'popular', 'seq_blend', 'seq_ease', 'slit']
"""

from __future__ import annotations

from pathlib import Path

from tailored.errors import InvalidInput
from tailored.models.base import NotFitted, Ranking, Recommender, _read
from tailored.models.cooccurrence import CoOccurrence
from tailored.models.ease import EASE
from tailored.models.ials import IALS
from tailored.models.item_knn import ItemKNN
from tailored.models.popular import Popular
from tailored.models.seq_blend import SeqBlend
from tailored.models.seq_ease import SeqEASE
from tailored.models.slit import SLIT

MODELS: dict[str, type[Recommender]] = {
    model.name: model
    for model in (Popular, ItemKNN, CoOccurrence, EASE, IALS, SeqEASE, SLIT, SeqBlend)
}


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
    "ItemKNN",
    "NotFitted",
    "Popular",
    "Ranking",
    "Recommender",
    "SeqBlend",
    "SeqEASE",
    "load_model",
]
