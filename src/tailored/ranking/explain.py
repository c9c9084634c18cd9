"""Reasons a person can read, built from what actually produced each score."""

from __future__ import annotations

from tailored.domain.recommendations import Boost, Reason


def because(kind: str, did: str, item_id: str, title: str) -> Reason:
    """The reason for an item that a history interaction contributed most to.

    `kind` is "history" (a stored event, `did` saying what the user did, in the words of
    its event type: `EventType.says`), "session" (an item the request says is being
    looked at) or "cart" (an item the request says is in the cart).

    >>> because("history", "bought Trail runner", "sku-1", "Trail runner").text
    'because you bought Trail runner'
    >>> because("cart", "added Socks to your cart", "sku-2", "Socks").text
    'because Socks is in your cart'
    """
    if kind == "session":
        return Reason("session", f"because you are looking at {title}", item_id=item_id)
    if kind == "cart":
        return Reason("session", f"because {title} is in your cart", item_id=item_id)
    return Reason("history", f"because you {did}", item_id=item_id)


def similar_to(item_id: str, title: str) -> Reason:
    return Reason("similar", f"similar to {title}", item_id=item_id)


def together(item_id: str, title: str, *, bought: bool) -> Reason:
    """An item that shares sessions with `title`: "bought together" only when purchases
    made most of those sessions, "viewed together" otherwise (a purchase is a view too).

    >>> together("sku-1", "Trail runner", bought=False).text
    'often viewed together with Trail runner'
    """
    if bought:
        return Reason("bought_together", f"often bought together with {title}", item_id=item_id)
    return Reason("viewed_together", f"often viewed together with {title}", item_id=item_id)


def popular(category: str | None, *, recent: bool, window_days: float) -> Reason:
    """ "popular this week", "popular in Shoes this week", or without the window when
    the item's activity is older than it.

    >>> popular("Shoes", recent=True, window_days=7).text
    'popular in Shoes this week'
    >>> popular(None, recent=False, window_days=7).text
    'popular overall'
    """
    when = _window(window_days) if recent else "overall"
    if category is None:
        return Reason("trending", f"popular {when}")
    if not recent:
        return Reason("trending_in_category", f"popular in {category}", category=category)
    return Reason("trending_in_category", f"popular in {category} {when}", category=category)


def chosen(boost: Boost) -> Reason:
    """An item raised by the user's own choice ("because you chose Running")."""
    return Reason("preference", f"because you chose {boost.chosen}", category=boost.category)


def from_catalog(category: str | None) -> Reason:
    """For an item nobody has interacted with yet: it comes from the catalog, which is
    all that is known (not that it is new: an old item may have no activity either).

    >>> from_catalog("shoes").text, from_catalog(None).text
    ('from our shoes range', 'from our range')
    """
    text = f"from our {category} range" if category else "from our range"
    return Reason("catalog", text, category=category)


def not_personalized(reason: Reason, notice: str) -> Reason:
    """The same reason, saying the list is not personalized and why."""
    return Reason(reason.kind, f"{reason.text} ({notice})", reason.item_id, reason.category)


def _window(days: float) -> str:
    if days == 7:
        return "this week"
    if days == 1:
        return "today"
    return f"in the last {days:g} days"


__all__ = [
    "because",
    "chosen",
    "from_catalog",
    "not_personalized",
    "popular",
    "similar_to",
    "together",
]
