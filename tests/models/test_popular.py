"""Popular passes the recommender contract."""

from __future__ import annotations

from tailored.data import Histories, Interactions
from tailored.models import Popular, Recommender
from tailored.testing.models import RecommenderContract


class TestPopularContract(RecommenderContract):
    personal = False

    def make(self) -> Recommender:
        return Popular()


def test_recent_interactions_outweigh_older_ones() -> None:
    day = 86_400.0
    # "old" has 4 interactions 60 days ago, "new" 2 interactions today
    users = ["a", "b", "c", "d", "e", "f"]
    items = ["old"] * 4 + ["new"] * 2
    times = [0.0] * 4 + [60 * day] * 2
    data = Interactions.from_ids(users, items, times=times)
    empty = Histories.from_sequences([[]])
    assert Popular(half_life_days=7).fit(data).recommend(empty, n=1)[0].items == ("new",)
    assert Popular(half_life_days=None).fit(data).recommend(empty, n=1)[0].items == ("old",)
