"""The cold-start benchmark still runs end to end on a few real MovieLens users (the
figures are not checked here, only that both lists were scored and reported)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "cold_start.py"
ML_100K = Path("/work/shared/data/movielens/ml-100k")


@pytest.mark.slow
def test_cold_start_benchmark_writes_its_report(tmp_path: Path) -> None:
    if not ML_100K.is_dir():
        pytest.fail(f"the MovieLens 100K data is missing: {ML_100K}")
    output = tmp_path / "cold_start.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--folds", "2", "--max-users", "8",
         "--movielens", str(ML_100K), "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(output.read_text())
    assert report["users"] == 16 and len(report["folds"]) == 2
    results = report["results"]
    for name in ("trending", "chosen"):
        assert 0 <= results[f"{name}_ndcg@10"] <= 1
        assert 0 <= results[f"{name}_hr@10"] <= 1
    assert results["ndcg@10_gain"] == round(
        results["chosen_ndcg@10"] - results["trending_ndcg@10"], 4
    )
