"""The ingest benchmark still runs end to end (tiny sizes; figures are not checked here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "ingest.py"


@pytest.mark.slow
def test_ingest_benchmark_writes_its_report(tmp_path: Path) -> None:
    output = tmp_path / "ingest.json"
    args = ["--backends", "sqlite", "--events", "3000", "--batch", "500", "--single", "20"]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(output.read_text())
    sqlite = report["results"]["sqlite"]
    assert sqlite["stored_events"] == 3000 + 20 + 200  # batched + single + warm-up
    assert sqlite["batched"]["events_per_s"] > 0
    assert sqlite["single"]["requests"] == 20
    assert set(report["targets_met"]) == {"sqlite_batched_events_per_s", "sqlite_single_p99_ms"}
