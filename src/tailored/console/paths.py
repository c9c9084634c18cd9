"""Where the templates and assets of the pages live, inside the package."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

__all__ = ["STATIC", "TEMPLATES"]
