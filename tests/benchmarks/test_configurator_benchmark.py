"""The configurator benchmark still runs end to end (a few hundred designs; the timings
are not checked here, only that the report holds them and the template is what it says)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "configurator.py"


@pytest.mark.slow
def test_configurator_benchmark_writes_its_report(tmp_path: Path) -> None:
    output = tmp_path / "configurator.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--designs", "400", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(output.read_text())
    assert report["template"]["groups"] == 20
    assert report["template"]["kinds"] == {"single": 13, "multi": 6, "text": 1}
    assert report["template"]["constraints"] == {"requires": 7, "excludes": 7, "only_with": 7}
    results = report["results"]
    assert results["designs"] == 400
    assert 0 < results["valid_share"] < 1  # valid and invalid designs both
    assert results["violations_per_design"] > 0
    assert 0 < results["p50_ms"] <= results["p99_ms"] <= results["max_ms"]
    assert set(report["targets_met"]) == {"p99_ms"}
    assert {"cpus", "python", "platform"} <= set(report["machine"])
