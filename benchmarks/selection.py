"""Does the model `tailored train` chooses on validation also win on the test?

Per benchmark data set: the DESIGN.md temporal split; `tailored.metrics.select` runs on
train alone, exactly as `tailored train` runs it (the candidates of
`engine.training.CANDIDATES`, their grids, the size-scaled time budget), and records its
choice. Then every candidate, at the parameters that scored best for it on validation,
is refit on all of train and scored on the test, to rank them there. The record says,
per data set, the validation choice, the test ranking, and whether they agree.

Results go to benchmarks/results/selection.json.

    nice python benchmarks/selection.py
    nice python benchmarks/selection.py --retail-users 2000 --budget 120
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

from decay import subsample_users
from recsys import MOVIELENS, RETAIL, limit_blas_threads, read_movielens, read_retail
from tailored import __version__
from tailored.data import Interactions, temporal_split
from tailored.engine.training import CANDIDATES, budget_seconds
from tailored.metrics import evaluate, select
from tailored.models import MODELS
from tailored.models.grids import GRIDS
from tailored.testing.provenance import source

RESULTS = Path(__file__).parent / "results" / "selection.json"


def run(
    name: str, read: Callable[[], Interactions], budget: float | None, models: list[str]
) -> dict[str, Any]:
    data = read()
    train, test = temporal_split(data)
    limit = budget if budget is not None else budget_seconds(len(train))
    print(f"== {name}: {len(data.users)} users, {len(data)} interactions, "
          f"budget {limit:.0f} s", flush=True)  # fmt: skip
    candidates = {model: (MODELS[model], GRIDS[model]) for model in models}
    started = time.perf_counter()
    selection = select(candidates, train, budget_seconds=limit)
    chose_s = time.perf_counter() - started
    print(f"   chose {selection.model} {dict(selection.params)} in {chose_s:.0f} s", flush=True)
    best_params: dict[str, tuple[float, dict[str, Any]]] = {}
    for trial in selection.trials:
        if trial.model not in best_params or trial.ndcg_at_10 > best_params[trial.model][0]:
            best_params[trial.model] = (trial.ndcg_at_10, dict(trial.params))
    on_test: dict[str, Any] = {}
    for model, (val, params) in best_params.items():
        result = evaluate(MODELS[model](**params), train, test)
        on_test[model] = {
            "params": params,
            "val_ndcg@10": round(val, 4),
            "test_ndcg@10": round(result.ndcg_at_10, 4),
            "test_recall@20": round(result.recall_at_20, 4),
        }
        print(f"   {model}: val {val:.4f} test {result.ndcg_at_10:.4f} {params}", flush=True)
    ranking = sorted(on_test, key=lambda m: -on_test[m]["test_ndcg@10"])
    winner = ranking[0]
    return {
        "users": len(data.users),
        "items": len(data.items),
        "interactions": len(data),
        "train": len(train),
        "test": len(test),
        "budget_s": round(limit, 1),
        "selection_s": round(chose_s, 1),
        "chosen_on_validation": {"model": selection.model, "params": dict(selection.params)},
        "test_ranking": ranking,
        "test_winner": winner,
        "agrees": winner == selection.model,
        "chosen_test_ndcg@10": on_test[selection.model]["test_ndcg@10"],
        "winner_test_ndcg@10": on_test[winner]["test_ndcg@10"],
        "models": on_test,
        "skipped": dict(selection.skipped),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--movielens", type=Path, default=MOVIELENS)
    parser.add_argument("--retail", type=Path, default=RETAIL)
    parser.add_argument("--no-retail", action="store_true")
    parser.add_argument(
        "--retail-users", type=int, default=None, help="a seeded sample of customers"
    )
    parser.add_argument(
        "--budget", type=float, default=None, help="seconds (default: as tailored train)"
    )
    parser.add_argument("--models", default=",".join(CANDIDATES))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    for model in models:
        if model not in MODELS:
            raise SystemExit(f"--models: unknown model {model!r}")
    blas_threads = limit_blas_threads()
    datasets = {
        "ml-100k": run("ml-100k", lambda: read_movielens(args.movielens), args.budget, models)
    }
    if not args.no_retail:
        datasets["online-retail"] = run(
            "online-retail",
            lambda: subsample_users(read_retail(args.retail), args.retail_users, seed=0),
            args.budget,
            models,
        )
    report = {
        "benchmark": "selection",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "tailored": __version__,
        "source": source(),
        "protocol": "DESIGN.md split; metrics.select on train only (validation inside "
        "train), as tailored train runs it; each candidate at its best validation "
        "parameters refit on train and scored on the test",
        "parameters": {
            "models": models,
            "budget_s": args.budget,
            "retail_users": args.retail_users,
            "blas_threads": blas_threads,
        },
        "datasets": datasets,
        "all_agree": all(d["agrees"] for d in datasets.values()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    summary = {
        n: (d["chosen_on_validation"]["model"], d["test_winner"]) for n, d in datasets.items()
    }
    print(json.dumps(summary))
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
