"""Choose a model and its hyper-parameters on the validation split of the data at hand.

Constants tuned on one data set do not carry to another (on ml-100k SeqBlend wins, on
Online Retail SLIT does), so training picks among candidate models by validation
NDCG@10, measured like `tune`: a temporal split inside train, never the test.

In two rounds: every candidate at its defaults first (the screen: one fit each, always
run, so that every model is compared however tight the budget), then the grids, until
`budget_seconds` is spent: first those of the contenders (screened within `CONTENDER`
of the best), one entry of each in turn, then the others'. The best (model,
parameters) tried wins; ties go to the earlier trial. Where the validation split is `too_small`, no
score would mean anything: the first candidate wins at its defaults, and `note` says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tailored.data.interactions import Interactions
from tailored.data.splits import temporal_split
from tailored.errors import InvalidInput
from tailored.metrics.protocol import evaluate, too_small

if TYPE_CHECKING:
    from tailored.models.base import Recommender

CONTENDER = 0.9
"""Models screened within this share of the best get their grids searched first."""
Candidate = tuple[Callable[..., "Recommender"], Sequence[Mapping[str, Any]]]
"""How to make a model, and the hyper-parameters to try on it (its grid)."""


@dataclass(frozen=True)
class Trial:
    """One model with one set of parameters, scored on validation."""

    model: str
    params: Mapping[str, Any]
    ndcg_at_10: float
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "params": dict(self.params),
            "val_ndcg@10": round(self.ndcg_at_10, 4),
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class Selection:
    """What won, what was tried (in the order tried), and what was not and why.

    >>> from tailored.models import EASE, Popular
    >>> users = [f"u{u}" for u in range(30) for _ in range(8)]
    >>> items = [f"i{(u + k) % 30}" for u in range(30) for k in range(8)]
    >>> data = Interactions.from_ids(users, items, times=list(range(8)) * 30)
    >>> chosen = select({"popular": (Popular, []), "ease": (EASE, [{"l2": 10.0}])},
    ...                 data, budget_seconds=60)
    >>> chosen.model, [(t.model, dict(t.params)) for t in chosen.trials]
    ('ease', [('popular', {}), ('ease', {}), ('ease', {'l2': 10.0})])
    """

    model: str
    params: Mapping[str, Any]
    trials: tuple[Trial, ...]
    skipped: Mapping[str, str]
    """Per candidate, why (some of) its settings were not tried."""
    budget_seconds: float
    seconds: float
    note: str | None = None
    """Why nothing was compared (data too small), or None."""

    @property
    def best(self) -> Trial | None:
        return max(self.trials, key=lambda t: t.ndcg_at_10, default=None)

    def as_dict(self) -> dict[str, Any]:
        """For a model version's record: the choice, its validation score, and every
        candidate's best score (the reasons a person reads)."""
        best = self.best
        per_model: dict[str, float] = {}
        for trial in self.trials:
            per_model[trial.model] = max(per_model.get(trial.model, -1.0), trial.ndcg_at_10)
        return {
            "model": self.model,
            "params": dict(self.params),
            "val_ndcg@10": None if best is None else round(best.ndcg_at_10, 4),
            "candidates_val_ndcg@10": {m: round(s, 4) for m, s in per_model.items()},
            "tried": [trial.as_dict() for trial in self.trials],
            "skipped": dict(self.skipped),
            "budget_s": round(self.budget_seconds, 1),
            "seconds": round(self.seconds, 2),
            "note": self.note,
        }


def select(
    candidates: Mapping[str, Candidate],
    train: Interactions,
    *,
    budget_seconds: float,
    grids: bool = True,
    test_fraction: float = 0.2,
    clock: Callable[[], float] = time.perf_counter,
) -> Selection:
    """Pick the model of `candidates` (in order of preference) and its parameters with
    the best validation NDCG@10 on a temporal split of `train` (see the module
    docstring). Without `grids`, models are compared at their defaults only. The screen
    always runs; a grid entry starts only within `budget_seconds` of the start.
    """
    if not candidates:
        raise InvalidInput("candidates", "name at least one model")
    if not budget_seconds > 0:
        raise InvalidInput("budget_seconds", f"must be positive, not {budget_seconds}")
    started = clock()
    first = next(iter(candidates))
    inner, validation = temporal_split(train, test_fraction=test_fraction)
    if (reason := too_small(inner, validation)) is not None:
        note = f"{first} at its defaults, nothing compared: {reason} (validation split)"
        return Selection(first, {}, (), {}, budget_seconds, clock() - started, note)
    trials: list[Trial] = []
    skipped: dict[str, str] = {}
    tried: dict[str, list[dict[str, Any]]] = {name: [] for name in candidates}

    def over_budget() -> bool:
        return clock() - started >= budget_seconds

    def attempt(name: str, params: Mapping[str, Any]) -> None:
        make = candidates[name][0]
        effective = make(**params).get_params()
        if effective in tried[name]:
            return  # a grid entry equal to the defaults already scored
        tried[name].append(effective)
        limit = effective.get("max_items")
        if isinstance(limit, int) and len(inner.items) > limit:
            skipped[name] = f"the catalog has {len(inner.items)} items, over its limit of {limit}"
            return
        began = clock()
        try:
            result = evaluate(make(**params), inner, validation)
        except (InvalidInput, MemoryError) as error:
            skipped[name] = "out of memory" if isinstance(error, MemoryError) else str(error)
            return
        trials.append(Trial(name, dict(params), result.ndcg_at_10, clock() - began))

    for name in candidates:
        attempt(name, {})
    if grids:
        screened = {t.model: t.ndcg_at_10 for t in trials}
        top = max(screened.values())
        contenders = [name for name in screened if screened[name] >= CONTENDER * top]
        rest = [name for name in screened if name not in contenders]
        for group in (contenders, rest):
            _search(group, candidates, attempt, over_budget, skipped)
    best = max(trials, key=lambda t: t.ndcg_at_10, default=None)
    if best is None:
        reasons = "; ".join(f"{name}: {why}" for name, why in skipped.items())
        raise InvalidInput("models", f"no candidate model could be fitted ({reasons})")
    return Selection(
        best.model, best.params, tuple(trials), skipped, budget_seconds, clock() - started
    )


def _search(
    names: Sequence[str],
    candidates: Mapping[str, Candidate],
    attempt: Callable[[str, Mapping[str, Any]], None],
    over_budget: Callable[[], bool],
    skipped: dict[str, str],
) -> None:
    """The grids of `names` in turns, one entry of each per round, so that a budget
    spent early has still tuned every one of them a little."""
    rounds = max((len(candidates[name][1]) for name in names), default=0)
    for n in range(rounds):
        for name in names:
            grid = candidates[name][1]
            if n >= len(grid) or name in skipped:
                continue
            if over_budget():
                position = names.index(name)
                for k, late in enumerate(names):
                    left = len(candidates[late][1]) - (n + 1 if k < position else n)
                    if left > 0:
                        skipped.setdefault(late, f"time budget spent: {left} of its grid not tried")
                return
            attempt(name, grid[n])


__all__ = ["Candidate", "Selection", "Trial", "select"]
