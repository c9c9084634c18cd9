"""The decay and model-choice benchmarks still run end to end (a tiny MovieLens-format
folder, no retail data; figures are not checked here, only the report's shape and the
rules that read it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


def write_movielens(folder: Path, *, users: int = 40, items: int = 30) -> None:
    """A u.data (user, item, rating, unix time) with skewed items, over 40 days."""
    rng = np.random.default_rng(3)
    p = 1.0 / np.arange(1, items + 1)
    lines = []
    for user in range(1, users + 1):
        liked = rng.choice(items, size=8, replace=False, p=p / p.sum()) + 1
        for n, item in enumerate(liked):
            at = 880_000_000 + 86_400 * user + 3600 * n
            lines.append(f"{user}\t{item}\t{rng.integers(1, 6)}\t{at}")
    folder.mkdir()
    (folder / "u.data").write_text("\n".join(lines) + "\n")


def _run(script: str, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.slow
def test_the_decay_benchmark_chooses_a_half_life_from_validation(tmp_path: Path) -> None:
    write_movielens(tmp_path / "tiny-ml")
    out = tmp_path / "decay.json"
    _run("decay.py", "--movielens", str(tmp_path / "tiny-ml"), "--no-retail",
         "--models", "item_knn", "--out", str(out))  # fmt: skip
    report = json.loads(out.read_text())
    scores = report["datasets"]["ml-100k"]["val_ndcg@10"]["item_knn"]
    assert set(scores) == {"none", "7", "14", "30", "60", "90", "180", "365", "730"}
    choice = report["choice"]
    finite = {k: v for k, v in choice["mean_relative_val_ndcg@10"].items() if k != "none"}
    best = max(finite.values())
    assert choice["best_half_life_days"] == max(float(k) for k, v in finite.items() if v == best)


@pytest.mark.slow
def test_the_selection_benchmark_compares_the_choice_with_the_test(tmp_path: Path) -> None:
    write_movielens(tmp_path / "tiny-ml")
    out = tmp_path / "selection.json"
    _run("selection.py", "--movielens", str(tmp_path / "tiny-ml"), "--no-retail",
         "--models", "popular,item_knn", "--budget", "30", "--out", str(out))  # fmt: skip
    result = json.loads(out.read_text())["datasets"]["ml-100k"]
    assert set(result["test_ranking"]) == {"popular", "item_knn"}
    assert result["agrees"] == (result["test_winner"] == result["chosen_on_validation"]["model"])
    tests = {m: r["test_ndcg@10"] for m, r in result["models"].items()}
    assert result["test_winner"] == max(tests, key=tests.__getitem__)
