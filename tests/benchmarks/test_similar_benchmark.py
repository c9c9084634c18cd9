"""The similar-items benchmark still runs end to end on a small demo store, MovieLens
100K and a small synthetic catalog (the figures are not checked here, only that each
model was measured on each data set and the report says which code measured it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "similar.py"
ML_100K = Path("/work/shared/data/movielens/ml-100k")


@pytest.mark.slow
def test_similar_benchmark_writes_its_report(tmp_path: Path) -> None:
    if not ML_100K.is_dir():
        pytest.fail(f"the MovieLens 100K data is missing: {ML_100K}")
    output = tmp_path / "similar.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--shoppers", "20", "--scale-items", "3000",
         "--movielens", str(ML_100K), "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(output.read_text())
    assert report["benchmark"] == "similar" and "commit" in report["source"]
    results = report["results"]
    for data_set, measure in (("demo", "same_top_category"), ("ml-100k", "genre_jaccard")):
        models = results[data_set]["models"]
        assert {"item_knn", "content", "similar_blend", "similar_blend weight=0.5"} <= set(models)
        for figures in models.values():
            assert 0 <= figures[measure] <= 1
            assert 0 <= figures["next_item_ndcg@10"] <= figures["next_item_hr@10"] <= 1
    assert results["scale"]["items"] == 3000 and results["scale"]["neighbours_kept"] > 0
