"""What is recorded about a trained model version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ModelVersion:
    """A trained recommender: which algorithm, with which hyper-parameters, learned from
    which data window, and how well it did offline (`metrics`; empty when the data was
    too small for an honest evaluation, and `metrics_note` says why)."""

    id: int
    model: str
    params: dict[str, Any]
    metrics: dict[str, Any]
    data_from: datetime | None
    data_to: datetime | None
    interactions: int
    users: int
    items: int
    artifact: str
    created_at: datetime
    active: bool = field(default=False)
    metrics_note: str | None = None

    @property
    def selection(self) -> dict[str, Any] | None:
        """How training's `auto` chose this model on validation (`metrics.Selection`),
        or None for a model trained by name."""
        found = self.metrics.get("selection")
        return found if isinstance(found, dict) else None


__all__ = ["ModelVersion"]
