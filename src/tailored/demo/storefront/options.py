"""The options a shopper picks on an item page (size, colour), as a line's options.

An item page offers a choice of each option the item lists more than one value of; a
form must then name one. What the shopper sent is checked against the item as the
engine checks a saved order's lines (`domain.line_options`), so a problem shows on the
item page in the shopper's words instead of as a refused cart.

>>> from tailored.domain.catalog import Item
>>> tee = Item("tee", "Tee", attributes={"sizes": ["S", "XL"], "colour": "red"})
>>> ChosenOptions(size="xl").of(tee), ChosenOptions().of(tee)
({'size': 'XL'}, 'Size: choose one.')
>>> ChosenOptions(size="XL", colour="blue").of(tee)
"Colour: must be red (the item's colour), not 'blue'."
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form

from tailored.domain.catalog import Item
from tailored.domain.line_options import (
    MAX_OPTION_VALUE,
    check_item_options,
    check_options,
    offered_values,
)
from tailored.errors import InvalidInput

OPTION_FIELDS = ("size", "colour")  # the form fields of an item page, as option names


@dataclass(frozen=True, slots=True)
class ChosenOptions:
    """What the item page's form sent ('' for a field it did not show)."""

    size: str = ""
    colour: str = ""

    def of(self, item: Item) -> dict[str, str] | str:
        """The line's options for `item`, or what to tell the shopper instead."""
        sent = {"size": self.size, "colour": self.colour}
        picked = {name: value for name, value in sent.items() if value.strip()}
        for name in OPTION_FIELDS:
            if name not in picked and len(choices(item, name)) > 1:
                return f"{name.capitalize()}: choose one."
        try:
            return check_item_options("options", item, check_options("options", picked))
        except InvalidInput as invalid:
            name = invalid.field.rsplit(".", 1)[-1]
            return f"{name.capitalize()}: {invalid.problem}."


def choices(item: Item, name: str) -> list[str]:
    """The values an item page offers for option `name` (none: nothing to choose)."""
    return list(offered_values(item, name) or ())


def chosen_options(
    size: Annotated[str, Form(max_length=MAX_OPTION_VALUE)] = "",
    colour: Annotated[str, Form(max_length=MAX_OPTION_VALUE)] = "",
) -> ChosenOptions:
    return ChosenOptions(size=size, colour=colour)


Chosen = Annotated[ChosenOptions, Depends(chosen_options)]

__all__ = ["OPTION_FIELDS", "Chosen", "ChosenOptions", "choices", "chosen_options"]
