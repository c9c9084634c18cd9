"""What the console's pages share: answering with a problem page, reading numbers from
a query string without turning a typo into a JSON error."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import HTMLResponse

from tailored.console.rendering import page


def problem(request: Request, message: str, *, status_code: int, section: str) -> HTMLResponse:
    """An HTML page saying what went wrong (the console's pages never answer with JSON)."""
    return page(
        request, "console/problem.html", message=message, section=section, status_code=status_code
    )


def choice(value: str | None, choices: Sequence[int], *, default: int) -> tuple[int, bool]:
    """`value` as one of `choices`, or `default`; the flag says whether `value` was usable.

    >>> choice("30", (7, 30), default=7), choice("x", (7, 30), default=7)
    ((30, True), (7, False))
    >>> choice(None, (7, 30), default=7)
    (7, True)
    """
    if value is None or value == "":
        return default, True
    if value.strip().isdigit() and int(value) in choices:
        return int(value), True
    return default, False


MAX_STORED_ID = 2**63 - 1  # the databases' BIGINT


def stored_id(value: str) -> int | None:
    """`value` as a database-generated id (a version, an order), or None when no row
    can have it: not a whole number, or outside the 64-bit range of the column.

    >>> stored_id("12"), stored_id("9223372036854775808"), stored_id("-1"), stored_id("x")
    (12, None, None, None)
    """
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_STORED_ID else None


__all__ = ["MAX_STORED_ID", "choice", "problem", "stored_id"]
