"""What a benchmark measured: the commit, and whether `src/` differed from it, so a
results file says which code its figures belong to."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]  # the checkout holding src/tailored


def source(root: Path = ROOT) -> dict[str, Any]:
    """``{"commit": ..., "src_changed": ...}``; None values outside a git checkout."""

    def git(*command: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *command], capture_output=True, text=True
            )
        except OSError:
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain", "--", "src")
    return {
        "commit": git("rev-parse", "HEAD"),
        "src_changed": bool(status) if status is not None else None,
    }


__all__ = ["source"]
