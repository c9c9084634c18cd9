"""How long a newcomer waits: `tailored demo` on a fresh directory, from the command to
the first storefront page that answers (target: within a minute on SQLite).

Runs the real command in a child process (`--shoppers`, default the command's own 200),
polls `/store` until it answers 200 and notes the seconds, opens `/store/home` as a new
visitor, stops the demo with Ctrl-C (SIGINT) and checks it exits cleanly. Results go to
benchmarks/results/demo.json.

    python benchmarks/demo.py
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from ingest import machine  # benchmarks/ingest.py, beside this file
from tailored import __version__
from tailored.testing.provenance import source
from tailored.testing.server_process import free_port

RESULTS = Path(__file__).parent / "results" / "demo.json"
TARGET_S = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shoppers", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    port = free_port("127.0.0.1")
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="tailored-demo-") as folder:
        command = [sys.executable, "-c", "from tailored.cli.main import main; main()", "demo",
                   "--dir", f"{folder}/demo", "--port", str(port),
                   "--shoppers", str(args.shoppers)]  # fmt: skip
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            ready_s = wait_for_store(base, process, started, args.timeout)
            with httpx.Client(base_url=base, follow_redirects=True, timeout=30) as http:
                door = http.get("/store")  # sets the cookie its forms' token goes with
                token = re.search(r'name="csrf_token" value="([^"]+)"', door.text)
                if token is None:
                    raise SystemExit("the store's first page has no form token")
                http.post("/store/as", data={"user_id": "", "csrf_token": token.group(1)})
                home = http.get("/store/home")
                home.raise_for_status()
        finally:
            process.send_signal(signal.SIGINT)
            try:
                code = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                code = None
    report = {
        "benchmark": "demo",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "tailored": __version__,
        "machine": machine(),
        "source": source(),
        "parameters": {"shoppers": args.shoppers},
        "results": {
            "seconds_to_store": round(ready_s, 2),
            "home_page_bytes": len(home.content),
            "exit_code_after_ctrl_c": code,
        },
        "targets": {"seconds_to_store": TARGET_S},
        "targets_met": {"seconds_to_store": ready_s <= TARGET_S and code == 0},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["results"]), json.dumps(report["targets_met"]))


def wait_for_store(
    base: str, process: subprocess.Popen[bytes], started: float, timeout: float
) -> float:
    """Seconds from the start until /store answers 200."""
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise SystemExit(f"the demo exited early ({process.returncode}):\n{output[-3000:]}")
        try:
            if httpx.get(f"{base}/store", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the demo did not answer within {timeout} s")


if __name__ == "__main__":
    main()
