"""`tailored lists|orders|notifications ...`: what users saved, tried and inspected from a
terminal (favorites and lists, saved orders and reorder, alerts and the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, fail, open_engine
from tailored.domain.line_options import options_text
from tailored.domain.lists import SavedList
from tailored.domain.orders import OrderLine
from tailored.domain.prices import format_price
from tailored.domain.subscriptions import Notification

lists_app = App(help="Favorites and named lists of a user.", no_args_is_help=True)
orders_app = App(help="Saved orders of a user, and reorder.", no_args_is_help=True)
notifications_app = App(
    help="Back-in-stock / price-drop alerts and the notification outbox.", no_args_is_help=True
)

UserArgument = Annotated[str, typer.Argument(help="the user's id")]
ListOption = Annotated[
    int | None, typer.Option("--list", "-l", help="a list id (default: favorites)")
]


# --- lists ------------------------------------------------------------------------------


@lists_app.command("show")
def show_lists(
    user_id: UserArgument, list_id: ListOption = None, database_url: DatabaseOption = None
) -> None:
    """Every list of the user with its items (or one list with --list)."""
    with open_engine(database_url) as engine:
        if list_id is not None:
            shown = [engine.lists.get(user_id, list_id)]
        else:
            shown = [engine.lists.get(user_id, info.id) for info in engine.lists.list(user_id)]
    if not shown:
        console.print(f"{user_id} has no lists yet")
    for saved in shown:
        console.print(_list_table(saved))


@lists_app.command("create")
def create_list(
    user_id: UserArgument,
    name: Annotated[str, typer.Argument(help='e.g. "Birthday ideas" (unique per user)')],
    description: Annotated[str, typer.Option(help="what the list is for")] = "",
    database_url: DatabaseOption = None,
) -> None:
    """Make a named list (a wishlist); 'save --list ID' then adds items to it."""
    with open_engine(database_url) as engine:
        info = engine.lists.create(user_id, name, description=description)
    console.print(f"created list {info.id}: {info.name}")


@lists_app.command("rename")
def rename_list(
    user_id: UserArgument,
    list_id: Annotated[int, typer.Argument(help="the list id shown by 'lists show'")],
    name: Annotated[str | None, typer.Argument(help="its new name")] = None,
    description: Annotated[str | None, typer.Option(help="its new description")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Rename a list, or change its description (what is not given stays)."""
    if name is None and description is None:
        fail("name: give a new name, or --description")
    with open_engine(database_url) as engine:
        info = engine.lists.update(user_id, list_id, name=name, description=description)
    about = f" ({info.description})" if info.description else ""
    console.print(f"list {info.id} is now {info.name}{about}")


@lists_app.command("delete")
def delete_list(
    user_id: UserArgument,
    list_id: Annotated[int, typer.Argument(help="the list id shown by 'lists show'")],
    database_url: DatabaseOption = None,
) -> None:
    """Delete a list and its entries (its share link stops working)."""
    with open_engine(database_url) as engine:
        engine.lists.delete(user_id, list_id)
    console.print(f"deleted list {list_id}")


@lists_app.command("save")
def save(
    user_id: UserArgument,
    item_id: Annotated[str, typer.Argument(help="a catalog item id")],
    list_id: ListOption = None,
    note: Annotated[str | None, typer.Option(help="a note on the entry")] = None,
    position: Annotated[
        int | None, typer.Option(min=0, help="its place in the list (0: first; default last)")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Save an item to favorites (or to --list), or change its note or place."""
    with open_engine(database_url) as engine:
        saved = engine.lists.save(user_id, item_id, list_id=list_id, note=note, position=position)
    state = "saved" if saved.added else "already saved"
    console.print(f"{state}: {item_id} in list {saved.list_id} at position {saved.entry.position}")


@lists_app.command("remove")
def remove(
    user_id: UserArgument,
    item_id: Annotated[str, typer.Argument(help="a catalog item id")],
    list_id: ListOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Take an item off favorites (or off --list)."""
    with open_engine(database_url) as engine:
        removed = engine.lists.unsave(user_id, item_id, list_id=list_id)
    console.print(f"removed {item_id}" if removed else f"{item_id} was not on the list")


@lists_app.command("share")
def share(
    user_id: UserArgument,
    list_id: Annotated[int, typer.Argument(help="the list id shown by 'lists show'")],
    revoke: Annotated[bool, typer.Option(help="stop the link working")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Print the public read-only path of a list (or revoke it)."""
    with open_engine(database_url) as engine:
        if revoke:
            engine.lists.unshare(user_id, list_id)
            console.print(f"list {list_id} is no longer shared")
            return
        link = engine.lists.share(user_id, list_id)
    print(link.path)


def _list_table(saved: SavedList) -> Table:
    info = saved.info
    shared = f", shared at {info.share_path}" if info.share_path else ""
    table = Table(
        "#", "item", "title", "available", "price", "note",
        title=f"{info.name} (list {info.id}, {len(saved.entries)} items{shared})",
    )  # fmt: skip
    for entry in saved.entries:
        table.add_row(
            str(entry.position),
            entry.item_id,
            entry.title if entry.in_catalog else "[red]deleted from the catalog[/]",
            "yes" if entry.available else "no",
            format_price(entry.price) if entry.price is not None else "-",
            entry.note,
        )
    return table


# --- saved orders -----------------------------------------------------------------------


@orders_app.command("list")
def list_orders(user_id: UserArgument, database_url: DatabaseOption = None) -> None:
    """The user's saved orders with current prices."""
    with open_engine(database_url) as engine:
        orders = engine.orders.list(user_id)
    if not orders:
        console.print(f"{user_id} has no saved orders")
    for order in orders:
        console.print(_lines_table(f"{order.name} (order {order.id})", order.lines, order.total))


@orders_app.command("create")
def create_order(
    user_id: UserArgument,
    name: Annotated[str, typer.Argument(help='e.g. "my usual coffee"')],
    lines: Annotated[
        list[str],
        typer.Argument(
            help="one per line: ITEM, ITEM:QUANTITY, or ITEM:QUANTITY:NAME=VALUE,... with the "
            "options chosen (tee:2:size=XL,colour=red)"
        ),
    ],
    database_url: DatabaseOption = None,
) -> None:
    """Save a named order (an item may be on several lines with other options)."""
    parsed = [_parse_line(text) for text in lines]
    with open_engine(database_url) as engine:
        order = engine.orders.create(user_id, name, parsed)
    console.print(f"saved order {order.id}: {order.name} ({len(order.lines)} lines)")


@orders_app.command("reorder")
def reorder(
    user_id: UserArgument,
    order_id: Annotated[
        int, typer.Argument(help="the saved order to place again (its id in 'orders list')")
    ],
    placed_id: Annotated[
        str | None,
        typer.Option(
            "--placed-id",
            help="your shop's id for this purchase (default: a new one); running again "
            "with the same id records nothing twice",
        ),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Order a saved order again: one purchase event per line, all or nothing."""
    with open_engine(database_url) as engine:
        receipt = engine.orders.reorder(user_id, order_id, placed_id=placed_id)
    console.print(_lines_table(f"order {receipt.order_id}", receipt.lines, receipt.total))
    console.print(
        f"{receipt.recorded} purchase events recorded, {receipt.duplicates} already recorded"
    )


def _parse_line(text: str) -> tuple[str, int, dict[str, str]]:
    """ITEM, ITEM:QUANTITY or ITEM:QUANTITY:NAME=VALUE,... (an item id holding ':' needs
    its quantity: 'a:b:1')."""
    rest, options = text, {}
    head, _, last = rest.rpartition(":")
    if head and "=" in last:
        pairs = [pair.partition("=") for pair in last.split(",")]
        if any(not sep for _, sep, _ in pairs):
            fail(f"lines: {text!r}: options are NAME=VALUE,NAME=VALUE")
        rest, options = head, {name: value for name, _, value in pairs}
    if ":" not in rest:
        return rest, 1, options
    item_id, _, quantity = rest.rpartition(":")
    if not quantity.isdigit():
        fail(f"lines: {text!r} is not ITEM, ITEM:QUANTITY or ITEM:QUANTITY:NAME=VALUE,...")
    return item_id, int(quantity), options


def _lines_table(title: str, lines: Sequence[OrderLine], total: float) -> Table:
    table = Table("item", "title", "options", "qty", "available", "price", "amount", title=title)
    for line in lines:
        table.add_row(
            line.item_id,
            line.title or "[red]deleted from the catalog[/]",
            escape(options_text(line.options)) or "-",
            str(line.quantity),
            "yes" if line.available else "no",
            format_price(line.unit_price) if line.unit_price is not None else "-",
            format_price(line.line_total) if line.line_total is not None else "-",
        )
    table.add_row("", "total", "", "", "", "", format_price(total))
    return table


# --- alerts and notifications -----------------------------------------------------------


@notifications_app.command("subscribe")
def subscribe(
    user_id: UserArgument,
    item_id: Annotated[str, typer.Argument(help="a catalog item id")],
    below: Annotated[
        float | None, typer.Option(help="alert when the price is at or below this")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Alert the user when the item is back in stock (or, with --below, cheap enough)."""
    kind = "back_in_stock" if below is None else "price_below"
    with open_engine(database_url) as engine:
        alert = engine.subscriptions.subscribe(user_id, item_id, kind, threshold=below)
    console.print(f"alert {alert.id}: {alert.kind} on {alert.item_id}")


@notifications_app.command("subscriptions")
def list_subscriptions(user_id: UserArgument, database_url: DatabaseOption = None) -> None:
    """The user's alerts, armed and fired."""
    with open_engine(database_url) as engine:
        alerts = engine.subscriptions.list(user_id)
    table = Table("id", "item", "kind", "threshold", "state")
    for alert in alerts:
        fired = alert.fired_at
        state = "armed" if fired is None else f"fired {fired:%Y-%m-%d %H:%M}"
        threshold = "-" if alert.threshold is None else format_price(alert.threshold)
        table.add_row(str(alert.id), alert.item_id, alert.kind, threshold, state)
    console.print(table)


@notifications_app.command("list")
def list_notifications(
    user_id: UserArgument,
    unread: Annotated[bool, typer.Option(help="only those not read yet")] = False,
    limit: Annotated[int, typer.Option(help="how many, newest first")] = 50,
    database_url: DatabaseOption = None,
) -> None:
    """A user's notifications, newest first."""
    with open_engine(database_url) as engine:
        page = engine.subscriptions.notifications(user_id, unread=unread, limit=limit)
    console.print(_notes_table(page.items))


@notifications_app.command("outbox")
def outbox(
    limit: Annotated[int, typer.Option(help="how many, oldest first")] = 100,
    database_url: DatabaseOption = None,
) -> None:
    """Notifications of every user not delivered yet, oldest first."""
    with open_engine(database_url) as engine:
        page = engine.subscriptions.outbox(limit=limit)
    console.print(_notes_table(page.items))
    if page.next_cursor:
        console.print(f"[dim]more than {limit}: raise --limit, or deliver these first[/]")


@notifications_app.command("delivered")
def delivered(
    ids: Annotated[list[int], typer.Argument(help="notification ids from 'outbox'")],
    database_url: DatabaseOption = None,
) -> None:
    """Mark notifications delivered: they leave the outbox."""
    with open_engine(database_url) as engine:
        marked = engine.subscriptions.mark_delivered(ids)
    console.print(f"{marked} notifications marked delivered")


def _notes_table(notes: Sequence[Notification]) -> Table:
    table = Table("id", "user", "kind", "item", "message", "created", "read")
    for note in notes:
        created = f"{note.created_at:%Y-%m-%d %H:%M}" if note.created_at else ""
        table.add_row(
            str(note.id),
            note.user_id,
            note.kind,
            note.item_id,
            note.message,
            created,
            "yes" if note.read else "",
        )
    return table


__all__ = ["lists_app", "notifications_app", "orders_app"]
