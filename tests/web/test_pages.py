"""The pages load in a real browser: the storefront's door and the console's login."""

from __future__ import annotations

from typing import Any

import pytest

from tailored.testing.browser import Demo

pytestmark = pytest.mark.slow


def test_a_visitor_picks_a_shopper(page: Any) -> None:
    page.goto("/store")
    page.get_by_role("heading", name="Who is shopping?").wait_for()
    page.get_by_role("button", name="A new visitor").click()
    page.wait_for_url("**/store/home")


def test_the_console_asks_for_an_admin_key_and_refuses_a_wrong_one(
    page: Any, demo: Demo, shot: Any
) -> None:
    page.goto("/console")
    page.wait_for_url("**/console/login?next=/console")
    page.get_by_label("Admin API key").fill("tk_wrong")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("alert").wait_for()
    assert "not an active admin key" in page.get_by_role("alert").inner_text()
    page.get_by_label("Admin API key").fill(demo.admin_key)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/console")
    page.get_by_role("heading", name="Dashboard").wait_for()
    shot(page, "console_dashboard_after_login")
