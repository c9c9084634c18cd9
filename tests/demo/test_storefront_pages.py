"""The storefront's pages without a browser: every page answers, what a shopper does is
recorded as events, and bad input comes back naming the field (both backends)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tailored import Engine
from tailored.demo.app import demo_app, storefront_for
from tailored.demo.configurators import install_examples
from tailored.demo.storefront import mount
from tailored.demo.storefront.shopper import SHOPPER_COOKIE
from tailored.server import create_app

COFFEE = [
    {"id": "coffee-latte", "title": "Latte", "categories": ["coffee"],
     "attributes": {"price": 3.7, "temperature": "hot", "milk": True, "caffeine_mg": 130}},
    {"id": "coffee-cold-brew", "title": "Cold Brew", "categories": ["coffee"],
     "attributes": {"price": 3.9, "temperature": "iced", "milk": False, "caffeine_mg": 200}},
]  # fmt: skip
CAMPING = {"tent", "stove", "lamp", "mat", "old-tent", "new-lamp"}


class Browser(TestClient):
    """A client that sends forms as the store's pages do: with the CSRF token the pages
    carry (read from the first page it opens, as the cookie that goes with it)."""

    token = ""

    def post(self, url: Any, *, data: Any = None, **options: Any) -> Any:  # type: ignore[override]
        if not self.token:
            self.token = page_token(self.get("/store"))
        return super().post(url, data={**(data or {}), "csrf_token": self.token}, **options)


def page_token(response: Any) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert found, "the page has a form with its CSRF token"
    return found.group(1)


@pytest.fixture
def store(shop: Engine) -> Iterator[TestClient]:
    """The small shop of tests/conftest.py, a coffee menu and the example configurators,
    served with pages as by `tailored demo`; the browser shops as `camper0` (who walked
    the camping journey)."""
    assert not shop.items.upsert_many(COFFEE).rejected
    install_examples(shop)
    with Browser(demo_app(shop), follow_redirects=False) as client:
        client.cookies.set(SHOPPER_COOKIE, "camper0")
        yield client


def _events(engine: Engine, user_id: str, kind: str) -> list[Any]:
    return list(engine.events.query(user_id=user_id, types=[kind], newest_first=False).items)


def _flash(client: TestClient, response: Any) -> str:
    """Follow a form's redirect and give the page's text."""
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"]).text


@pytest.mark.parametrize(
    "path",
    [
        "/store",
        "/store/home",
        "/store/items/tent",
        "/store/items/coffee-latte",
        "/store/preferences",
        "/store/onboarding",
        "/store/favorites",
        "/store/orders",
        "/store/cart",
        "/store/configure/coffee",
        "/store/configure/sneaker",
        "/store/configure/coffee?temperature=iced&milk=oat",
    ],
)
def test_every_page_answers(store: TestClient, path: str) -> None:
    response = store.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>" in response.text


def test_pages_need_a_shopper_and_unknown_things_are_404(store: TestClient) -> None:
    assert store.get("/store/items/no-such-thing").status_code == 404
    assert store.get("/store/configure/no-such-thing").status_code == 404
    assert store.get("/store/images/no-such-thing.svg").status_code == 404
    store.cookies.clear()
    for path in ("/store/home", "/store/items/tent", "/store/preferences", "/store/cart"):
        response = store.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/store")


def test_home_shows_three_rows_with_reasons_and_records_one_impression_each(
    store: TestClient, shop: Engine
) -> None:
    page = store.get("/store/home").text
    assert "Top picks for you" in page and "Trending now" in page
    viewed = shop.items.get("old-tent").title  # camper0's latest view
    assert f"Because you viewed {viewed}" in page
    assert page.count('<details class="why">') >= 3
    shown = _events(shop, "camper0", "impression")
    placements = {e.context["placement"]: e.context["items"] for e in shown}
    assert set(placements) == {"home_top_picks", "because_viewed", "trending"}
    for placement, items in placements.items():
        assert items, placement
        for item_id in items:  # each item shown links back with its placement
            assert f'href="/store/items/{item_id}?from={placement}"' in page


def test_an_item_page_from_a_row_records_a_view_and_a_click_of_that_placement(
    store: TestClient, shop: Engine
) -> None:
    page = store.get("/store/items/boots?from=home_top_picks")
    assert page.status_code == 200
    assert "Often bought or viewed together" in page.text and "Similar items" in page.text
    (view,) = [e for e in _events(shop, "camper0", "view") if e.item_id == "boots"]
    (click,) = _events(shop, "camper0", "click")
    assert view.context == {"page": "item", "placement": "home_top_picks"}
    assert (click.item_id, click.context["placement"]) == ("boots", "home_top_picks")
    rows = {e.context["placement"] for e in _events(shop, "camper0", "impression")}
    assert rows == {"bought_together", "similar_items"}
    # The next page reflects it: "Because you viewed" now names the boots.
    assert "Because you viewed Boots" in store.get("/store/home").text
    # An unknown `from` is not a placement: a view, no click.
    store.get("/store/items/socks?from=elsewhere")
    assert len(_events(shop, "camper0", "click")) == 1


def test_item_rows_never_show_what_the_shopper_blocked(store: TestClient, shop: Engine) -> None:
    shop.preferences.update("camper0", {"blocked_categories": ["camping"]}, changed_by="test")
    page = store.get("/store/items/boots").text
    rows = {
        e.context["placement"]: e.context["items"] for e in _events(shop, "camper0", "impression")
    }
    shown = rows["bought_together"] + rows["similar_items"]
    assert shown and not CAMPING & set(shown)
    assert not any(f"/store/items/{item}?" in page for item in CAMPING)
    home = store.get("/store/home")
    trending = [
        e for e in _events(shop, "camper0", "impression") if e.context["placement"] == "trending"
    ]
    assert home.status_code == 200 and not CAMPING & set(trending[-1].context["items"])


def test_a_new_visitor_gets_an_anonymous_id_their_events_create(
    store: TestClient, shop: Engine
) -> None:
    store.cookies.clear()
    response = store.post("/store/as", data={"user_id": ""})
    visitor = response.cookies[SHOPPER_COOKIE]
    assert re.fullmatch(r"visitor-[0-9a-f]{12}", visitor)
    store.cookies.set(SHOPPER_COOKIE, visitor)
    home = store.get("/store/home").text
    assert "Tell us what you like" in home and 'href="/store/onboarding"' in home
    assert "Because you viewed" not in home
    assert shop.users.get(visitor).id == visitor  # stored with its first impressions


def test_onboarding_asks_in_order_and_stores_the_answers(store: TestClient, shop: Engine) -> None:
    questions = shop.preferences.onboarding("camper0")
    page = store.get("/store/onboarding").text
    positions = [page.index(q.text) for q in questions]
    assert positions == sorted(positions) and questions
    category = (
        questions[0].options[0] if questions[0].field.name == "favourite_categories" else None
    )
    answers = {"favourite_categories": ["kitchen"], "price_range.max": "50"}
    text = _flash(store, store.post("/store/onboarding", data=answers))
    assert "Thanks!" in text
    stored = shop.preferences.get("camper0")
    assert stored["favourite_categories"] == ["kitchen"]
    assert stored["price_range"] == {"min": None, "max": 50.0}
    assert "Tell us what you like" not in text and category is not None


def test_preference_errors_name_each_field_keep_the_input_and_store_nothing(
    store: TestClient, shop: Engine
) -> None:
    form = {
        "price_range.min": "100",
        "price_range.max": "10",
        "favourite_categories": ["camping", "shoes", "kitchen", "lighting", "coffee", "nope"],
        "theme": "dark",
    }
    response = store.post("/store/preferences", data=form)
    assert response.status_code == 422
    page = response.text
    assert "Price range: min 100 is above max 10" in page
    assert "Favourite categories: at most 5 choices, not 6" in page
    assert 'value="100"' in page and 'value="10"' in page  # as typed
    assert re.search(r'value="dark" selected|<option selected>dark</option>', page)
    assert 'role="alert"' in page and 'aria-invalid="true"' in page
    assert shop.preferences.get("camper0") == {}
    bad_number = store.post("/store/preferences", data={"price_range.min": "cheap"})
    assert "Price range (lowest): must be a number" in bad_number.text
    saved = store.post("/store/preferences", data={"price_range.max": "80", "theme": "dark"})
    assert "Your preferences are saved." in _flash(store, saved)
    assert shop.preferences.get("camper0") == {
        "price_range": {"min": None, "max": 80.0},
        "theme": "dark",
    }
    # Unticking everything clears a field.
    store.post("/store/preferences", data={"theme": "dark"})
    assert shop.preferences.get("camper0") == {"theme": "dark"}


def test_favorites_save_and_remove(store: TestClient, shop: Engine) -> None:
    saved = store.post("/store/favorites", data={"item_id": "pan", "next": "/store/items/pan"})
    assert saved.headers["location"] == "/store/items/pan"
    assert "Saved to your favorites: Pan." in _flash(store, saved)
    assert "Remove from favorites" in store.get("/store/items/pan").text
    assert [e.item_id for e in _events(shop, "camper0", "like")] == ["pan"]
    assert "/store/items/pan" in store.get("/store/favorites").text
    removed = store.post("/store/favorites/remove", data={"item_id": "pan"})
    assert "Removed from your favorites." in _flash(store, removed)
    assert shop.lists.favorites("camper0").item_ids == ()
    unknown = store.post("/store/favorites", data={"item_id": "ghost"})
    assert "item_id: no item &#39;ghost&#39; in the catalog" in _flash(store, unknown)


def test_cart_checkout_saved_order_and_reorder(store: TestClient, shop: Engine) -> None:
    store.post("/store/cart/add", data={"item_id": "pan", "quantity": "2", "size": "M"})
    store.post("/store/cart/add", data={"item_id": "mug"})
    added = _events(shop, "camper0", "add_to_cart")
    assert [(e.item_id, e.value, e.context.get("options")) for e in added] == [
        ("pan", 2.0, {"size": "M"}),  # the pan lists no sizes: any size goes
        ("mug", 1.0, None),
    ]
    cart = store.get("/store/cart").text
    assert "Cart (3)" in cart and "€88.00" in cart  # 2 x 40 + 8
    saved = store.post("/store/cart/save", data={"name": "Kitchen basics"})
    assert "Saved as &#39;Kitchen basics&#39;" in _flash(store, saved)
    reserved = store.post("/store/cart/save", data={"name": "Cart"})
    assert "Name: &#39;cart&#39; is your cart" in _flash(store, reserved)
    checkout_id = re.search(r'name="checkout_id" value="(\w+)"', cart)
    assert checkout_id is not None
    done = store.post("/store/cart/checkout", data={"checkout_id": checkout_id.group(1)})
    assert "Thank you! 3 items, €88.00." in _flash(store, done)
    bought = [(e.item_id, e.value) for e in _events(shop, "camper0", "purchase")]
    assert ("pan", 80.0) in bought and ("mug", 8.0) in bought
    assert "Cart (0)" in store.get("/store/cart").text
    (order,) = [o for o in shop.orders.list("camper0")]
    assert order.name == "Kitchen basics"  # the cart is gone, the saved order stays
    orders = store.get("/store/orders").text
    assert "Kitchen basics" in orders and "Reorder" in orders
    before = len(_events(shop, "camper0", "purchase"))
    again = store.post(f"/store/orders/{order.id}/reorder", data={"placed_id": "p-1"})
    assert "Ordered again: 3 items, €88.00 in total." in _flash(store, again)
    retry = store.post(f"/store/orders/{order.id}/reorder", data={"placed_id": "p-1"})
    assert "already placed" in _flash(store, retry)
    assert len(_events(shop, "camper0", "purchase")) == before + 2
    missing = store.post("/store/orders/999999/reorder")
    assert "saved order &#39;999999&#39; not found" in _flash(store, missing)


def test_buy_now_and_back_in_stock_alerts(store: TestClient, shop: Engine) -> None:
    bought = store.post("/store/items/tent/buy", data={"quantity": "1"})
    assert "You bought 1 x Tent" in _flash(store, bought)
    (purchase,) = [e for e in _events(shop, "camper0", "purchase") if e.item_id == "tent"]
    assert (purchase.value, purchase.context["page"]) == (200.0, "item")
    sold_out = store.get("/store/items/old-tent").text
    assert "Notify me when back in stock" in sold_out and "Add to cart" not in sold_out
    alert = store.post("/store/items/old-tent/notify")
    assert "let you know" in _flash(store, alert)
    assert [s.item_id for s in shop.subscriptions.list("camper0")] == ["old-tent"]
    refused = store.post("/store/items/old-tent/buy")
    assert "sold out" in _flash(store, refused)
    assert [e.item_id for e in _events(shop, "camper0", "purchase")].count("old-tent") == 0


def test_bad_form_values_are_named_not_500(store: TestClient) -> None:
    response = store.post("/store/cart/add", data={"item_id": "pan", "quantity": "lots"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body.quantity"
    too_many = store.post("/store/cart/add", data={"item_id": "pan", "quantity": "21"})
    assert "Quantity: at most 20 of one item." in _flash(store, too_many)


def test_the_configurator_prices_live_and_refuses_broken_designs(
    store: TestClient, shop: Engine
) -> None:
    page = store.get("/store/configure/coffee").text
    assert "€3.30" in page and 'name="temperature" value="iced"' in page
    live = store.post("/store/configure/coffee/price", data={"temperature": "iced", "size": "S"})
    result = live.json()
    assert (result["valid"], result["total"], result["total_text"]) == (False, "2.80", "€2.80")
    assert [v["name"] for v in result["violations"]] == ["iced-only-in-m-or-l"]
    assert result["violations"][0]["message"].startswith("Iced drinks come in M or L")
    refused = store.post(
        "/store/configure/coffee/save", data={"temperature": "iced", "size": "S", "name": "X"}
    )
    assert refused.status_code == 422 and "Iced drinks come in M or L" in refused.text
    assert shop.configurators.list_designs("camper0").items == ()
    design = {"temperature": "iced", "size": "L", "milk": "oat", "shots": "2", "name": "Mine"}
    ordered = store.post("/store/configure/coffee/order", data=design)
    back = _flash(store, ordered)  # the page shows what was ordered
    assert "Thank you! Your design is ordered for €5.00." in back
    assert 'value="L" checked' in back and 'value="oat" checked' in back
    (purchase,) = [e for e in _events(shop, "camper0", "purchase") if e.item_id == "coffee-custom"]
    assert (purchase.value, purchase.context["price"]) == (5.0, "5.00")
    picked = purchase.context["choices"]
    assert (picked["temperature"], picked["size"], picked["milk"]) == (["iced"], ["L"], ["oat"])
    assert shop.configurators.list_designs("camper0").items == ()  # ordering saves nothing
    assert store.post("/store/configure/nope/price").status_code == 404


def test_a_link_shows_only_a_design_of_this_shopper_and_configurator(
    store: TestClient, shop: Engine
) -> None:
    iced = {"temperature": "iced", "size": "L"}
    mine = shop.configurators.save_design("camper0", "coffee", None, iced)
    shown = store.get(f"/store/configure/coffee?design={mine.id}").text
    assert 'value="L" checked' in shown and 'value="My coffee"' in shown
    theirs = shop.configurators.save_design("someone-else", "coffee", "Theirs", iced)
    for link in (f"coffee?design={theirs.id}", f"sneaker?design={mine.id}", "coffee?design=x"):
        page = store.get(f"/store/configure/{link}")
        assert page.status_code == 200 and 'value="L" checked' not in page.text


def test_coffee_items_link_to_a_preset_configurator(store: TestClient) -> None:
    home = store.get("/store/home").text
    assert 'href="/store/configure/coffee?temperature=iced&amp;milk=none&amp;shots=3"' in home
    preset = store.get("/store/configure/coffee?temperature=iced&milk=none&shots=3").text
    assert re.search(r'value="iced" checked', preset) and re.search(r'value="none" checked', preset)


def test_item_pictures_are_svg_cached_and_deterministic(store: TestClient) -> None:
    first = store.get("/store/images/boots.svg")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("image/svg+xml")
    assert "max-age" in first.headers["cache-control"]
    assert first.text.startswith("<svg") and 'aria-label="Boots"' in first.text
    assert store.get("/store/images/boots.svg").text == first.text
    assert store.get("/store/images/coffee-latte.svg").text != first.text


class Recording(TestClient):
    """An in-process HTTP client that keeps every request it sends."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.sent: list[httpx.Request] = []

    def send(self, request: httpx.Request, **options: Any) -> httpx.Response:  # type: ignore[override]
        self.sent.append(request)
        return super().send(request, **options)


def test_the_store_acts_through_the_api_with_its_own_key_that_no_page_shows(shop: Engine) -> None:
    app = create_app(shop)
    http = Recording(app)
    mount(app, storefront_for(shop, "http://testserver", http=http))
    with Browser(app, follow_redirects=False) as browser:
        browser.cookies.set(SHOPPER_COOKIE, "camper0")
        pages = [browser.get(path) for path in ("/store", "/store/home", "/store/items/tent")]
        bought = browser.post("/store/items/tent/buy", data={"quantity": "1"})
    assert bought.status_code == 303
    for response in pages:
        assert response.status_code == 200 and "tk_" not in response.text
        assert not any("tk_" in value for value in response.cookies.values())
    assert http.sent and all(r.url.path.startswith("/v1/") for r in http.sent)
    (secret,) = {r.headers["authorization"].removeprefix("Bearer ") for r in http.sent}
    assert shop.keys.authenticate(secret).scopes == ("ingest", "serve")  # never admin
    sent = {(r.method, r.url.path) for r in http.sent}
    assert ("POST", "/v1/events") in sent and ("GET", "/v1/users/camper0") in sent
    assert ("POST", "/v1/recommendations") in sent  # top picks, with the cart as context


# --- who may shop as whom, and from where --------------------------------------------


@pytest.mark.parametrize("bad", [".", "..", "a/b", "x" * 257, "tab\there", "new\nline", "\x7f"])
def test_shopping_as_an_id_the_engine_refuses_is_refused_on_the_page(
    store: TestClient, shop: Engine, bad: str
) -> None:
    response = store.post("/store/as", data={"user_id": bad})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "Who is shopping?" in response.text
    assert "user_id: must be 1-256 characters" in response.text
    assert SHOPPER_COOKIE not in response.cookies
    assert shop.users.count() == 60  # nobody new


def test_a_shopper_cookie_with_an_invalid_id_is_no_shopper(store: TestClient) -> None:
    for bad in ("..", "a/b", "x" * 300):
        store.cookies.set(SHOPPER_COOKIE, bad)
        for path in ("/store/home", "/store/preferences", "/store/cart"):
            response = store.get(path)
            assert (response.status_code, response.headers.get("location")) == (303, "/store")


def test_a_store_form_without_the_pages_token_is_refused(shop: Engine) -> None:
    with TestClient(demo_app(shop), follow_redirects=False) as client:
        client.cookies.set(SHOPPER_COOKIE, "camper0")
        token = page_token(client.get("/store"))  # the cookie is set with the first page
        for form in ({}, {"csrf_token": "forged-" + "0" * 40}):
            bought = client.post("/store/items/tent/buy", data={"quantity": "3", **form})
            assert bought.status_code == 403 and "security token" in bought.text
            chosen = client.post("/store/as", data={"user_id": "hiker0", **form})
            assert chosen.status_code == 403
        assert _events(shop, "camper0", "purchase")[-1].item_id == "stove"  # the shop's own
        sent = client.post("/store/items/tent/buy", data={"quantity": "3", "csrf_token": token})
        assert sent.status_code == 303
        assert _events(shop, "camper0", "purchase")[-1].item_id == "tent"


# --- consent: the store personalizes from behaviour only as the engine's rule allows -----


def _home_rows(store: TestClient, shop: Engine, user_id: str = "camper0") -> set[str]:
    """The rows the home page shows, by the impressions it recorded (cleared first)."""
    before = len(_events(shop, user_id, "impression"))
    page = store.get("/store/home")
    assert page.status_code == 200
    shown = _events(shop, user_id, "impression")[before:]
    return {e.context["placement"] for e in shown}


def test_withdrawn_consent_stops_because_you_viewed(store: TestClient, shop: Engine) -> None:
    assert shop.settings.personalization_consent == "opt_out"  # the default
    assert "because_viewed" in _home_rows(store, shop)
    shop.consents.set("camper0", {"personalization": False}, source="banner")
    assert _home_rows(store, shop) == {"home_top_picks", "trending"}
    page = store.get("/store/home").text
    assert "Because you viewed" not in page
    assert "not personalized: consent to personalization was withdrawn" in page
    store.get("/store/items/boots")  # still recorded for the purposes they consented to
    assert "Because you viewed" not in store.get("/store/home").text


@pytest.fixture
def opt_in_store(shop: Engine) -> Iterator[tuple[TestClient, Engine]]:
    """The store on the same database under the opt-in policy."""
    settings = shop.settings.model_copy(update={"personalization_consent": "opt_in"})
    strict = Engine(shop.db, settings)
    with Browser(demo_app(strict), follow_redirects=False) as client:
        client.cookies.set(SHOPPER_COOKIE, "camper0")
        yield client, strict


def test_under_opt_in_only_granted_consent_personalizes(
    opt_in_store: tuple[TestClient, Engine],
) -> None:
    store, shop = opt_in_store
    assert _home_rows(store, shop) == {"home_top_picks", "trending"}
    assert "not personalized: no consent to personalization" in store.get("/store/home").text
    shop.consents.set("camper0", {"personalization": True}, source="banner")
    assert _home_rows(store, shop) == {"home_top_picks", "because_viewed", "trending"}
    assert "Because you viewed Old tent" in store.get("/store/home").text


def test_the_preference_center_grants_and_withdraws_consent(
    opt_in_store: tuple[TestClient, Engine],
) -> None:
    store, shop = opt_in_store
    center = store.get("/store/preferences").text
    assert re.search(r'name="personalization" value="true">', center)  # not ticked
    granted = store.post("/store/consent", data={"personalization": "true"})
    assert "now tailors itself" in _flash(store, granted)
    assert shop.recommendations.personalizes("camper0")
    assert [(c.purpose, c.granted, c.source) for c in shop.consents.get("camper0")] == [
        ("personalization", True, "storefront")
    ]
    assert 'name="personalization" value="true" checked' in store.get("/store/preferences").text
    assert "because_viewed" in _home_rows(store, shop)
    withdrawn = store.post("/store/consent", data={})  # the box unticked
    assert "no longer tailors itself" in _flash(store, withdrawn)
    assert not shop.recommendations.personalizes("camper0")
    assert "because_viewed" not in _home_rows(store, shop)


def _shown(engine: Engine, user_id: str) -> dict[str, list[str]]:
    """The items of each row as the latest impression of its placement recorded them."""
    rows: dict[str, list[str]] = {}
    for e in _events(engine, user_id, "impression"):
        rows[e.context["placement"]] = e.context["items"]
    return rows


def _no_repeats(rows: dict[str, list[str]]) -> None:
    every = [item for items in rows.values() for item in items]
    assert len(every) == len(set(every)), rows


def test_the_rows_of_a_page_never_repeat_an_item(store: TestClient, shop: Engine) -> None:
    shop.training.train("item_knn", tune=False)
    shop.training.train("cooccurrence", tune=False)
    store.get("/store/home")
    home = _shown(shop, "camper0")
    assert set(home) == {"home_top_picks", "because_viewed", "trending"}
    _no_repeats(home)
    store.get("/store/items/tent")
    item_rows = {k: v for k, v in _shown(shop, "camper0").items() if k not in home}
    assert set(item_rows) == {"bought_together", "similar_items"}
    _no_repeats(item_rows)
    # A new visitor's top picks are what is trending: "Trending now" shows the next ones.
    store.cookies.clear()
    visitor = store.post("/store/as", data={"user_id": ""}).cookies[SHOPPER_COOKIE]
    store.cookies.set(SHOPPER_COOKIE, visitor)
    store.get("/store/home")
    fresh = _shown(shop, visitor)
    assert fresh["home_top_picks"] and fresh["trending"]
    _no_repeats(fresh)


def test_an_item_just_bought_does_not_come_back_under_because_you_viewed(
    store: TestClient, shop: Engine
) -> None:
    shop.training.train("item_knn", tune=False)
    assert "You bought 1 x Lamp" in _flash(store, store.post("/store/items/lamp/buy"))
    store.get("/store/items/tent")  # then looks at the tent
    assert "Because you viewed Tent" in store.get("/store/home").text
    because = _shown(shop, "camper0")["because_viewed"]
    assert because and not {"lamp", "stove"} & set(because)  # both bought by camper0


def test_the_coffee_bar_shows_only_what_the_shopper_may_be_shown(
    store: TestClient, shop: Engine
) -> None:
    assert "From the coffee bar" in store.get("/store/home").text
    shop.preferences.update("camper0", {"blocked_categories": ["coffee"]}, changed_by="test")
    page = store.get("/store/home").text
    assert "From the coffee bar" not in page and "coffee-latte" not in page
