"""Answers already given, kept by everything that went into them.

An answer is a pure function of the serving state (catalog, trending, models), the
request (n, placement, filters, context and the facts read off the clock) and the
user's side (consent, preferences and history). The cache belongs to one serving state
and the key holds the rest, with the user's history as a fingerprint (how many events,
the newest one's time) that any new event changes; so an answer is reused exactly while
nothing that produced it has changed, and a user's next event is still seen at once.
Decay and the trending window move with the clock, so a cache lives `MAX_AGE_SECONDS`
at most.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from tailored.domain.recommendations import RecommendationList

MAX_AGE_SECONDS = 300.0


class AnswerCache:
    """At most `size` answers (0: none); the oldest go first.

    >>> from tailored.domain.recommendations import RecommendationList
    >>> cache = AnswerCache(1, created=0.0)
    >>> answer = RecommendationList((), personalized=False, source="trending")
    >>> cache.put("a", answer); cache.put("b", answer)
    >>> cache.get("a"), cache.get("b") is answer
    (None, True)
    """

    def __init__(self, size: int, *, created: float) -> None:
        self.size = size
        self.created = created
        self._answers: dict[Hashable, RecommendationList] = {}
        self._lock = threading.Lock()  # writers only: a dict read is atomic

    def fresh(self, now: float) -> bool:
        return now - self.created < MAX_AGE_SECONDS

    def get(self, key: Hashable) -> RecommendationList | None:
        return self._answers.get(key)

    def put(self, key: Hashable, answer: RecommendationList) -> None:
        if self.size == 0:
            return
        with self._lock:
            while len(self._answers) >= self.size:
                del self._answers[next(iter(self._answers))]
            self._answers[key] = answer

    def drop(self, matches: Callable[[Hashable], bool]) -> int:
        """Forget the answers whose key `matches` (e.g. a user's, when they are erased);
        returns how many.

        >>> cache = AnswerCache(3, created=0.0)
        >>> answer = RecommendationList((), personalized=False, source="trending")
        >>> cache.put(("u1", 1), answer); cache.put(("u2", 1), answer)
        >>> cache.drop(lambda key: key[0] == "u1"), cache.get(("u2", 1)) is answer
        (1, True)
        """
        with self._lock:
            gone = [key for key in self._answers if matches(key)]
            for key in gone:
                del self._answers[key]
        return len(gone)


__all__ = ["MAX_AGE_SECONDS", "AnswerCache"]
