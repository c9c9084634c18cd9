"""The console in a real browser on the demo store: the dashboard counts events the
moment they are made, the user explorer says why a shopper sees what they see, the
models page retrains and activates, and all of it works by keyboard and at phone width."""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import Demo

# One worker runs every browser test: they share its demo server and its Chromium.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]
SHOPPER = "shopper-001"
Shot = Callable[[Any, str], Path]
PAGES = ("/console", "/console/catalog", f"/console/users/{SHOPPER}", "/console/models",
         "/console/configurators", "/console/configurators/coffee", "/console/audit")  # fmt: skip


def _log_in(page: Any, demo: Demo, path: str = "/console") -> None:
    page.goto(path)
    page.get_by_label("Admin API key").fill(demo.admin_key)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{path}")


def _stat(page: Any, name: str) -> int:
    return int(page.locator(f'[data-stat="{name}"]').inner_text())


def test_the_dashboard_shows_the_events_just_made(page: Any, demo: Demo, shot: Shot) -> None:
    _log_in(page, demo, "/console")
    page.get_by_label("Window", exact=True).select_option("7")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/console?days=7")
    page.locator("#events-chart canvas").first.wait_for()  # uPlot drew the chart
    today, conversions = _stat(page, "today"), _stat(page, "conversions")
    placement = f"console-test-{secrets.token_hex(3)}"
    shown = [{"user_id": SHOPPER, "type": "impression", "context": {"placement": placement}}] * 5
    with demo.engine() as engine:
        result = engine.events.record_many(
            [dict(row, event_id=f"{placement}-{i}") for i, row in enumerate(shown)]
            + [{"user_id": SHOPPER, "type": "click", "item_id": "sku-0001",
                "context": {"placement": placement}} for _ in range(2)]
            + [{"user_id": SHOPPER, "type": "purchase", "item_id": "sku-0001"}]
        )  # fmt: skip
    assert result.accepted == 8
    page.reload()
    assert _stat(page, "today") == today + 8
    assert _stat(page, "conversions") == conversions + 1
    table = page.get_by_role("table", name="Click-through per placement")
    row = table.get_by_role("row", name=re.compile(placement))
    assert row.get_by_role("cell").all_inner_texts()[:2] == ["5", "2"]
    assert "40.0 %" in row.inner_text()
    page.locator("#ctr-chart canvas").first.wait_for()
    data = page.evaluate("JSON.parse(document.getElementById('dashboard-data').textContent)")
    assert {"placement": placement, "impressions": 5, "clicks": 2, "ctr": 0.4} in data["placements"]
    # the chart's numbers, as a table, one keypress away
    page.get_by_text("Events per day as a table").click()
    per_day = page.get_by_role("table", name="Events per day")
    newest = per_day.get_by_role("row").nth(1)  # below the header: today
    assert newest.get_by_role("cell").last.inner_text() == str(today + 8)
    shot(page, "console_dashboard_with_new_events")


def test_the_user_explorer_shows_a_shoppers_recommendations_with_reasons(
    page: Any, demo: Demo
) -> None:
    _log_in(page, demo, "/console/users")
    page.get_by_label("User id").fill(SHOPPER)
    page.get_by_label("User id").press("Enter")
    page.wait_for_url(f"**/console/users/{SHOPPER}")
    page.get_by_role("heading", name=SHOPPER).wait_for()
    table = page.get_by_role("table", name="Current recommendations with their reasons")
    rows = table.get_by_role("row")
    assert rows.count() == 11  # the header and ten items
    with demo.engine() as engine:
        expected = engine.recommendations.for_user(SHOPPER, n=10)
    assert expected.personalized
    first = rows.nth(1).inner_text()
    assert expected.items[0].title in first and expected.items[0].reason.text in first
    reasons = [rows.nth(i).get_by_role("cell").nth(2).inner_text() for i in range(1, 11)]
    assert all(reason.strip() for reason in reasons)  # every item says why
    assert page.get_by_role("heading", name="Recent events").is_visible()
    assert page.get_by_role("heading", name=re.compile("^Similar to ")).is_visible()


def test_the_user_explorer_shows_values_in_words_and_items_by_title(page: Any, demo: Demo) -> None:
    shopper = "shopper-031"  # a shopper of its own: its preferences change its answers
    with demo.engine() as engine:
        engine.preferences.update(
            shopper,
            {"sizes": ["XL", "S", "M"], "price_range": {"min": None, "max": 120}},
            changed_by="console-test",
        )
        event = engine.events.query(user_id=shopper, limit=1).items[0]
        assert event.item_id is not None
        title = engine.items.get(event.item_id).title
    _log_in(page, demo, f"/console/users/{shopper}")
    chosen = page.get_by_role("region", name="Preferences").locator("dl")
    assert chosen.inner_text().split("\n") == [
        "Price range", "up to 120", "Your sizes", "S, M, XL"
    ]  # fmt: skip
    events = page.get_by_role("table", name="Latest events, newest first")
    first = events.get_by_role("row").nth(1)
    link = first.get_by_role("link", name=title)
    assert link.get_attribute("href") == f"/console/catalog/{event.item_id}"
    assert "{" not in events.inner_text() and '"' not in events.inner_text()  # no JSON
    link.click()
    page.get_by_role("heading", name=title).wait_for()


def test_the_models_page_retrains_and_activates_a_version(
    page: Any, demo: Demo, shot: Shot
) -> None:
    _log_in(page, demo, "/console/models")
    versions = page.get_by_role("table", name="Trained model versions, newest first")
    for model in ("seq_blend", "similar_blend", "cooccurrence"):  # the demo's, each active
        row = versions.get_by_role("row").filter(has_text=model).first
        assert "active" in row.inner_text()
    # `popular` serves no placement of the demo, so training and activating it here
    # leaves what the storefront shows alone.
    page.get_by_label("Model", exact=True).select_option("popular")
    page.get_by_label("Activate when trained").uncheck()
    page.get_by_role("button", name="Retrain").click()
    page.wait_for_url(re.compile(r"/console/models\?queued=\d+$"))
    job_id = page.url.rsplit("=", 1)[1]
    jobs = page.get_by_role("table", name="Latest training jobs")
    jobs.get_by_role("row", name=re.compile(rf"^{job_id} popular succeeded")).wait_for(
        timeout=90_000
    )  # the page reloads itself until the job ends
    with demo.engine() as engine:
        [version] = [v for v in engine.training.versions() if v.model == "popular"][:1]
    assert not version.active
    page.get_by_role("button", name=f"Activate version {version.id} (popular)").click()
    page.wait_for_url(f"**/console/models?activated={version.id}")
    assert (
        f"Version {version.id} is now the active version of its model"
        in page.get_by_role("main").inner_text()
    )
    versions = page.get_by_role("table", name="Trained model versions, newest first")
    row = versions.get_by_role("row", name=re.compile(rf"^{version.id} popular"))
    assert "active" in row.inner_text()
    with demo.engine() as engine:
        assert engine.training.active("popular").id == version.id  # type: ignore[union-attr]
    shot(page, "console_models_after_activate")


def test_the_console_works_with_the_keyboard_alone(page: Any, demo: Demo) -> None:
    page.goto("/console/login")
    page.get_by_label("Admin API key").focus()
    page.keyboard.type(demo.admin_key)
    page.keyboard.press("Enter")
    page.wait_for_url("**/console")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(10):  # on through the nav to the Users link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Users":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/users")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Log out":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/login")
    page.goto("/console")
    page.wait_for_url("**/console/login?next=/console")


@pytest.mark.phone
def test_click_through_names_never_overlap_at_phone_width(
    page: Any, demo: Demo, shot: Shot
) -> None:
    suffix = secrets.token_hex(2)
    long = ("cart-bought-together", "email-weekly-digest", "home-top-picks", "item-similar")
    names = [f"{name}-{suffix}" for name in long]
    rows = [
        {"event_id": f"{name}-{kind}{i}", "user_id": SHOPPER, "type": kind,
         "item_id": "sku-0001" if kind == "click" else None, "context": {"placement": name}}
        for name in names for kind, count in (("impression", 4), ("click", 1))
        for i in range(count)
    ]  # fmt: skip
    with demo.engine() as engine:
        assert engine.events.record_many(rows).accepted == len(rows)
    _log_in(page, demo, "/console")
    chart = page.locator("#ctr-chart")
    chart.locator("canvas").first.wait_for()
    chart.scroll_into_view_if_needed()
    shot(page, "console_phone_click_through")
    angle = int(chart.get_attribute("data-label-angle") or "nan")
    # Where the names have room: the width of a bar's slot, and each name's width in the
    # axis font.
    slot, widths = page.evaluate(
        """() => {
          const data = JSON.parse(document.getElementById("dashboard-data").textContent);
          const ruler = document.createElement("canvas").getContext("2d");
          ruler.font = "12px system-ui, -apple-system, sans-serif";
          const plot = document.querySelector("#ctr-chart .u-over");
          return [plot.clientWidth / data.placements.length,
                  data.placements.map((p) => ruler.measureText(p.placement).width)];
        }"""
    )
    assert angle == 45  # these names cannot stand level under their bars on a phone
    assert max(widths) > slot
    # Slanted names are parallel lines a slot apart: the gap across them fits a line.
    assert slot * math.sin(math.radians(angle)) >= 14


@pytest.mark.phone
def test_the_console_pages_fit_a_phone(page: Any, demo: Demo, shot: Shot) -> None:
    _log_in(page, demo, "/console")
    for path in PAGES:
        page.goto(path)
        page.get_by_role("heading", level=1).wait_for()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at phone width"
        assert page.get_by_role("navigation", name="Console").is_visible()
        assert page.get_by_role("button", name="Log out").is_visible()
        shot(page, "console_phone_" + (path.strip("/").replace("/", "_") or "dashboard"))
