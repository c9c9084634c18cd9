"""The serving benchmark still runs end to end (a tiny shop, a fraction of a second per
load; the figures are not checked here, only that every request succeeded and the report
holds them)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tailored.testing.server_process import ServerProcess

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "serve.py"
TINY = ["--items", "2000", "--events", "20000", "--seconds", "0.3", "--short-seconds", "0.3",
        "--warm-up-seconds", "0.5"]  # fmt: skip
FIGURES = {"requests", "seconds", "rps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "client"}
CLOSED_LOOPS = ("healthz", "user_recommendations", "similar", "bought_together", "post_context")


def run(tmp_path: Path, *args: str) -> dict:
    output = tmp_path / "serve.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *TINY, "--rate", "50", "--rate-seconds", "0.5", *args,
         "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report: dict = json.loads(output.read_text())
    return report


@pytest.mark.slow
def test_serve_benchmark_writes_its_report(tmp_path: Path) -> None:
    report = run(tmp_path)  # wrk when installed, else Python threads
    setup = report["setup"]
    assert (setup["items"], setup["events"]) == (2000, 20000)
    assert setup["training"].keys() == {"item_knn", "cooccurrence"}
    result = report["results"]["item_knn"]
    for name in (*CLOSED_LOOPS, "mix", "user_recommendations_fixed_rate"):
        assert set(result[name]) >= FIGURES, name
        assert result[name]["requests"] > 0, name
    fixed = result["user_recommendations_fixed_rate"]
    assert (fixed["client"], fixed["offered_rps"]) == ("python", 50)
    # Known users were served by the model, the rest by the fallback; none failed.
    validation = result["validation"]
    assert 0 < validation["user_recommendations_personalized"] < 100
    assert validation["bought_together_from_cooccurrence"] > 0
    assert result["server_memory"]["peak_rss_mb"] > 0
    assert result["ratio_to_healthz"] > 0
    assert set(report["targets_met"]) == {"p99_ms_at_rate", "ratio_to_healthz", "peak_rss_mb"}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="the default run already used Python")
def test_serve_benchmark_without_wrk(tmp_path: Path) -> None:
    report = run(tmp_path, "--client", "python", "--connections", "2")
    assert report["load_generator"]["closed_loop"].startswith("python")
    for name in CLOSED_LOOPS:
        assert report["results"]["item_knn"][name]["client"] == "python"


@pytest.mark.slow
def test_a_run_with_failing_requests_fails(tmp_path: Path) -> None:
    """Answers that are not 200 (here: a key the server does not know) stop the run
    instead of being counted as fast answers, whichever client drives the load."""
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import serve
    finally:
        sys.path.remove(str(SCRIPT.parent))
    requests = [("GET", "/healthz", None), ("GET", "/v1/users/u/recommendations", None)]
    clients = [serve.python_load] + ([serve.wrk_load] if shutil.which("wrk") else [])
    with ServerProcess(f"sqlite:///{tmp_path}/empty.db") as server:
        for load in clients:
            with pytest.raises(serve.LoadFailed, match="failed"):
                load(server.base_url, "Bearer tk_unknown", requests, connections=2, seconds=1)
