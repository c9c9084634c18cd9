"""Every shell and Python example of the README, run top to bottom on a fresh server.

The README's ```bash and ```python blocks are joined, in order, into one bash script that
runs in an empty directory (so `./tailored.db` is a fresh store), as a newcomer would
paste them. Three things are adapted, and only these:

- `pip install ...` lines are skipped (the package is installed already);
- `tailored serve --port 8000 &` starts on a free port instead (and `127.0.0.1:8000`
  names that port), the script waiting until it answers and stopping it at the end;
- a ```python block runs with `python`, with `TAILORED_URL` and `TAILORED_API_KEY` set
  to that server and the admin key the README created.

Every `curl` must answer 2xx, and every `tailored` command exit 0, unless the README
says otherwise in the comment after it (`# -> 422 ...`, `... (exit code 1)`). A block
the script cannot run is preceded by `<!-- not run by tests/test_readme.py: why -->`
(the quick start itself, the test command, a benchmark, a PostgreSQL of your own).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"
ML_100K = Path("/work/shared/data/movielens/ml-100k")
NOT_RUN = re.compile(r"<!-- not run by tests/test_readme\.py: (?P<why>.+) -->")
# A comment after a command saying what it answers: "# -> 422 {...}", "... (exit code 1)".
EXPECTED_STATUS = re.compile(r"^#\s+-> (?P<status>[1-5]\d\d)\b")
EXPECTED_EXIT = re.compile(r"\(exit code (?P<code>\d+)\)")
COMMAND_START = re.compile(r"^(curl|tailored|python3?|[A-Z_]+=)\b")

PROLOGUE = r"""
set -eo pipefail
fail() { echo "README example failed: $*" >&2; exit 1; }
# curl as the README uses it, checking the status: 2xx unless EXPECT names another.
curl() {
  local body status
  body=$(mktemp)
  status=$(command curl -sS -o "$body" -w '%{http_code}' "$@") || fail "curl $*: no answer"
  cat "$body"; echo
  if [ -n "${EXPECT:-}" ]; then
    [ "$status" = "$EXPECT" ] || fail "curl $*: expected $EXPECT, answered $status: $(cat "$body")"
  else
    case "$status" in 2*) ;; *) fail "curl $*: answered $status: $(cat "$body")";; esac
  fi
}
tailored() {
  local code=0
  command tailored "$@" || code=$?
  [ "$code" = "${EXPECT_EXIT:-0}" ] || fail "tailored $*: exit code $code"
}
serve_in_background() {
  command tailored "$@" &
  SERVER_PID=$!
  trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 200); do
    command curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && return 0
    sleep 0.1
  done
  fail "tailored serve did not answer on port $PORT"
}
"""


@dataclass(frozen=True)
class Block:
    language: str
    line: int  # of the opening fence, 1-based
    text: str
    not_run: str | None  # why, when the README says the test does not run it


def blocks(markdown: str) -> list[Block]:
    """The fenced code blocks of a Markdown text, with their language."""
    found: list[Block] = []
    lines = markdown.splitlines()
    opened: tuple[str, int, list[str]] | None = None
    for number, line in enumerate(lines, 1):
        if not line.startswith("```"):
            if opened is not None:
                opened[2].append(line)
            continue
        if opened is None:
            opened = (line[3:].strip(), number, [])
            continue
        language, start, body = opened
        before = next((b for b in reversed(lines[: start - 1]) if b.strip()), "")
        marker = NOT_RUN.search(before)
        found.append(Block(language, start, "\n".join(body), marker and marker["why"]))
        opened = None
    return found


def with_expectations(shell: str) -> str:
    """Each command the README says fails, prefixed with what it expects (EXPECT=422,
    EXPECT_EXIT=1), from the comment lines after it."""
    lines = shell.splitlines()
    last_start: int | None = None
    for index, line in enumerate(lines):
        if COMMAND_START.match(line):
            last_start = index
        elif line.startswith("#") and last_start is not None:
            status = EXPECTED_STATUS.match(line)
            code = EXPECTED_EXIT.search(line)
            if status:
                lines[last_start] = f"EXPECT={status['status']} {lines[last_start]}"
            elif code:
                lines[last_start] = f"EXPECT_EXIT={code['code']} {lines[last_start]}"
            last_start = None if status or code else last_start
    return "\n".join(lines)


def adapted(block: Block) -> str:
    if block.language == "python":
        return (
            f'TAILORED_URL="$API" TAILORED_API_KEY="$KEY" python - <<\'README_PYTHON\'\n'
            f"{block.text}\nREADME_PYTHON"
        )
    shell = "\n".join(
        line for line in block.text.splitlines() if not line.startswith("pip install")
    )
    shell = shell.replace("127.0.0.1:8000", "127.0.0.1:$PORT")
    serve = "serve_in_background serve --port $PORT"
    shell = re.sub(r"^tailored serve --port 8000 &", serve, shell, flags=re.M)
    return with_expectations(shell)


def script(markdown: str) -> str:
    runnable = [b for b in blocks(markdown) if b.language in ("bash", "python") and not b.not_run]
    parts = [PROLOGUE]
    for block in runnable:
        parts.append(f'echo "== README.md line {block.line} ($SECONDS s)"')
        parts.append(adapted(block))
    parts.append('echo "== README.md: every example ran ($SECONDS s)"\nexit 0')
    return "\n".join(parts) + "\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_every_block_the_test_does_not_run_says_why() -> None:
    skipped = [b for b in blocks(README.read_text()) if b.not_run]
    assert skipped, "the quick start and the test command cannot run inside the test"
    for block in skipped:
        assert block.language == "bash", f"line {block.line}: only shell blocks may be skipped"
        assert len(block.not_run or "") > 10, f"line {block.line}: say why it is not run"


def test_expectations_are_read_from_the_comment_after_a_command() -> None:
    shell = 'curl -s -X PATCH $API/x \\\n  -d \'{"a": 1}\'\n# -> 422 {"error": ...}\ncurl $API/y'
    assert with_expectations(shell).splitlines()[0] == "EXPECT=422 curl -s -X PATCH $API/x \\"
    assert with_expectations(shell).splitlines()[-1] == "curl $API/y"
    cli = "tailored configurators validate coffee\n# -> the breakdown\n#    more (exit code 1)"
    assert with_expectations(cli).startswith("EXPECT_EXIT=1 tailored configurators validate")


@pytest.mark.xdist_group("readme")
def test_the_readme_examples_run_top_to_bottom(tmp_path: Path) -> None:
    if not ML_100K.is_dir():
        pytest.fail(f"the README's MovieLens examples need {ML_100K}")
    (tmp_path / "ml-100k").symlink_to(ML_100K)  # where the README says to unzip it
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("TAILORED_")
    }
    environment |= {
        "PORT": str(free_port()),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}",
    }
    (tmp_path / "readme.sh").write_text(script(README.read_text()))
    finished = subprocess.run(
        ["bash", "readme.sh"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, (
        f"{finished.stderr[-4000:]}\n--- output ---\n{finished.stdout[-6000:]}"
    )
