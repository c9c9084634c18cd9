"""The pages load in a real browser: the storefront's door and the console's login; no
page breaks its Content-Security-Policy; the console's cookie is a session script
cannot read, and logging out ends it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tailored.testing.browser import Demo

# One worker runs every browser test: they share its demo server and its Chromium.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


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


# Listens before any page script runs: every Content-Security-Policy violation the page
# meets is kept for the test to read.
_RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} line ${e.lineNumber}`);
});
"""
CONSOLE_PAGES = (
    "/console",
    "/console/catalog",
    "/console/users",
    "/console/users/shopper-001",
    "/console/models",
    "/console/configurators",
    "/console/configurators/coffee",
)
STORE_PAGES = (
    "/store/home",
    "/store/items/sku-0001",
    "/store/preferences",
    "/store/onboarding",
    "/store/cart",
    "/store/orders",
    "/store/favorites",
    "/store/configure/coffee",
    "/store/configure/sneaker",
)


def test_every_page_works_under_its_content_security_policy(page: Any, demo: Demo) -> None:
    page.add_init_script(_RECORD_VIOLATIONS)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)  # fmt: skip
    page.goto("/console/login")
    page.get_by_label("Admin API key").fill(demo.admin_key)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/console")
    page.locator("#events-chart canvas").first.wait_for()  # uPlot drew under the policy
    seen: dict[str, list[str]] = {}
    for path in CONSOLE_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        seen[path] = page.evaluate("window.__violations")
    page.goto("/store")
    page.get_by_role("button", name="A new visitor").click()
    page.wait_for_url("**/store/home")
    for path in STORE_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        seen[path] = page.evaluate("window.__violations")
    # The configurator's live price (a script and a fetch) still answers.
    page.goto("/store/configure/coffee")
    before = page.locator("#price").inner_text()
    page.get_by_label("Large (470 ml)").check()
    expect(page.locator("#price")).not_to_have_text(before)  # (wait_for_function would eval)
    seen["/store/configure/coffee (live)"] = page.evaluate("window.__violations")
    assert {path: found for path, found in seen.items() if found} == {}
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_the_console_cookie_is_a_session_javascript_cannot_read(page: Any, demo: Demo) -> None:
    page.goto("/console/login")
    page.get_by_label("Admin API key").fill(demo.admin_key)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/console")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "tailored_console"]
    assert cookie["value"] != demo.admin_key and demo.admin_key not in str(page.context.cookies())
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/console")
    assert "tailored_console" not in page.evaluate("document.cookie")
    # Logging out ends it on the server: the same cookie, put back, opens nothing.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/console/login")
    page.context.add_cookies([cookie])
    page.goto("/console")
    page.wait_for_url("**/console/login?next=/console")
