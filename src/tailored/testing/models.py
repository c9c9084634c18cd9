"""The contract every recommender passes: subclass `RecommenderContract`, say how to
build the model, and pytest runs the whole suite on it.

    class TestEASE(RecommenderContract):
        def make(self) -> Recommender:
            return EASE(l2=1.0)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tailored.data import Histories, Interactions, Vocabulary
from tailored.data.features import ItemFeatures, ItemText
from tailored.errors import InvalidInput, NotFound
from tailored.models import NotFitted, Ranking, Recommender, load_model

# Two tastes that never mix: shoppers of the "outdoor" items and of the "kitchen" items.
OUTDOOR = ["tent", "stove", "boots", "lamp"]
KITCHEN = ["pan", "knife", "kettle", "mug"]


def clustered() -> Interactions:
    """Forty users, each with three items of one cluster; every cluster item is common.

    The right answer: a history of outdoor items is completed with outdoor items.
    """
    users, items, times = [], [], []
    for u in range(40):
        cluster = OUTDOOR if u % 2 == 0 else KITCHEN
        picked = [cluster[(u // 2 + k) % 4] for k in range(3)]
        for k, item in enumerate(picked):
            users.append(f"user{u}")
            items.append(item)
            times.append(1_700_000_000 + 3600.0 * u + 60.0 * k)
    return Interactions.from_ids(users, items, times=times)


def clustered_features(*, cold: tuple[str, ...] = ()) -> ItemFeatures:
    """What a catalog says of the clustered items (and of `cold` outdoor items that no
    one interacted with): each cluster its own category and use."""
    texts = [
        ItemText(item, title=item.title(), categories=(kind,), attributes=(("use", use),))
        for kind, use, cluster in (
            ("outdoor", "camping", [*OUTDOOR, *cold]),
            ("kitchen", "cooking", KITCHEN),
        )
        for item in cluster
    ]
    return ItemFeatures(tuple(texts))


def _ties_sorted(ranking: Ranking) -> list[tuple[float, str]]:
    """A ranking with float noise removed, equal scores in id order."""
    return sorted(zip((-round(v, 6) for v in ranking.scores), ranking.items, strict=True))


class RecommenderContract:
    """Shared tests; `personal = False` for models that ignore the history (popularity)."""

    personal = True

    def make(self) -> Recommender:
        raise NotImplementedError

    @pytest.fixture
    def fitted(self) -> Recommender:
        # Models that read no features ignore them.
        return self.make().fit(clustered(), features=clustered_features())

    def test_fit_returns_the_model_and_keeps_its_parameters(self) -> None:
        model = self.make()
        params = model.get_params()
        assert model.fit(clustered(), features=clustered_features()) is model
        assert model.get_params() == params
        assert sorted(model.items_.ids.tolist()) == sorted(OUTDOOR + KITCHEN)

    def test_features_are_required_by_the_models_that_read_them(self) -> None:
        model = self.make()
        if not model.uses_features:
            assert model.fit(clustered()).n_items == len(OUTDOOR + KITCHEN)
            return
        with pytest.raises(InvalidInput, match=r"^features:"):
            model.fit(clustered())

    def test_items_without_interactions_get_similar_items_from_the_catalog(self) -> None:
        if not self.make().uses_features:
            pytest.skip("this model learns from interactions only")
        data = clustered()
        catalog = Vocabulary([*data.items.ids.tolist(), "lantern"])
        with_cold = Interactions.from_indices(
            data.users, catalog, data.user, data.item, data.time, data.weight
        )
        model = self.make().fit(with_cold, features=clustered_features(cold=("lantern",)))
        assert set(model.similar_items(["lantern"], n=4)[0].items) == set(OUTDOOR)
        assert "lantern" in model.similar_items(["tent"], n=4)[0].items

    def test_a_history_is_completed_from_its_own_cluster(self, fitted: Recommender) -> None:
        if not self.personal:
            pytest.skip("this model does not read the history")
        for cluster in (OUTDOOR, KITCHEN):
            history = fitted.histories([cluster[:2]])
            top = fitted.recommend(history, n=2)[0].items
            assert set(top) == set(cluster[2:]), top

    def test_similar_items_come_from_the_same_cluster(self, fitted: Recommender) -> None:
        if not self.personal:
            pytest.skip("this model has no notion of similarity")
        for ranking in fitted.similar_items(["tent", "pan"], n=3):
            assert len(ranking.items) == 3
        tent, pan = fitted.similar_items(["tent", "pan"], n=3)
        assert set(tent.items) == set(OUTDOOR) - {"tent"}
        assert set(pan.items) == set(KITCHEN) - {"pan"}

    def test_seen_items_are_excluded_unless_asked(self, fitted: Recommender) -> None:
        history = fitted.histories([["tent", "stove"]])
        assert not {"tent", "stove"} & set(fitted.recommend(history, n=8)[0].items)
        kept = fitted.recommend(history, n=8, exclude_seen=False)[0].items
        assert len(kept) == 8

    def test_allowed_mask_filters(self, fitted: Recommender) -> None:
        allowed = np.isin(fitted.items_.ids, KITCHEN)
        ranking = fitted.recommend(fitted.histories([["tent"]]), n=5, allowed=allowed)[0]
        assert ranking.items and set(ranking.items) <= set(KITCHEN)

    def test_scores_are_finite_and_ranked_best_first(self, fitted: Recommender) -> None:
        history = fitted.histories([["tent"], [], ["pan", "mug"]])
        scores = fitted.score(history)
        assert scores.shape == (3, fitted.n_items)
        assert np.isfinite(scores).all()
        for ranking in fitted.recommend(history, n=5):
            assert list(ranking.scores) == sorted(ranking.scores, reverse=True)

    def test_batch_equals_one_by_one(self, fitted: Recommender) -> None:
        rows = [["tent"], ["pan", "knife"], [], ["boots", "mug", "lamp"]]
        batch = fitted.score(fitted.histories(rows))
        single = np.vstack([fitted.score(fitted.histories([row])) for row in rows])
        np.testing.assert_allclose(batch, single, rtol=1e-6, atol=1e-9)
        ranked = fitted.recommend(fitted.histories(rows), n=4)
        alone = [fitted.recommend(fitted.histories([row]), n=4)[0] for row in rows]
        assert [_ties_sorted(r) for r in ranked] == [_ties_sorted(r) for r in alone]

    def test_score_items_are_the_same_columns_of_score(self, fitted: Recommender) -> None:
        history = fitted.histories([["tent", "boots"], ["pan"], []])
        columns = np.array([3, 0, 5])
        np.testing.assert_allclose(
            fitted.score_items(history, columns), fitted.score(history)[:, columns], atol=1e-9
        )

    def test_candidates_carry_the_scores_of_score(self, fitted: Recommender) -> None:
        history = fitted.histories([["tent", "boots"]])
        items, scores = fitted.candidates(history)
        full = fitted.score(history)[0]
        np.testing.assert_allclose(scores, full[items], atol=1e-9)
        left_out = np.setdiff1d(np.arange(fitted.n_items), items)
        assert (full[left_out] <= 0).all()  # only items without evidence are skipped

    def test_related_items_are_those_with_a_positive_similarity(self, fitted: Recommender) -> None:
        tent = fitted.items_.position("tent")
        items, scores = fitted.related(tent)
        similarity = fitted.similarity(np.array([tent]))[0]
        np.testing.assert_allclose(scores, similarity[items], atol=1e-9)
        assert (scores > 0).all()
        assert (similarity[np.setdiff1d(np.arange(fitted.n_items), items)] <= 0).all()

    def test_attribution_is_what_leaving_an_interaction_out_changes(
        self, fitted: Recommender
    ) -> None:
        """The basis of "because you viewed <title>": for each history interaction, the
        score with it minus the score without it."""
        rows = ["tent", "pan", "boots"]
        history = fitted.histories([rows])
        items = np.arange(fitted.n_items)
        lift = fitted.attribute(history, items, positions=np.array([0, 2]))
        full = fitted.score(history)[0]
        for r, left_out in enumerate([0, 2]):
            without = fitted.histories([[i for k, i in enumerate(rows) if k != left_out]])
            np.testing.assert_allclose(lift[r], full - fitted.score(without)[0], atol=1e-9)

    def test_unknown_ids_are_dropped_or_named(self, fitted: Recommender) -> None:
        history = fitted.histories([["tent", "no-such-item"]])
        assert history.row(0).tolist() == [fitted.items_.position("tent")]
        with pytest.raises(NotFound, match="no-such-item"):
            fitted.similar_items(["tent", "no-such-item"])

    def test_n_zero_and_negative(self, fitted: Recommender) -> None:
        assert fitted.recommend(fitted.histories([["tent"]]), n=0)[0].items == ()
        with pytest.raises(InvalidInput, match=r"^n:"):
            fitted.recommend(fitted.histories([["tent"]]), n=-1)

    def test_save_and_load_give_the_same_scores(self, fitted: Recommender, tmp_path: Path) -> None:
        path = fitted.save(tmp_path / "model.npz")
        again = load_model(path)
        assert type(again) is type(fitted)
        assert again.get_params() == fitted.get_params()
        history = fitted.histories([["tent", "boots"], ["mug"]])
        np.testing.assert_allclose(again.score(history), fitted.score(history), rtol=1e-6)
        with np.load(path, allow_pickle=False) as stored:  # loads without pickle
            assert stored["item_ids"].dtype.kind == "U"

    def test_use_before_fit_is_a_clear_error(self) -> None:
        with pytest.raises(NotFitted, match="fit"):
            self.make().recommend(Histories.from_sequences([[0]]))

    def test_empty_interactions_are_refused(self) -> None:
        empty = Interactions.from_ids([], [])
        with pytest.raises(InvalidInput, match="interactions"):
            self.make().fit(empty, features=clustered_features())


__all__ = ["KITCHEN", "OUTDOOR", "RecommenderContract", "clustered", "clustered_features"]
