"""A token bucket: the arithmetic of a per-key rate limit, on plain numbers.

The bucket holds up to `burst` tokens and gains `rate` tokens a second; a request takes
one. `take` answers 0 when the request may go, else the seconds until a token is back.

>>> bucket = TokenBucket(rate=1.0, burst=2, now=0.0)
>>> bucket.take(0.0), bucket.take(0.0), bucket.take(0.0)
(0.0, 0.0, 1.0)
>>> bucket.take(1.0)
0.0
"""

from __future__ import annotations


class TokenBucket:
    def __init__(self, *, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._at = now

    def take(self, now: float) -> float:
        """Take a token at time `now` (seconds, monotonic): 0.0 if one was there, else the
        wait until one will be (nothing is taken then)."""
        elapsed = max(0.0, now - self._at)  # a reading from before the last adds nothing
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
        self._at = max(self._at, now)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate


__all__ = ["TokenBucket"]
