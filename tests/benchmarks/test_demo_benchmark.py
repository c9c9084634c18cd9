"""The demo benchmark still runs end to end (a small store; the figure is not checked,
only that the store answered and the demo stopped cleanly)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "demo.py"


@pytest.mark.slow
def test_demo_benchmark_writes_its_report(tmp_path: Path) -> None:
    output = tmp_path / "demo.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--shoppers", "20", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(output.read_text())["results"]
    assert results["seconds_to_store"] > 0 and results["home_page_bytes"] > 1000
    assert results["exit_code_after_ctrl_c"] == 0
