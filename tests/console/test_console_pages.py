"""The console's pages without a browser, on every backend: the admin login guards every
page and every change, each page answers with what the engine knows, and the forms that
change something (activate, retrain, log out) are POST-only and do what they say."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.console.forms import login, post

from tailored import Engine
from tailored.demo.configurators import install_examples
from tailored.server import create_app

PAGES = [
    "/console",
    "/console/catalog",
    "/console/catalog/boots",
    "/console/users",
    "/console/users/camper0",
    "/console/models",
    "/console/configurators",
    "/console/configurators/coffee",
    "/console/audit",
]


def _client(engine: Engine) -> TestClient:
    # No `with`: the app's background job runner stays off, so tests run queued jobs
    # themselves, when they choose to.
    return TestClient(create_app(engine))


@pytest.fixture
def console(shop: Engine) -> TestClient:
    """A client logged in to the console of the test shop (item_knn and seq_blend
    trained, the example configurators installed, a few designs saved)."""
    for model in ("item_knn", "seq_blend"):
        shop.training.train(model, tune=False)
    install_examples(shop)
    designs: list[tuple[str, dict[str, Any]]] = [
        ("camper0", {"size": "L", "milk": "oat"}),
        ("camper1", {"size": "L", "milk": "oat", "syrups": ["vanilla"]}),
        ("hiker0", {"size": "S", "milk": "almond"}),
    ]
    for user, choices in designs:
        shop.configurators.save_design(user, "coffee", "mine", choices)
    client = _client(shop)
    response = login(client, shop.keys.create("console", scopes=["admin"]).secret)
    assert response.status_code == 303 and response.headers["location"] == "/console"
    return client


def _text(response: Any) -> str:
    """The page's text with tags dropped and entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def _chart_data(response: Any) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>',
                      response.text, re.S)  # fmt: skip
    assert found, "the dashboard embeds its chart data"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


# --- the login -------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_visitor_without_a_session_to_the_login(
    engine: Engine, path: str
) -> None:
    response = _client(engine).get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/console/login?next={path}"


def test_changes_need_the_login_too_and_nothing_happens_without_it(shop: Engine) -> None:
    version = shop.training.train("item_knn", tune=False)
    newer = shop.training.train("item_knn", tune=False)
    client = _client(shop)
    for path, form in [(f"/console/models/{version.id}/activate", {}),
                       ("/console/models/retrain", {"model": "popular"})]:  # fmt: skip
        response = client.post(path, data=form, follow_redirects=False)
        assert response.status_code == 303 and "/console/login" in response.headers["location"]
    assert shop.training.active("item_knn").id == newer.id  # type: ignore[union-attr]
    assert shop.jobs.list() == []


def test_a_wrong_key_or_a_key_without_the_admin_scope_is_refused(engine: Engine) -> None:
    client = _client(engine)
    serve_only = engine.keys.create("widget", scopes=["serve"]).secret
    for key in ("tk_not_a_key", serve_only, ""):
        response = login(client, key)
        assert response.status_code in (401, 422)
        if response.status_code == 401:
            assert "not an active admin key" in response.text
        assert client.get("/console", follow_redirects=False).status_code == 303
    # a cookie holding something that is not a live session is no session
    client.cookies.set("tailored_console", serve_only, path="/console")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(engine: Engine) -> None:
    key = engine.keys.create("console", scopes=["admin"]).secret
    client = _client(engine)
    assert login(client, key, "/console/models").headers["location"] == "/console/models"
    for elsewhere in ("https://example.com/", "//example.com/console", "/store"):
        assert login(client, key, elsewhere).headers["location"] == "/console"


def test_logging_out_ends_the_session_and_is_post_only(console: TestClient) -> None:
    assert console.get("/console/logout", follow_redirects=False).status_code == 405
    response = post(console, "/console/logout", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"
    assert console.get("/console", follow_redirects=False).status_code == 303


# --- the pages -------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_with_the_nav_and_a_logout_button(
    console: TestClient, path: str
) -> None:
    response = console.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    links = ("/console/catalog", "/console/users", "/console/models", "/console/configurators",
             "/console/audit")  # fmt: skip
    for link in links:
        assert f'href="{link}"' in response.text
    assert 'aria-current="page"' in response.text
    assert '<form method="post" action="/console/logout"' in response.text


def test_the_dashboard_counts_the_events_just_recorded(console: TestClient, shop: Engine) -> None:
    before = _chart_data(console.get("/console?days=7"))
    assert sum(before["series"]["purchase"]) == 60  # the shop: one purchase per shopper
    assert before["placements"] == []
    home = {"placement": "home"}
    shown = [{"user_id": f"v{i}", "type": "impression", "context": home} for i in range(4)]
    clicked = {"user_id": "v0", "type": "click", "item_id": "tent", "context": home}
    bought = {"user_id": "v0", "type": "purchase", "item_id": "mug"}
    assert shop.events.record_many([*shown, clicked, bought]).accepted == 6
    response = console.get("/console?days=7")
    after = _chart_data(response)
    assert after["series"]["purchase"][-1] == before["series"]["purchase"][-1] + 1
    assert after["series"]["impression"][-1] == 4 and after["series"]["click"][-1] == 1
    assert after["placements"] == [
        {"placement": "home", "impressions": 4, "clicks": 1, "ctr": 0.25}
    ]
    text = _text(response)
    assert "home 4 1 25.0 %" in text  # the table beside the chart
    assert "Most converted" in text and "Stove" in text  # every shopper bought their second item
    assert '<script src="/static/vendor/uPlot.iife.min.js"' in response.text


def test_the_dashboard_window_can_be_chosen_and_a_bad_one_is_explained(
    console: TestClient,
) -> None:
    assert len(_chart_data(console.get("/console?days=30"))["days"]) == 30
    response = console.get("/console?days=12345")
    assert response.status_code == 200 and "Pick a window of" in response.text
    assert len(_chart_data(response)["days"]) == 14


def test_the_charts_library_and_its_licence_are_served_from_the_package(
    console: TestClient,
) -> None:
    for path in ("/static/vendor/uPlot.iife.min.js", "/static/vendor/uPlot.min.css",
                 "/static/dashboard.js", "/static/console.css"):  # fmt: skip
        assert console.get(path).status_code == 200, path
    assert "uPlot" in console.get("/static/vendor/uPlot.iife.min.js").text


def test_the_catalog_filters_by_category_and_attribute_and_pages(console: TestClient) -> None:
    shoes = _text(console.get("/console/catalog", params={"category": "shoes"}))
    assert "Boots" in shoes and "Wool socks" in shoes and "Pan" not in shoes
    acme = _text(console.get("/console/catalog",
                             params={"attribute": "brand", "value": "Acme"}))  # fmt: skip
    assert "Tent" in acme and "Boots" in acme and "Lamp" not in acme
    unavailable = _text(console.get("/console/catalog", params={"available": "no"}))
    assert "Old tent" in unavailable and "Boots" not in unavailable


def test_the_catalog_pages_through_every_item(console: TestClient, shop: Engine) -> None:
    shop.items.upsert_many([{"id": f"extra-{i:02d}", "title": f"Extra {i}"} for i in range(30)])
    seen: list[str] = []
    url: str | None = "/console/catalog"
    while url is not None:
        response = console.get(url)
        seen += re.findall(r'<a href="/console/catalog/([^"]+)">', response.text)
        found = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', response.text)
        url = html.unescape(found.group(1)) if found else None
    assert len(seen) == len(set(seen)) == 42


def test_the_catalog_explains_a_bad_cursor_and_opens_an_item_by_id(console: TestClient) -> None:
    response = console.get("/console/catalog", params={"cursor": "garbage"})
    assert response.status_code == 200 and "cursor" in response.text
    opened = console.get("/console/catalog", params={"id": "boots"}, follow_redirects=False)
    assert opened.headers["location"] == "/console/catalog/boots"
    item = _text(console.get("/console/catalog/boots"))
    assert "Similar items" in item and "Bought together" in item and "Wool socks" in item
    missing = console.get("/console/catalog/nothing-like-it")
    assert missing.status_code == 404 and "no item 'nothing-like-it'" in _text(missing)


def test_the_user_explorer_shows_recommendations_with_their_reasons(
    console: TestClient, shop: Engine
) -> None:
    shop.consents.set("camper0", {"personalization": True}, source="banner")
    expected = shop.recommendations.for_user("camper0", n=10)
    assert expected.personalized and expected.items
    text = _text(console.get("/console/users/camper0"))
    for rec in expected.items:
        assert f"{rec.title} {rec.reason.text} {rec.reason.kind}" in text
    assert "personalized from seq_blend" in text
    assert "personalization granted banner" in text  # consents with their source
    assert "Recent events" in text and "purchase Stove" in text  # items by title
    assert "Similar to Old tent" in text  # their latest item, for "why am I seeing this"


def test_the_user_explorer_shows_saved_orders_with_each_lines_options(
    console: TestClient, shop: Engine
) -> None:
    assert "No saved orders." in _text(console.get("/console/users/camper0"))
    lines = [("tent", 1, {"size": "2p"}), ("tent", 2, {"size": "4p"}), ("stove", 1)]
    trip = shop.orders.create("camper0", "Trip", lines)
    text = _text(console.get("/console/users/camper0"))
    assert f"Trip (order {trip.id}, 3 lines)" in text
    assert re.search(r"Tent size: 2p 1 \S+ Tent size: 4p 2 \S+ Stove - 1", text), text


def test_the_user_explorer_finds_a_user_by_id_or_says_there_is_none(
    console: TestClient,
) -> None:
    found = console.get("/console/users", params={"id": "hiker3"}, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == "/console/users/hiker3"
    missing = console.get("/console/users", params={"id": "nobody"})
    assert missing.status_code == 404 and "There is no user &#39;nobody&#39;" in missing.text
    assert console.get("/console/users/nobody").status_code == 404
    listing = _text(console.get("/console/users"))
    assert "60 users" in listing and "camper0" in listing


def test_the_models_page_lists_versions_with_their_metrics(
    console: TestClient, shop: Engine, tmp_path: Path
) -> None:
    # The shop is too small to evaluate (a dozen items); 40 more shoppers on 40 more items
    # make a version with metrics.
    start = datetime.now(UTC) - timedelta(days=1)
    books = [
        {"user_id": f"reader{u}", "item_id": f"book{(u + k) % 40}", "type": "view",
         "timestamp": start + timedelta(minutes=10 * u + k)}
        for u in range(40)
        for k in range(4)
    ]  # fmt: skip
    assert not shop.events.record_many(books).rejected
    measured = shop.training.train("item_knn", tune=False, activate=False, models_dir=tmp_path)
    assert measured.metrics_note is None
    text = _text(console.get("/console/models"))
    for version in shop.training.versions():
        assert f"{version.id} {version.model}" in text
        if version.metrics_note is None:
            assert f"{version.metrics['ndcg@10']:.4f}" in text
        else:
            assert version.metrics == {}
            assert f"No offline metrics: {version.metrics_note}" in text
    assert sum(v.metrics_note is not None for v in shop.training.versions()) == 2
    active = re.findall(
        r'<span class="tag good">active</span>', console.get("/console/models").text
    )
    assert len(active) == 2  # item_knn's and seq_blend's versions


def test_the_models_page_says_what_auto_chose_on_validation(
    console: TestClient, shop: Engine, tmp_path: Path
) -> None:
    start = datetime.now(UTC) - timedelta(days=1)
    books = [
        {"user_id": f"reader{u}", "item_id": f"book{(u + k) % 40}", "type": "view",
         "timestamp": start + timedelta(minutes=10 * u + k)}
        for u in range(40)
        for k in range(4)
    ]  # fmt: skip
    assert not shop.events.record_many(books).rejected
    chosen = shop.training.train(tune=False, models_dir=tmp_path)  # auto
    assert chosen.selection is not None
    scores = chosen.selection["candidates_val_ndcg@10"]
    text = _text(console.get("/console/models"))
    ranked = sorted(scores.items(), key=lambda pair: -pair[1])
    listed = ", ".join(f"{name} {score:.4f}" for name, score in ranked)
    assert f"{chosen.id} {chosen.model} chosen on validation NDCG@10 of {listed}" in text
    assert "<option selected>auto</option>" in console.get("/console/models").text


def test_activate_serves_an_older_version_and_is_post_only(
    console: TestClient, shop: Engine
) -> None:
    older = shop.training.active("item_knn")
    assert older is not None
    newer = shop.training.train("item_knn", tune=False)
    path = f"/console/models/{older.id}/activate"
    assert console.get(path, follow_redirects=False).status_code == 405
    assert shop.training.active("item_knn").id == newer.id  # type: ignore[union-attr]
    response = post(console, path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/console/models?activated={older.id}"
    assert shop.training.active("item_knn").id == older.id  # type: ignore[union-attr]
    assert (
        f"Version {older.id} is now the active version of its model"
        in console.get(response.headers["location"]).text
    )
    assert post(console, "/console/models/99999/activate").status_code == 404
    # The rollback is in the audit log, as the console session's key, and on its page.
    # (Its first activation, when trained, was the system's.)
    latest, first = shop.audit.list(action="model.activate", target=str(older.id)).items
    assert first.actor.kind == "system"
    entry = latest
    (key,) = [k for k in shop.keys.list() if k.active]
    assert (entry.actor.kind, entry.actor.id, entry.actor.ip) == ("console", key.id, "testclient")
    text = _text(console.get("/console/audit?action=model.activate"))
    assert f"console: {key.id} testclient model.activate {older.id}" in text


def test_the_audit_page_names_a_bad_date_and_keeps_the_filters(console: TestClient) -> None:
    response = console.get("/console/audit?action=model.activate&since=03/12/2026")
    assert response.status_code == 422
    assert "since: '03/12/2026' is not a date like 2026-12-03" in _text(response)
    assert 'value="model.activate"' in response.text
    response = console.get("/console/audit?cursor=not-ours")
    assert response.status_code == 422 and "cursor:" in _text(response)


def test_retrain_queues_a_job_whose_status_the_page_shows(
    console: TestClient, shop: Engine
) -> None:
    assert console.get("/console/models/retrain", follow_redirects=False).status_code == 405
    response = post(
        console, "/console/models/retrain", {"model": "popular", "activate": "true"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    [job] = shop.jobs.list()
    assert (job.model, job.status, job.tune, job.activate) == ("popular", "queued", False, True)
    assert response.headers["location"] == f"/console/models?queued={job.id}"
    waiting = console.get(response.headers["location"])
    assert f"Training job {job.id} queued" in waiting.text
    assert 'http-equiv="refresh"' in waiting.text  # it reloads while the job waits
    [done] = shop.jobs.run_pending()
    finished = console.get("/console/models")
    assert f"{job.id} popular succeeded" in _text(finished)
    assert f"version {done.version_id}" in finished.text
    assert 'http-equiv="refresh"' not in finished.text


def test_retrain_refuses_an_unknown_model_naming_it(console: TestClient, shop: Engine) -> None:
    response = post(console, "/console/models/retrain", {"model": "magic"})
    assert response.status_code == 422 and "unknown model &#39;magic&#39;" in response.text
    assert shop.jobs.list() == []


def test_the_configurator_pages_show_the_most_chosen_options_and_pairs(
    console: TestClient, shop: Engine
) -> None:
    listing = _text(console.get("/console/configurators"))
    assert "Your coffee, your way coffee 1 7 3" in listing  # version, groups, designs
    text = _text(console.get("/console/configurators/coffee"))
    assert "3 saved designs" in text
    assert "Large (470 ml) 2 66.7 %" in text and "Small (240 ml) 1 33.3 %" in text
    assert "Oat milk 2 66.7 %" in text and "Almond milk 1 33.3 %" in text
    pairs = shop.configurators.analytics("coffee", top_pairs=10).pairs
    assert pairs
    for pair in pairs:
        assert f"{pair.label} {pair.count} {pair.share * 100:.1f} %" in text
    assert console.get("/console/configurators/nope").status_code == 404
