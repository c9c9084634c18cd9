"""Cold start from what users chose: the NDCG@10 gain of onboarding answers on MovieLens.

Every user states preferences as onboarding would ask for them: the genres of their
first 5 ratings (by time; the most frequent genres first, at most 5, the default
field's limit) become `favourite_categories`. Users are split into `--folds` folds; for
each fold a fresh SQLite store holds the catalog and the other folds' ratings, so the
fold's users are new to it (no events at all). Each of them is asked, through the
engine's real recommendation chain, for 10 items twice: before answering (what is
trending) and after (popular among the genres they chose first). Both lists are scored
against the user's ratings after the first 5: NDCG@10, HR@10 and Recall@10 (DESIGN.md's
definitions), averaged over users. Results go to benchmarks/results/cold_start.json.

    python benchmarks/cold_start.py                                  # ml-100k, 5 folds
    python benchmarks/cold_start.py --folds 2 --max-users 100        # a quick run
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ingest import machine  # benchmarks/ingest.py, beside this file
from tailored import Engine, __version__
from tailored.config import Settings
from tailored.metrics.ranking import hit_rate, hits, ndcg, recall
from tailored.readers.movielens import MovieLensFolder
from tailored.readers.rows import ERROR_KEY
from tailored.testing.provenance import source

RESULTS = Path(__file__).parent / "results" / "cold_start.json"
ML_100K = Path(__file__).parents[2] / "shared" / "data" / "movielens" / "ml-100k"
STATED = 5  # ratings whose genres are the stated preferences
MAX_PICKS = 5  # the default favourite_categories field's limit
K = 10
BATCH = 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--movielens", type=Path, default=ML_100K)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-users", type=int, default=None, help="cold users per fold")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    started = time.perf_counter()
    folder = MovieLensFolder.open(args.movielens)
    items = [row for _, row in folder.rows("items") if ERROR_KEY not in row]
    genres = {row["id"]: row["categories"] for row in items}
    ratings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, row in folder.rows("events"):
        if ERROR_KEY not in row:
            ratings[row["user_id"]].append(row)
    users = sorted(u for u, rows in ratings.items() if len(rows) > STATED)
    order = np.random.default_rng(args.seed).permutation(len(users))
    folds = [[users[i] for i in order[f :: args.folds]] for f in range(args.folds)]
    per_fold = []
    for number, cold in enumerate(folds):
        cold = cold[: args.max_users] if args.max_users else cold
        figures = run_fold(items, ratings, genres, cold, set(folds[number]))
        per_fold.append(figures)
        print(f"fold {number + 1}/{args.folds}: {json.dumps(figures)}", flush=True)
    total = sum(f["users"] for f in per_fold)

    def mean(name: str) -> float:
        return round(sum(f[name] * f["users"] for f in per_fold) / total, 4)

    summary = {
        name: mean(name)
        for name in ("trending_ndcg@10", "chosen_ndcg@10", "trending_hr@10", "chosen_hr@10",
                     "trending_recall@10", "chosen_recall@10")
    }  # fmt: skip
    summary["ndcg@10_gain"] = round(summary["chosen_ndcg@10"] - summary["trending_ndcg@10"], 4)
    summary["ndcg@10_gain_relative"] = round(
        summary["chosen_ndcg@10"] / summary["trending_ndcg@10"] - 1, 3
    )
    report = {
        "benchmark": "cold_start",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "tailored": __version__,
        "machine": machine(),
        "source": source(),
        "data": str(args.movielens),
        "protocol": f"stated preferences: genres of each user's first {STATED} ratings "
        f"(at most {MAX_PICKS}); the user is new to the store; scored on the later ratings",
        "parameters": {"folds": args.folds, "max_users": args.max_users, "seed": args.seed},
        "users": total,
        "results": summary,
        "folds": per_fold,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(summary, indent=2), f"\nwritten to {args.output}")


def run_fold(
    items: list[dict[str, Any]],
    ratings: dict[str, list[dict[str, Any]]],
    genres: dict[str, list[str]],
    cold: list[str],
    fold: set[str],
) -> dict[str, Any]:
    """One store without the fold's users; each cold user asked before and after."""
    with tempfile.TemporaryDirectory(prefix="tailored-cold-") as folder:
        settings = Settings(serving_refresh_seconds=3600, models_dir=Path(folder) / "models")
        with Engine.open(f"sqlite:///{folder}/store.db", settings=settings) as engine:
            for start in range(0, len(items), BATCH):
                engine.items.upsert_many(items[start : start + BATCH])
            known = [row for user, rows in ratings.items() if user not in fold for row in rows]
            for start in range(0, len(known), BATCH):
                engine.events.record_many(known[start : start + BATCH])
            lists: dict[str, list[list[str]]] = {"trending": [], "chosen": []}
            relevant = []
            for user in cold:
                history = sorted(ratings[user], key=lambda r: (r["timestamp"], r["item_id"]))
                lists["trending"].append(_ids(engine, user))
                engine.preferences.answer(user, {"favourite_categories": stated(history, genres)})
                lists["chosen"].append(_ids(engine, user))
                relevant.append({r["item_id"] for r in history[STATED:]})
    figures: dict[str, Any] = {"users": len(cold)}
    for name, recommended in lists.items():
        codes = {item: code for code, item in enumerate(genres)}
        matrix = np.array([[codes[i] for i in row] + [-1] * (K - len(row)) for row in recommended])
        wanted = [{codes[i] for i in rel if i in codes} for rel in relevant]
        h = hits(matrix, wanted)
        figures[f"{name}_ndcg@10"] = round(float(ndcg(h, wanted, k=K).mean()), 4)
        figures[f"{name}_hr@10"] = round(float(hit_rate(h, k=K).mean()), 4)
        figures[f"{name}_recall@10"] = round(float(recall(h, wanted, k=K).mean()), 4)
    return figures


def stated(history: list[dict[str, Any]], genres: dict[str, list[str]]) -> list[str]:
    """The genres of the first ratings, the most frequent first (ties: first seen)."""
    counted = Counter(g for r in history[:STATED] for g in genres.get(r["item_id"], []))
    return [genre for genre, _ in counted.most_common(MAX_PICKS)]


def _ids(engine: Engine, user: str) -> list[str]:
    return [r.item_id for r in engine.recommendations.for_user(user, n=K).items]


if __name__ == "__main__":
    main()
