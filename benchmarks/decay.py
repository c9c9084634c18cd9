"""Which interaction half-life to ship as the default: measured on validation splits only.

For each benchmark data set, the DESIGN.md temporal split sets the test aside (never
read here); a second temporal split inside train gives inner-train and validation.
Inner-train's interactions are weighed as training weighs them (`tailored.data.decay`,
aged back from inner-train's latest event, the "now" of a training run) and each model
that uses interaction weights is fit at its default hyper-parameters, once per
half-life; the score is validation NDCG@10. The sequence models (slit, seq_ease,
seq_blend) read only the order of a history, never its weights, so decay cannot change
them and they are not run.

A repeated (user, item) is one interaction at its latest time (the protocol's merge),
so its weight is its count decayed by that time: for Online Retail's repeat purchases
this slightly overstates old repeats, against the per-event decay of `tailored train`.

The chosen half-life is the one with the best validation NDCG@10 averaged, relative to
no decay, over every (data set, model) pair (on a tie, the longer one). Results go to
benchmarks/results/decay.json.

    nice python benchmarks/decay.py
    nice python benchmarks/decay.py --retail-users 1500 --models ease
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from recsys import MOVIELENS, RETAIL, limit_blas_threads, read_movielens, read_retail
from tailored import __version__
from tailored.data import Interactions, temporal_split
from tailored.data.weighting import decay
from tailored.metrics import evaluate, too_small
from tailored.models import MODELS
from tailored.testing.provenance import source

RESULTS = Path(__file__).parent / "results" / "decay.json"
HALF_LIVES: tuple[float | None, ...] = (None, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0, 365.0, 730.0)
WEIGHTED_MODELS = ("ease", "item_knn", "ials")


def decayed(data: Interactions, half_life_days: float | None) -> Interactions:
    """`data` with each weight aged back from its latest interaction."""
    now = float(data.time.max())
    weight = data.weight * decay(data.time, now=now, half_life_days=half_life_days)
    return Interactions(data.users, data.items, data.user, data.item, data.time, weight)


def subsample_users(data: Interactions, n_users: int | None, *, seed: int) -> Interactions:
    """A seeded random `n_users` of the users (all of them if None), every interaction kept."""
    present = np.unique(data.user)
    if n_users is None or n_users >= len(present):
        return data
    keep = np.zeros(len(data.users), dtype=bool)
    keep[np.random.default_rng(seed).choice(present, n_users, replace=False)] = True
    rows = keep[data.user]
    return Interactions(
        data.users, data.items, data.user[rows], data.item[rows], data.time[rows], data.weight[rows]
    )


def run(name: str, read: Callable[[], Interactions], models: list[str]) -> dict[str, Any]:
    data = read()
    train, _test = temporal_split(data)  # the test is set aside, never scored
    inner, validation = temporal_split(train)
    if (reason := too_small(inner, validation)) is not None:
        raise SystemExit(f"{name}: {reason}")
    print(f"== {name}: {len(data.users)} users, {len(data)} interactions", flush=True)
    scores: dict[str, dict[str, float]] = {}
    for model in models:
        scores[model] = {}
        for half_life in HALF_LIVES:
            started = time.perf_counter()
            result = evaluate(MODELS[model](), decayed(inner, half_life), validation)
            scores[model][label(half_life)] = round(result.ndcg_at_10, 4)
            print(
                f"   {model} half-life {label(half_life)}: val ndcg@10 "
                f"{result.ndcg_at_10:.4f} ({time.perf_counter() - started:.1f} s)",
                flush=True,
            )
    span = (float(inner.time.max()) - float(inner.time.min())) / 86_400
    return {
        "users": len(data.users),
        "items": len(data.items),
        "interactions": len(data),
        "inner_train": len(inner),
        "validation": len(validation),
        "inner_train_span_days": round(span, 1),
        "val_ndcg@10": scores,
    }


def label(half_life: float | None) -> str:
    return "none" if half_life is None else f"{half_life:g}"


def choose(datasets: dict[str, Any]) -> dict[str, Any]:
    """The half-life with the best validation NDCG@10 relative to no decay, averaged over
    every (data set, model) pair."""
    relative: dict[str, list[float]] = {label(h): [] for h in HALF_LIVES}
    for result in datasets.values():
        for by_half_life in result["val_ndcg@10"].values():
            base = by_half_life["none"]
            for key, value in by_half_life.items():
                relative[key].append(value / base if base > 0 else 1.0)
    mean = {key: round(float(np.mean(values)), 4) for key, values in relative.items()}
    finite = {key: value for key, value in mean.items() if key != "none"}
    # Equal scores (to the 4 decimals measured): the longer half-life, which forgets less
    best = max(finite, key=lambda key: (finite[key], float(key)))
    return {
        "mean_relative_val_ndcg@10": mean,
        "best_half_life_days": float(best),
        "best_vs_none": mean[best],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--movielens", type=Path, default=MOVIELENS)
    parser.add_argument("--retail", type=Path, default=RETAIL)
    parser.add_argument("--no-retail", action="store_true")
    parser.add_argument(
        "--retail-users", type=int, default=None, help="a seeded sample of customers"
    )
    parser.add_argument("--models", default=",".join(WEIGHTED_MODELS))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    for model in models:
        if model not in MODELS:
            raise SystemExit(f"--models: unknown model {model!r}")
    blas_threads = limit_blas_threads()
    datasets = {"ml-100k": run("ml-100k", lambda: read_movielens(args.movielens), models)}
    if not args.no_retail:
        datasets["online-retail"] = run(
            "online-retail",
            lambda: subsample_users(read_retail(args.retail), args.retail_users, seed=0),
            models,
        )
    report = {
        "benchmark": "decay",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "tailored": __version__,
        "source": source(),
        "protocol": "validation only: temporal split inside the DESIGN.md train part; "
        "inner-train weights decayed from its latest event; default hyper-parameters",
        "parameters": {
            "half_lives_days": [label(h) for h in HALF_LIVES],
            "models": models,
            "retail_users": args.retail_users,
            "blas_threads": blas_threads,
        },
        "datasets": datasets,
        "choice": choose(datasets),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["choice"], indent=2))
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
