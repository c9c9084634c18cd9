"""When a call is sent again, and after how long.

The server answers 503 with ``Retry-After`` when its database is busy or unreachable, and
then nothing of the request was stored. A call is repeated, up to `retries` times, after
a 503 or a failure to connect (the request never left), but only when sending it twice
does what sending it once does (`Route.idempotent`): reads, replacing writes (PUT, item
upserts), deletes, and writes the client made safe by giving them an id (events get an
`event_id`, reorders an order id). Creating a list, an order, a design or a training job
is never repeated: a 503 there is raised as `Unavailable` for the caller to decide.

The wait is the server's ``Retry-After`` (seconds or an HTTP date), else a doubling
backoff from half a second, capped at `MAX_WAIT` either way.

>>> policy = RetryPolicy(retries=2)
>>> policy.wait(attempt=0, retry_after="1")
1.0
>>> policy.wait(attempt=1, retry_after=None), policy.wait(attempt=0, retry_after="3600")
(1.0, 10.0)
>>> policy.allows(attempt=2, idempotent=True), policy.allows(attempt=0, idempotent=False)
(False, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

MAX_WAIT = 10.0  # seconds: a server asking for longer is better reported than waited on
FIRST_BACKOFF = 0.5


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often (`retries`, after the first attempt) and how long to wait between.

    >>> RetryPolicy(retries=0).allows(attempt=0, idempotent=True)
    False
    """

    retries: int = 2
    max_wait: float = MAX_WAIT

    def allows(self, *, attempt: int, idempotent: bool) -> bool:
        """Whether attempt number `attempt` (0: the first) may be followed by another."""
        return idempotent and attempt < self.retries

    def wait(self, *, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before the attempt after `attempt`."""
        asked = _seconds(retry_after)
        wait = asked if asked is not None else FIRST_BACKOFF * 2**attempt
        return min(max(wait, 0.0), self.max_wait)


def retriable_failure(error: httpx.TransportError) -> bool:
    """A failure that left the request unsent: no connection was made."""
    return isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)


def _seconds(retry_after: str | None) -> float | None:
    """``Retry-After`` in seconds: delta-seconds or an HTTP date (None: absent or
    unreadable)."""
    if retry_after is None:
        return None
    value = retry_after.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return seconds if math.isfinite(seconds) else None


__all__ = ["MAX_WAIT", "RetryPolicy", "retriable_failure"]
