"""Options chosen for an item on an order line: size, colour, any variant attribute.

Options are part of the line: the same item with other options is another line, the
same item with the same options is the same line. Names and values are short, non-empty
texts (at most `MAX_OPTIONS` per line).

The item decides which values an option may take. An option is checked against the
item's attribute of the same name, plural first (`size` looks at `sizes`, then `size`):
when the item has it, a list gives the values on offer and a single value is the only
one; a value outside them is refused. Names and values match without regard to case and
take the catalog's spelling (`Size: xl` becomes `size: XL`). An option the item lists
nothing for (a gift note, an engraving) takes any text.

>>> from tailored.domain.catalog import Item
>>> tee = Item("tee", attributes={"sizes": ["S", "M", "XL"], "colour": "red"})
>>> check_item_options("lines.0.options", tee, check_options("options", {"size": "xl"}))
{'size': 'XL'}
>>> check_item_options("options", tee, {"colour": "blue"})  # doctest: +ELLIPSIS
Traceback (most recent call last):
tailored.errors.InvalidInput: options.colour: must be red (the item's colour), not 'blue'
>>> options_text({"size": "XL", "colour": "red"})
'colour: red, size: XL'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from tailored.domain.catalog import Item, facet_text
from tailored.errors import InvalidInput

MAX_OPTIONS = 10
MAX_OPTION_NAME = 40
MAX_OPTION_VALUE = 100

Options = Mapping[str, str]


def check_options(field: str, options: object) -> dict[str, str]:
    """`options` trimmed and sorted by name; `InvalidInput` names the option at fault
    (`field.name`). None is no options."""
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise InvalidInput(
            field, 'must be an object of option names and values, e.g. {"size": "XL"}'
        )
    if len(options) > MAX_OPTIONS:
        raise InvalidInput(field, f"at most {MAX_OPTIONS} options ({len(options)} given)")
    checked: dict[str, str] = {}
    for raw_name, raw_value in options.items():
        name = _text(field, raw_name, MAX_OPTION_NAME, what="an option name")
        if name in checked:
            raise InvalidInput(f"{field}.{name}", "is given twice")
        checked[name] = _text(f"{field}.{name}", raw_value, MAX_OPTION_VALUE, what="the value")
    return dict(sorted(checked.items()))


def offered_values(item: Item, name: str) -> tuple[str, ...] | None:
    """The values the item offers for option `name` (None: it lists none, any text goes).

    >>> offered_values(Item("shoe", attributes={"sizes": [41, 42.0]}), "Size")
    ('41', '42')
    """
    listing = _listing(item, name)
    if listing is None:
        return None
    value = item.attributes[listing[0]]
    members = value if isinstance(value, list) else [value]
    texts = [facet_text(member) for member in members]
    return tuple(dict.fromkeys(text for text in texts if text)) or None


def option_problem(item: Item, name: str, value: str) -> str | None:
    """Why the item cannot be had with this option value (None: it can)."""
    offered = offered_values(item, name)
    if offered is None or _offered(offered, value) is not None:
        return None
    attribute = _listing(item, name) or (name, name)
    choices = offered[0] if len(offered) == 1 else "one of " + ", ".join(offered)
    return f"must be {choices} (the item's {attribute[0]}), not {value!r}"


def check_item_options(field: str, item: Item, options: Options) -> dict[str, str]:
    """`options` with names and values in the catalog's spelling (`Size: xl` on an item
    listing `sizes` is `size: XL`); `InvalidInput` naming `field.name` for a value the
    item does not offer."""
    checked: dict[str, str] = {}
    for name, value in options.items():
        problem = option_problem(item, name, value)
        if problem is not None:
            raise InvalidInput(f"{field}.{name}", problem)
        listing = _listing(item, name)
        offered = offered_values(item, name)
        spelled = listing[1] if listing else name
        if spelled in checked:
            raise InvalidInput(f"{field}.{name}", f"is given twice (as {spelled!r} too)")
        checked[spelled] = (_offered(offered, value) if offered else None) or value
    return dict(sorted(checked.items()))


def _listing(item: Item, name: str) -> tuple[str, str] | None:
    """The item's attribute that lists the values of option `name`, plural first and
    regardless of case, with the option's name as the catalog spells it."""
    spelled = {attribute.casefold(): attribute for attribute in item.attributes}
    plural = spelled.get(name.casefold() + "s")
    if plural is not None:
        return plural, plural[:-1]
    single = spelled.get(name.casefold())
    return (single, single) if single is not None else None


def options_key(options: Options) -> tuple[tuple[str, str], ...]:
    """What tells two lines of one item apart: their options, in name order."""
    return tuple(sorted(options.items()))


def options_text(options: Options) -> str:
    """Options as people read them on a receipt ('' for none)."""
    return ", ".join(f"{name}: {value}" for name, value in sorted(options.items()))


def _offered(offered: tuple[str, ...], value: str) -> str | None:
    folded = value.casefold()
    return next((choice for choice in offered if choice.casefold() == folded), None)


def _text(field: str, value: object, maximum: int, *, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field, f"{what} must be text")
    text = value.strip()
    if not text:
        raise InvalidInput(field, f"{what} must not be empty")
    if len(text) > maximum:
        raise InvalidInput(field, f"{what} must be at most {maximum} characters")
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in text):
        raise InvalidInput(field, f"{what} must not hold control characters")
    return text


__all__ = [
    "MAX_OPTIONS",
    "MAX_OPTION_NAME",
    "MAX_OPTION_VALUE",
    "Options",
    "check_item_options",
    "check_options",
    "offered_values",
    "option_problem",
    "options_key",
    "options_text",
]
