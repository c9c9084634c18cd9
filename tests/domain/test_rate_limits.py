"""The token bucket behind per-key rate limits."""

from __future__ import annotations

import pytest

from tailored.domain.keys import RateLimit
from tailored.domain.rate_limits import TokenBucket


def test_a_burst_passes_then_requests_wait_for_the_rate() -> None:
    bucket = TokenBucket(rate=2.0, burst=3, now=100.0)
    assert [bucket.take(100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(100.0) == pytest.approx(0.5)  # one token every 0.5 s
    assert bucket.take(100.25) == pytest.approx(0.25)  # a refused request takes nothing
    assert bucket.take(100.5) == 0.0
    assert bucket.take(100.5) == pytest.approx(0.5)


def test_an_idle_bucket_refills_only_up_to_the_burst() -> None:
    bucket = TokenBucket(rate=1.0, burst=2, now=0.0)
    bucket.take(0.0)
    bucket.take(0.0)
    admitted = [bucket.take(3600.0) for _ in range(3)]
    assert admitted[:2] == [0.0, 0.0] and admitted[2] == pytest.approx(1.0)


def test_a_clock_going_backwards_never_mints_tokens() -> None:
    bucket = TokenBucket(rate=1.0, burst=1, now=10.0)
    assert bucket.take(10.0) == 0.0
    assert bucket.take(5.0) == pytest.approx(1.0)  # an earlier reading adds nothing...
    assert bucket.take(11.0) == 0.0  # ... and takes nothing away


def test_a_rate_per_minute_is_its_rate_per_second() -> None:
    assert RateLimit(120, "minute", burst=5).per_second == 2.0
    assert RateLimit(3, "second", burst=1).per_second == 3.0
    assert str(RateLimit(600, "minute", burst=20)) == "600/minute burst 20"
