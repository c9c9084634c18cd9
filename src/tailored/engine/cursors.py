"""Opaque pagination cursors: clients pass back what they were given.

>>> decode_cursor(encode_cursor("sku-42")), decode_number_cursor(encode_cursor(7))
('sku-42', 7)
>>> decode_number_cursor(encode_cursor(2**64))
Traceback (most recent call last):
tailored.errors.InvalidInput: cursor: is not a cursor returned by this listing; omit it to start
"""

from __future__ import annotations

import base64
import binascii

from tailored.domain.json_values import text_problem
from tailored.errors import InvalidInput

_NOT_OURS = "is not a cursor returned by this listing; omit it to start"


def encode_cursor(last_key: str | int) -> str:
    return base64.urlsafe_b64encode(f"k:{last_key}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None or cursor == "":
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("k:") or text_problem(text) is not None:
        raise InvalidInput("cursor", _NOT_OURS)
    return text[2:]


def decode_number_cursor(cursor: str | None) -> int | None:
    """A cursor over record numbers (positive 64-bit integers)."""
    key = decode_cursor(cursor)
    if key is None:
        return None
    if not (key.isdigit() and key.isascii() and 0 < int(key) < 2**63):
        raise InvalidInput("cursor", _NOT_OURS)
    return int(key)


def check_limit(limit: int, *, maximum: int = 1000) -> int:
    if not 1 <= limit <= maximum:
        raise InvalidInput("limit", f"must be between 1 and {maximum}")
    return limit
