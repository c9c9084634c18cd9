"""Importing the client loads no server, database or framework code (what an
integrator's process pays for `from tailored.client import Client`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tailored

HEAVY = ("sqlalchemy", "fastapi", "starlette", "pydantic", "alembic", "typer", "numpy", "scipy")

# The root package re-exports the Engine lazily: importing the client through it (as an
# integrator does) must load none of it.
_PROBE = f"""
import sys
sys.path.insert(0, {str(Path(tailored.__file__).parents[1])!r})
from tailored.client import AsyncClient, Client, iterate
client = Client("http://127.0.0.1:8000", api_key="tk_x")
client.close()
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r}))
ours = sorted(n for n in sys.modules if n.startswith("tailored.") and not n.startswith(
    ("tailored.client", "tailored.domain", "tailored.errors", "tailored.types")))
print(loaded, ours)
"""


def test_the_client_imports_no_server_database_or_framework_code() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=False
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "[] []"
