"""What the browser tests of the pages share: Debian's Chromium with the flags a
headless sandbox needs, a demo store to point it at, and screenshots kept as artifacts.

>>> name_of_screenshot("test_home[phone] / after")
'test_home_phone_after.png'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailored.config import Settings
from tailored.engine import Engine

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@dataclass(frozen=True)
class Demo:
    """A running demo store: where it answers, its database, and an admin key."""

    base_url: str
    settings: Settings  # the demo's own (`tailored demo` serves with these)
    admin_key: str

    @property
    def database_url(self) -> str:
        return self.settings.database_url

    @property
    def models_dir(self) -> Path:
        return self.settings.models_dir

    def engine(self) -> Engine:
        """An engine on the same database with the demo's settings, so that what it
        answers is what the pages got (checks behind the pages' back)."""
        return Engine.open(settings=self.settings, migrate=False)


def name_of_screenshot(name: str) -> str:
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9.-]+", "_", name)).strip("_") + ".png"


def screenshot(tab: Any, folder: Path, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot of a Playwright page (the whole page, or what the viewport
    shows) as `folder/<name>.png`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name_of_screenshot(name)
    tab.screenshot(path=str(path), full_page=full_page)
    return path


__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "Demo", "name_of_screenshot", "screenshot"]
