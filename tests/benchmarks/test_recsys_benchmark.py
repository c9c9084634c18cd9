"""The recommender benchmark still runs end to end (a tiny MovieLens-format folder, our
models only, so `implicit` is not needed; figures are not checked here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "recsys.py"


def write_movielens(folder: Path, *, users: int = 40, items: int = 30, seed: int = 3) -> int:
    """A u.data (user, item, rating, unix time; tab-separated) with skewed items."""
    rng = np.random.default_rng(seed)
    lines = []
    for user in range(1, users + 1):
        liked = rng.choice(items, size=8, replace=False, p=_skew(items)) + 1
        for n, item in enumerate(liked):
            lines.append(f"{user}\t{item}\t{rng.integers(1, 6)}\t{880_000_000 + 3600 * n}")
    folder.mkdir()
    (folder / "u.data").write_text("\n".join(lines) + "\n")
    return len(lines)


def _skew(n: int) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1)
    return p / p.sum()


@pytest.mark.slow
def test_recsys_benchmark_writes_its_report(tmp_path: Path) -> None:
    rows = write_movielens(tmp_path / "tiny-ml")
    output = tmp_path / "recsys.json"
    args = ["--movielens", str(tmp_path / "tiny-ml"), "--no-retail"]
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            *args,
            "--models",
            "popular,item_knn",
            "--peers",
            "none",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(output.read_text())
    dataset = report["datasets"]["tiny-ml"]
    assert (dataset["users"], dataset["items"], dataset["interactions"]) == (40, 30, rows)
    assert dataset["train"] + dataset["test"] == rows
    assert set(dataset["models"]) == {"popular", "item_knn"}
    for result in dataset["models"].values():
        assert {
            "ndcg@10",
            "recall@20",
            "hr@10",
            "coverage@10",
            "val_ndcg@10",
            "params",
            "tune_s",
            "fit_s",
            "score_s",
            "total_s",
        } <= set(result)
        assert 0.0 <= result["ndcg@10"] <= 1.0
    assert report["parameters"]["peers"] == []
    assert "scale" not in report
    assert set(report["targets"]) >= {"ml-100k_best_ndcg@10", "ml-100k_pipeline_s"}
