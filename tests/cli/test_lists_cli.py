"""`tailored lists|orders|notifications ...` against a SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:
        engine.items.upsert_many(
            [
                {"id": "mug", "title": "Mug", "attributes": {"price": 8}},
                {"id": "beans", "title": "Beans", "attributes": {"price": 12.5}},
                {"id": "lamp", "title": "Lamp", "attributes": {"price": 30}, "available": False},
                {"id": "tee", "title": "Tee", "attributes": {"price": 20, "sizes": ["M", "XL"]}},
            ]
        )
    return url


def test_save_show_share_and_remove(url: str) -> None:
    saved = _run("lists", "save", "ann", "mug", "--note", "the blue one", "-d", url)
    assert saved.exit_code == 0, saved.output
    assert "saved: mug in list 1 at position 0" in saved.output
    assert "already saved" in _run("lists", "save", "ann", "mug", "-d", url).output
    _run("lists", "save", "ann", "lamp", "-d", url)

    shown = _run("lists", "show", "ann", "-d", url)
    assert shown.exit_code == 0, shown.output
    assert "Favorites (list 1, 2 items)" in shown.output
    assert "the blue one" in shown.output and "Lamp" in shown.output

    shared = _run("lists", "share", "ann", "1", "-d", url)
    assert shared.output.startswith("/v1/shared-lists/")
    with Engine.open(url) as engine:
        assert engine.lists.shared(shared.output.strip().rsplit("/", 1)[1]).info.name == "Favorites"
    assert "no longer shared" in _run("lists", "share", "ann", "1", "--revoke", "-d", url).output

    assert "removed mug" in _run("lists", "remove", "ann", "mug", "-d", url).output
    assert "was not on the list" in _run("lists", "remove", "ann", "mug", "-d", url).output
    assert "has no lists yet" in _run("lists", "show", "bo", "-d", url).output


def test_named_lists_created_filled_renamed_and_deleted(url: str) -> None:
    created = _run("lists", "create", "ann", "Birthday ideas", "--description", "for Bo", "-d", url)
    assert created.exit_code == 0, created.output
    assert "created list 1: Birthday ideas" in created.output
    _run("lists", "save", "ann", "mug", "--list", "1", "-d", url)
    first = _run("lists", "save", "ann", "beans", "--list", "1", "--position", "0", "-d", url)
    assert "saved: beans in list 1 at position 0" in first.output
    with Engine.open(url) as engine:
        assert [e.item_id for e in engine.lists.get("ann", 1).entries] == ["beans", "mug"]

    taken = _run("lists", "create", "ann", "Birthday ideas", "-d", url)
    assert taken.exit_code == 1 and "already has a list named 'Birthday ideas'" in taken.output
    renamed = _run("lists", "rename", "ann", "1", "Gift ideas", "-d", url)
    assert renamed.exit_code == 0, renamed.output
    assert "list 1 is now Gift ideas (for Bo)" in renamed.output
    assert "Gift ideas (list 1, 2 items)" in _run("lists", "show", "ann", "-d", url).output
    nothing = _run("lists", "rename", "ann", "1", "-d", url)
    assert nothing.exit_code == 1 and "give a new name, or --description" in nothing.output

    assert "deleted list 1" in _run("lists", "delete", "ann", "1", "-d", url).output
    assert "has no lists yet" in _run("lists", "show", "ann", "-d", url).output
    gone = _run("lists", "delete", "ann", "1", "-d", url)
    assert gone.exit_code == 1 and "list '1' not found" in gone.output


def test_errors_are_one_line_and_exit_1(url: str) -> None:
    unknown = _run("lists", "save", "ann", "ghost", "-d", url)
    assert unknown.exit_code == 1 and "item_id: no item 'ghost' in the catalog" in unknown.output
    missing = _run("lists", "show", "ann", "--list", "9", "-d", url)
    assert missing.exit_code == 1 and "list '9' not found" in missing.output


def test_create_list_and_reorder_an_order(url: str) -> None:
    created = _run("orders", "create", "ann", "my usual coffee", "beans:2", "mug", "-d", url)
    assert created.exit_code == 0, created.output
    assert "saved order 1: my usual coffee (2 lines)" in created.output
    listed = _run("orders", "list", "ann", "-d", url)
    assert "my usual coffee (order 1)" in listed.output and "33" in listed.output

    placed = _run("orders", "reorder", "ann", "1", "--placed-id", "o-1", "-d", url)
    assert placed.exit_code == 0, placed.output
    assert "2 purchase events recorded, 0 already recorded" in placed.output
    with Engine.open(url) as engine:
        purchases = engine.events.query(types=["purchase"], newest_first=False).items
    assert sorted((e.item_id, e.value) for e in purchases) == [("beans", 25.0), ("mug", 8.0)]

    bad = _run("orders", "create", "ann", "tea", "mug:lots", "-d", url)
    assert bad.exit_code == 1 and "ITEM:QUANTITY" in bad.output
    again = _run("orders", "reorder", "ann", "1", "--placed-id", "o-1", "-d", url)
    assert "0 purchase events recorded, 2 already recorded" in again.output


def test_order_lines_with_options(url: str) -> None:
    created = _run("orders", "create", "ann", "tees", "tee:2:size=xl", "tee:1:size=M", "-d", url)
    assert created.exit_code == 0, created.output
    assert "saved order 1: tees (2 lines)" in created.output
    listed = _run("orders", "list", "ann", "-d", url).output
    assert "size: XL" in listed and "size: M" in listed
    placed = _run("orders", "reorder", "ann", "1", "-d", url)
    assert placed.exit_code == 0 and "2 purchase events recorded" in placed.output
    with Engine.open(url) as engine:
        purchases = engine.events.query(types=["purchase"]).items
    assert sorted(e.context["options"]["size"] for e in purchases) == ["M", "XL"]

    refused = _run("orders", "create", "ann", "big", "tee:1:size=XXL", "-d", url)
    assert refused.exit_code == 1
    assert "lines.0.options.size: must be one of M, XL (the item's sizes), not 'XXL'" in (
        refused.output
    )
    broken = _run("orders", "create", "ann", "big", "tee:1:size", "-d", url)
    assert broken.exit_code == 1 and "ITEM:QUANTITY" in broken.output
    malformed = _run("orders", "create", "ann", "big", "tee:1:size=M,colour", "-d", url)
    assert malformed.exit_code == 1 and "NAME=VALUE" in malformed.output


def test_reorder_takes_the_saved_order_by_position_only(url: str) -> None:
    help_text = _run("orders", "reorder", "--help").output
    assert "--order-id" not in help_text and "--placed-id" in help_text
    assert "the saved order to place again" in help_text
    _run("orders", "create", "ann", "usual", "mug", "-d", url)
    old_way = _run("orders", "reorder", "ann", "1", "--order-id", "o-1", "-d", url)
    assert old_way.exit_code == 2 and "No such option: --order-id" in old_way.output


def test_alerts_notifications_and_the_outbox(url: str) -> None:
    subscribed = _run("notifications", "subscribe", "ann", "lamp", "-d", url)
    assert subscribed.exit_code == 0, subscribed.output
    assert "back_in_stock on lamp" in subscribed.output
    below = _run("notifications", "subscribe", "bo", "beans", "--below", "10", "-d", url)
    assert "price_below on beans" in below.output
    with Engine.open(url) as engine:
        engine.items.upsert({"id": "lamp", "title": "Lamp", "attributes": {"price": 30}})
    assert "alerts" in _run("reactions", "run", "-d", url).output  # as a server would

    mine = _run("notifications", "list", "ann", "--unread", "-d", url)
    assert "Lamp is back in stock." in mine.output
    assert "fired" in _run("notifications", "subscriptions", "ann", "-d", url).output
    assert "armed" in _run("notifications", "subscriptions", "bo", "-d", url).output

    outbox = _run("notifications", "outbox", "-d", url)
    assert outbox.exit_code == 0 and "Lamp is back in stock." in outbox.output
    delivered = _run("notifications", "delivered", "1", "-d", url)
    assert "1 notifications marked delivered" in delivered.output
    assert "Lamp is back in stock." not in _run("notifications", "outbox", "-d", url).output
