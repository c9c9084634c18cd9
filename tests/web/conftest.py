"""Browser tests: a demo store served by a real `tailored demo` process, driven by
Playwright in Debian's headless Chromium. Screenshots go to artifacts/screenshots/
(gitignored; CI keeps them).

Chromium must be installed (`apt-get install chromium`; `.ci/run` does it): without it
these tests fail and say so, they do not skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tailored import Engine
from tailored.cli.demo import demo_settings
from tailored.demo.prepare import prepare_demo
from tailored.testing.browser import CHROMIUM, CHROMIUM_FLAGS, Demo, screenshot
from tailored.testing.server_process import ServerProcess

SCREENSHOTS = Path(__file__).parents[2] / "artifacts" / "screenshots"
DEMO_SHOPPERS = 40


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo store (generated shoppers, example configurators, trained models),
    served on a free port for the whole session."""
    folder = tmp_path_factory.mktemp("demo")
    settings = demo_settings(folder)  # what `tailored demo --dir folder` serves with
    with Engine.open(settings=settings) as engine:
        prepare_demo(engine, shoppers=DEMO_SHOPPERS, now=datetime.now(UTC))
        key = engine.keys.create("browser-tests", scopes=["admin"]).secret
    env = {"TAILORED_MODELS_DIR": str(settings.models_dir), "TAILORED_SERVING_REFRESH_SECONDS": "1"}
    with ServerProcess.demo(folder, env=env, startup_timeout=120) as server:
        yield Demo(server.base_url, settings, key)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_FLAGS)
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, demo: Demo, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (no cookies) on the demo, phone-sized when the test is
    marked `phone`; a screenshot of where the test ended is kept."""
    phone = request.node.get_closest_marker("phone") is not None
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=demo.base_url, viewport=viewport)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    try:
        screenshot(tab, SCREENSHOTS, request.node.name)
    except PlaywrightTimeout:  # a very long page (ReDoc's) on a busy machine: the view
        screenshot(tab, SCREENSHOTS, request.node.name, full_page=False)
    context.close()


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    """shot(page, name): keep a screenshot of this moment too."""
    return lambda tab, name: screenshot(tab, SCREENSHOTS, name)
