"""The demo storefront in a real browser: onboarding tailors the home page, viewing
items changes "Because you viewed" (and withdrawing consent ends it), the configurator
prices live, favorites and reorders work, the preference center names its errors, and
the home page fits a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.web.conftest import Demo

# One worker runs every browser test: they share its demo server and its Chromium.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


def _arrive_as_new_visitor(page: Any) -> None:
    page.goto("/store")
    page.get_by_role("button", name="A new visitor").click()
    page.wait_for_url("**/store/home")


def _row(page: Any, heading: str) -> Any:
    return page.get_by_role("region", name=re.compile(f"^{re.escape(heading)}"))


def _titles(row: Any) -> list[str]:
    return [title.strip() for title in row.get_by_role("heading", level=3).all_inner_texts()]


def _ids(row: Any) -> list[str]:
    """The item ids a row links to, in order."""
    links = row.locator("article a").evaluate_all("links => links.map(a => a.pathname)")
    return [str(path).rsplit("/", 1)[-1] for path in links]


def _reasons(row: Any) -> list[str]:
    return [text.strip() for text in row.locator("details.why p").all_text_contents()]


def test_a_new_visitor_answers_onboarding_and_the_home_page_changes(
    page: Any, demo: Demo, shot: Any
) -> None:
    _arrive_as_new_visitor(page)
    top = _row(page, "Top picks for you")
    before = _titles(top)
    assert before and not any("because you chose" in r for r in _reasons(top))
    shot(page, "store_home_new_visitor")
    page.get_by_role("link", name="Take the survey").click()
    page.wait_for_url("**/store/onboarding")
    question = page.get_by_role("group", name="Which of these do you shop for?")
    # The options are the most active categories: take one that is not already on top.
    offered = [text.strip() for text in question.locator("label").all_inner_texts()]
    with demo.engine() as engine:
        shown = engine.items.get_many(_ids(top))
        on_top = {c for item in shown.values() for c in item.categories}
    chosen = next(c for c in offered if c not in on_top and c != "coffee")
    question.get_by_label(chosen, exact=True).check()
    page.get_by_role("button", name="Show me my store").click()
    page.wait_for_url("**/store/home")
    assert "Thanks!" in page.get_by_role("status").first.inner_text()
    assert page.get_by_role("heading", name="Tell us what you like").count() == 0
    after = _titles(top)
    reasons = _reasons(top)
    assert after != before
    assert reasons[0] == f"because you chose {chosen}"
    with demo.engine() as engine:
        items = engine.items.get_many(_ids(top))
    for item_id, reason in zip(_ids(top), reasons, strict=True):
        if reason == f"because you chose {chosen}":
            assert chosen in items[item_id].categories


def test_viewing_items_changes_because_you_viewed(page: Any) -> None:
    _arrive_as_new_visitor(page)
    assert _row(page, "Because you viewed").count() == 0
    first = _row(page, "Trending now").get_by_role("link").first
    title = first.inner_text().strip()
    first.click()
    page.get_by_role("heading", level=1, name=title).wait_for()
    assert page.get_by_role("heading", name="Similar items").is_visible()
    page.get_by_role("link", name="Home", exact=True).click()
    because = _row(page, "Because you viewed")
    assert because.get_by_role("heading", level=2).inner_text() == f"Because you viewed {title}"
    # One more view, from that row: the row now follows the newer item.
    second = because.get_by_role("link").first
    newer = second.inner_text().strip()
    second.click()
    page.get_by_role("heading", level=1, name=newer).wait_for()
    page.get_by_role("link", name="Home", exact=True).click()
    heading = _row(page, "Because you viewed").get_by_role("heading", level=2)
    assert heading.inner_text() == f"Because you viewed {newer}"


def test_the_similar_items_of_a_coffee_are_coffees(page: Any, demo: Demo) -> None:
    """Item knn alone showed hoodies and sneakers under a coffee's "Similar items". The
    row leaves out what the row above it shows, so it has every other coffee first."""
    _arrive_as_new_visitor(page)
    page.goto("/store/items/coffee-flat-white")
    page.get_by_role("heading", level=1, name="Flat White").wait_for()
    similar = _row(page, "Similar items")
    shown, above = _ids(similar), set(_ids(_row(page, "Often bought")))
    assert len(shown) >= 4 and not above & set(shown)
    with demo.engine() as engine:
        menu = engine.items.list(categories=["coffee"], limit=100).items
        items = engine.items.get_many(shown)
    coffees_left = {item.id for item in menu} - above - {"coffee-flat-white"}
    first = shown[: len(coffees_left)]
    assert first and {items[item_id].categories for item_id in first} == {("coffee",)}
    assert set(_reasons(similar)) == {"similar to Flat White"}


def test_withdrawing_consent_in_the_preference_center_ends_because_you_viewed(
    page: Any, shot: Any
) -> None:
    _arrive_as_new_visitor(page)
    first = _row(page, "Trending now").get_by_role("link").first
    title = first.inner_text().strip()
    first.click()
    page.get_by_role("heading", level=1, name=title).wait_for()
    page.get_by_role("link", name="Home", exact=True).click()
    page.wait_for_url("**/store/home")
    _row(page, "Because you viewed").wait_for()
    page.get_by_role("link", name="Preferences").click()
    consent = page.get_by_label("Tailor the store to what I view and buy")
    assert consent.is_checked()  # the default policy: personalized until withdrawn
    consent.uncheck()
    page.get_by_role("button", name="Save privacy choice").click()
    page.get_by_text("The store no longer tailors itself to what you view and buy.").wait_for()
    assert not page.get_by_label("Tailor the store to what I view and buy").is_checked()
    page.get_by_role("link", name="Home", exact=True).click()
    page.wait_for_url("**/store/home")
    top = _row(page, "Top picks for you")
    top.wait_for()
    assert _row(page, "Because you viewed").count() == 0
    reasons = _reasons(top)
    assert reasons and all(
        "(not personalized: consent to personalization was withdrawn)" in r for r in reasons
    )
    shot(page, "store_home_without_consent")


def test_a_configurator_shows_a_constraint_message_and_the_right_price(
    page: Any, shot: Any
) -> None:
    _arrive_as_new_visitor(page)
    page.goto("/store/configure/coffee")
    price = page.locator("#price")
    problems = page.locator("#design-problems")
    assert price.inner_text() == "€3.30"
    page.get_by_label("Iced", exact=True).check()
    page.get_by_label("Small (240 ml)").check()
    problems.get_by_text("Iced drinks come in M or L").wait_for()
    assert price.inner_text() == "€2.80"
    shot(page, "store_configurator_constraint")
    page.get_by_label("Large (470 ml)").check()
    page.get_by_label("Oat milk").check()
    problems.get_by_text("Every rule is met.").wait_for()
    # `expect`, not `wait_for_function`: polling a string predicate needs eval, which the
    # pages' Content-Security-Policy forbids.
    expect(price).to_have_text("€4.30")
    page.get_by_role("button", name="Order").click()
    page.get_by_text("Thank you! Your design is ordered for €4.30.").wait_for()


def test_the_price_breakdown_shows_no_zero_base_price_nor_free_picks_priced(
    page: Any,
) -> None:
    _arrive_as_new_visitor(page)
    page.goto("/store/configure/coffee")  # priced by its picks alone: base price 0
    lines = page.locator("#price-lines li")
    expect(lines.first).to_have_text("Size: Medium (350 ml): €3.30")
    expect(page.locator("#price-lines")).not_to_contain_text("Base price")
    assert "Hot or iced: Hot" in lines.all_inner_texts()  # free: no "€0.00"
    page.get_by_label("Oat milk").check()  # the script redraws the lines
    expect(page.locator("#price")).to_have_text("€3.80")
    assert not [line for line in lines.all_inner_texts() if "Base price" in line or "€0.00" in line]
    page.goto("/store/configure/sneaker")  # a base price to show
    expect(lines.first).to_have_text("Base price: €89.00")


SNEAKER = {  # group label -> choice label (or text); €89 + 10 + 20 + 3 + 5 = €127
    "Silhouette": "High-top",
    "Upper material": "Full-grain leather",
    "Upper colour": "Black",
    "Size (EU)": "EU 42",
    "Extras": "Name tag on the box (repeats your text)",
    "Personal text on the heel": "ANN",
}
SNEAKER_PICKS = {
    "silhouette": ["high"],
    "upper_material": ["leather"],
    "upper_colour": ["black"],
    "size": ["42"],
    "extras": ["name-tag"],
    "personal_text": "ANN",
}
COFFEE = {  # €3.80 + 0.70 + 0.50 + one of two syrups 0.60 = €5.60
    "Size": "Large (470 ml)",
    "Hot or iced": "Iced",
    "Espresso shots": "Double",
    "Milk": "Oat milk",
    "Syrups": ("Vanilla", "Caramel"),
    "Name on the cup": "Ann",
}
COFFEE_PICKS = {
    "size": ["L"],
    "temperature": ["iced"],
    "shots": ["2"],
    "milk": ["oat"],
    "syrups": ["vanilla", "caramel"],
    "name_on_cup": "Ann",
}


def _shopper_id(page: Any) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "tailored_shopper")


def _group(page: Any, label: str) -> Any:
    return page.locator("fieldset.group").filter(
        has=page.locator("legend", has_text=re.compile(f"^{re.escape(label)}"))
    )


def _configure(page: Any, design: dict[str, Any]) -> None:
    for label, wanted in design.items():
        group = _group(page, label)
        if group.locator("input[type=text]").count():
            group.locator("input[type=text]").fill(wanted)
            continue
        for choice in (wanted,) if isinstance(wanted, str) else wanted:
            group.get_by_label(choice, exact=False).first.check()


def _expect_on_screen(page: Any, design: dict[str, Any]) -> None:
    """Every choice of `design` is what the form shows."""
    for label, wanted in design.items():
        group = _group(page, label)
        if group.locator("input[type=text]").count():
            expect(group.locator("input[type=text]")).to_have_value(wanted)
            continue
        for choice in (wanted,) if isinstance(wanted, str) else wanted:
            expect(group.get_by_label(choice, exact=False).first).to_be_checked()


def _purchases(demo: Demo, user_id: str) -> list[Any]:
    with demo.engine() as engine:
        return [e for e in engine.events.query(user_id=user_id).items if e.type == "purchase"]


def _resolved(demo: Demo, product: str, picks: dict[str, Any]) -> dict[str, Any]:
    """Every group's choices of a design (defaults included), as an order records them."""
    with demo.engine() as engine:
        return engine.configurators.validate(product, picks).choices()


def _designs(demo: Demo, user_id: str) -> list[Any]:
    with demo.engine() as engine:
        return list(engine.configurators.list_designs(user_id).items)


@pytest.mark.parametrize(
    ("product", "design", "picks", "total"),
    [
        ("sneaker", SNEAKER, SNEAKER_PICKS, "€127.00"),
        ("coffee", COFFEE, COFFEE_PICKS, "€5.60"),
    ],
)
def test_a_saved_design_stays_on_screen_and_order_buys_exactly_it(
    page: Any,
    demo: Demo,
    shot: Any,
    product: str,
    design: dict[str, Any],
    picks: dict[str, Any],
    total: str,
) -> None:
    _arrive_as_new_visitor(page)
    page.goto(f"/store/configure/{product}")
    _configure(page, design)
    expect(page.locator("#price")).to_have_text(total)
    page.get_by_label("Design name").fill("Ann's own")
    page.get_by_role("button", name="Save design").click()
    page.get_by_text(f'Saved "Ann\'s own" for {total}.').wait_for()
    # The page comes back with the saved design, not the defaults.
    expect(page.locator("#price")).to_have_text(total)
    _expect_on_screen(page, design)
    expect(page.get_by_label("Design name")).to_have_value("Ann's own")
    shot(page, f"store_configurator_saved_{product}")
    page.reload()  # a link to the saved design shows it too
    _expect_on_screen(page, design)
    page.get_by_role("button", name="Order", exact=True).click()
    page.get_by_text(f"Thank you! Your design is ordered for {total}.").wait_for()
    _expect_on_screen(page, design)

    user_id = _shopper_id(page)
    [saved] = _designs(demo, user_id)
    assert saved.name == "Ann's own"
    [purchase] = _purchases(demo, user_id)
    ordered = purchase.context["choices"]
    assert ordered == _resolved(demo, product, picks) == saved.choices
    assert f"€{purchase.value:.2f}" == total


def test_ordering_saves_no_design_and_unnamed_designs_get_distinct_names(
    page: Any, demo: Demo
) -> None:
    _arrive_as_new_visitor(page)
    page.goto("/store/configure/sneaker")
    _configure(page, SNEAKER)
    for _ in range(2):
        page.get_by_role("button", name="Order", exact=True).click()
        page.get_by_text("Thank you! Your design is ordered for €127.00.").wait_for()
        _expect_on_screen(page, SNEAKER)  # what was ordered stays on screen
    user_id = _shopper_id(page)
    assert [p.context["choices"] for p in _purchases(demo, user_id)] == [
        _resolved(demo, "sneaker", SNEAKER_PICKS)
    ] * 2
    assert _designs(demo, user_id) == []
    assert page.get_by_role("heading", name="Your saved designs").count() == 0

    page.get_by_role("button", name="Save design").click()
    page.get_by_text("Saved 'My sneaker' for €127.00.").wait_for()
    expect(page.get_by_label("Design name")).to_have_value("My sneaker")
    page.get_by_label("Design name").fill("")
    page.get_by_role("button", name="Save design").click()
    page.get_by_text("Saved 'My sneaker 2' for €127.00.").wait_for()
    assert sorted(d.name for d in _designs(demo, user_id)) == ["My sneaker", "My sneaker 2"]
    saved = page.get_by_role("region", name="Your saved designs")
    assert saved.locator("strong").all_inner_texts() == ["My sneaker 2", "My sneaker"]


def test_favorites_and_a_saved_order_reordered(page: Any) -> None:
    _arrive_as_new_visitor(page)
    _row(page, "Trending now").get_by_role("link").first.click()
    title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Save to favorites").click()
    page.get_by_text(f"Saved to your favorites: {title}.").wait_for()
    if page.get_by_label("Size").count():  # a size must be chosen when there are several
        page.get_by_label("Size").select_option(index=1)
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/store/cart")
    page.get_by_label("Name of this order").fill("My usual")
    page.get_by_role("button", name="Save as an order").click()
    page.wait_for_url("**/store/orders")
    page.get_by_role("button", name="Reorder My usual").click()
    page.get_by_text(re.compile(r"Ordered again: 1 items, €[\d.,]+ in total\.")).wait_for()
    page.get_by_role("link", name="Favorites").click()
    page.get_by_role("heading", level=3, name=title).wait_for()
    page.get_by_role("button", name=f"Remove {title} from favorites").click()
    page.get_by_text("Removed from your favorites.").wait_for()
    assert page.get_by_role("heading", level=3, name=title).count() == 0


def test_never_show_me_coffee_removes_the_coffee_bar_and_every_coffee(
    page: Any, demo: Demo, shot: Any
) -> None:
    _arrive_as_new_visitor(page)
    page.get_by_role("heading", name="From the coffee bar").wait_for()
    page.get_by_role("link", name="Preferences").click()
    never = page.get_by_role("group", name="Never show me")
    never.get_by_label("coffee", exact=True).check()
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Your preferences are saved.").wait_for()
    page.get_by_role("link", name="Home", exact=True).click()
    page.wait_for_url("**/store/home")
    _row(page, "Trending now").wait_for()
    assert page.get_by_role("heading", name="From the coffee bar").count() == 0
    shown = [i for r in ("Top picks for you", "Trending now") for i in _ids(_row(page, r))]
    with demo.engine() as engine:
        items = engine.items.get_many(shown)
    assert shown and not [i for i in items.values() if "coffee" in i.categories]
    shot(page, "store_home_coffee_blocked")


def test_the_rows_of_the_home_page_never_repeat_an_item(page: Any) -> None:
    _arrive_as_new_visitor(page)
    top, trending = _ids(_row(page, "Top picks for you")), _ids(_row(page, "Trending now"))
    assert top and trending and not set(top) & set(trending)


def test_the_preference_center_names_its_errors_and_keeps_the_input(page: Any) -> None:
    _arrive_as_new_visitor(page)
    page.get_by_role("link", name="Preferences").click()
    page.get_by_label("Price range: Lowest").fill("100")
    page.get_by_label("Price range: Highest").fill("10")
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_text("Price range: min 100 is above max 10").is_visible()
    assert page.get_by_label("Price range: Lowest").input_value() == "100"
    page.get_by_label("Price range: Lowest").fill("5")
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Your preferences are saved.").wait_for()
    assert page.get_by_label("Price range: Highest").input_value() == "10"


def _hidden_cards(row: Any) -> int:
    """How many of a row's cards do not show whole inside it (scrolled out of view)."""
    return int(
        row.evaluate(
            """(row) => {
              const box = row.getBoundingClientRect();
              return [...row.querySelectorAll("article")].filter((card) => {
                const c = card.getBoundingClientRect();
                return c.left < box.left - 1 || c.right > box.right + 1;
              }).length;
            }"""
        )
    )


def test_every_home_row_shows_all_its_cards_or_says_there_are_more(page: Any, shot: Any) -> None:
    _arrive_as_new_visitor(page)
    shelves = page.locator("section.shelf")
    assert shelves.count() >= 3
    signalled = 0
    for index in range(shelves.count()):
        shelf = shelves.nth(index)
        heading = shelf.get_by_role("heading", level=2).inner_text()
        row = shelf.locator(".row")
        more = shelf.get_by_role("button", name=f"More of {heading}")
        if _hidden_cards(row) == 0:
            expect(more).to_be_hidden()
            continue
        signalled += 1
        expect(more).to_be_visible()  # a card cut at the edge comes with a way to see it
        assert "more-after" in (shelf.locator(".shelf-row").get_attribute("class") or "")
        for _ in range(10):  # the button walks the row to its end, then goes away
            if not more.is_visible():
                break
            more.click()
            page.wait_for_timeout(600)  # the smooth scroll
        expect(more).to_be_hidden()
        last = row.locator("article").last
        assert last.evaluate(
            "(card) => card.getBoundingClientRect().right"
            " <= card.parentElement.getBoundingClientRect().right + 1"
        )
        expect(shelf.get_by_role("button", name=f"Back in {heading}")).to_be_visible()
    assert signalled  # the demo's rows hold more cards than a desktop row shows
    shot(page, "store_home_rows_scrolled")


def test_sizes_are_offered_small_to_large_then_by_number(page: Any) -> None:
    _arrive_as_new_visitor(page)
    expected = ["XS", "S", "M", "L", "XL", "41", "42"]  # the demo's sizes, then its shoes
    for path in ("/store/preferences", "/store/onboarding"):
        page.goto(path)
        sizes = page.locator("fieldset", has=page.locator("input[name=sizes]"))
        values = sizes.locator("input[name=sizes]").evaluate_all("boxes => boxes.map(b => b.value)")
        numbered = [v for v in values if v in expected]
        assert numbered == [v for v in expected if v in numbered], (path, values)
        assert len(numbered) >= 5, (path, values)


@pytest.mark.phone
def test_the_home_page_fits_a_phone(page: Any) -> None:
    page.goto("/store")
    page.locator("form button").first.click()  # a shopper with a history
    page.wait_for_url("**/store/home")
    for heading in ("Top picks for you", "Trending now", "From the coffee bar"):
        page.get_by_role("heading", name=heading).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("link", name="Cart (0)").is_visible()
