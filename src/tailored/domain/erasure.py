"""Erasure (GDPR Art. 17): what erasing a person removed, and the suppression list's hash.

The suppression list keeps, for each erased id, a keyed hash and nothing else: with the
key, a later event for the id is recognised and rejected; without it, the list says
nothing about who was erased (a plain hash of an e-mail address or a short id is
reversed by trying them all).

>>> key = b"k" * 32
>>> suppression_hash(key, "u1") == suppression_hash(key, "u1") != suppression_hash(key, "u2")
True
>>> len(suppression_hash(key, "u1"))
64
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

MIN_KEY_BYTES = 32  # HMAC-SHA256's own strength: a shorter key is the weak link
SUPPRESSED_REASON = (
    "was erased and is on the suppression list: nothing is stored for it again (the "
    "business can allow the person back: DELETE /v1/users/{id}?allow_return=true)"
)


def suppression_hash(key: bytes, user_id: str) -> str:
    """HMAC-SHA256 of `user_id` under `key`, as 64 hex digits."""
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"a suppression key needs at least {MIN_KEY_BYTES} bytes")
    return hmac.new(key, user_id.encode("utf-8"), hashlib.sha256).hexdigest()


RefitStatus = Literal["queued", "running", "succeeded", "failed"]


@dataclass(frozen=True, slots=True)
class ModelRefit:
    """An active model version trained on `events` of the erased person's events, and the
    training job that refits its model without them (`job_status` as the erasure saw it;
    poll the job for news)."""

    version_id: int
    model: str
    events: int
    job_id: int
    job_status: RefitStatus


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What erasing `user_id` did: `rows` removed per table (anonymized rows count too),
    the ids erased with it (`merged_ids`: anonymous ids merged into the person), the
    model versions that learned from them and their refits.

    `already_erased`: nothing was stored, but the id is on the suppression list (a second
    erasure: nothing left). `suppressed`: the id is on the list after this call (False when
    the business allowed the person to come back).

    >>> ErasureReport("u1", rows={"events": 3, "users": 1}).total
    4
    """

    user_id: str
    rows: Mapping[str, int] = field(default_factory=dict)
    merged_ids: tuple[str, ...] = ()
    models: tuple[ModelRefit, ...] = ()
    suppressed: bool = True
    already_erased: bool = False

    @property
    def total(self) -> int:
        """Rows removed in all."""
        return sum(self.rows.values())


__all__ = [
    "MIN_KEY_BYTES",
    "SUPPRESSED_REASON",
    "ErasureReport",
    "ModelRefit",
    "RefitStatus",
    "suppression_hash",
]
