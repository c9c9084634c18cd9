"""Interaction data as algorithms want it: dense integer ids, sparse matrices, splits."""

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.data.splits import temporal_split
from tailored.data.vocabulary import Vocabulary
from tailored.data.weighting import Weighting

__all__ = ["Histories", "Interactions", "Vocabulary", "Weighting", "temporal_split"]
