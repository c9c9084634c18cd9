"""The console's audit log in a real browser: a change made on another console page is
there, named by the session's key and the browser's address, and the filters narrow it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import Demo

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]
Shot = Callable[[Any, str], Path]


def _log_in(page: Any, demo: Demo, path: str) -> None:
    page.goto(path)
    page.get_by_label("Admin API key").fill(demo.admin_key)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{path}")


def test_the_audit_page_shows_a_console_change_and_filters_it(
    page: Any, demo: Demo, shot: Shot
) -> None:
    with demo.engine() as engine:
        (key,) = [k for k in engine.keys.list() if k.name == "browser-tests"]
    _log_in(page, demo, "/console/models")
    # Queue a training job (of `popular`, which serves no placement of the demo).
    page.get_by_label("Model", exact=True).select_option("popular")
    page.get_by_label("Activate when trained").uncheck()
    page.get_by_role("button", name="Retrain").click()
    page.wait_for_url(re.compile(r"/console/models\?queued=\d+$"))
    job_id = page.url.rsplit("=", 1)[1]

    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url("**/console/audit")
    table = page.get_by_role("table", name="Audit entries, newest first")
    row = table.get_by_role("row").filter(has_text="training.submit").first
    cells = row.inner_text()
    assert f"console: {key.id}" in cells and "127.0.0.1" in cells and job_id in cells
    assert '"model":"popular"' in cells.replace(" ", "")

    page.get_by_label("Action").fill("training.submit")
    page.get_by_label("Actor").fill(key.id)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"/console/audit\?action=training\.submit&actor="))
    actions = table.get_by_role("rowheader").all_inner_texts()
    assert actions and set(actions) == {"training.submit"}
    shot(page, "console_audit_filtered")

    # A day before any entry: nothing matches, and the page says so.
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    page.get_by_label("To (UTC, included)").fill(yesterday)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"until="))
    assert "No entries match these filters." in page.get_by_role("main").inner_text()
    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url("**/console/audit")
    assert table.get_by_role("row").count() > 1
