"""Opaque pagination cursors: clients pass back what they were given.

>>> decode_cursor(encode_cursor("sku-42"))
'sku-42'
"""

from __future__ import annotations

import base64
import binascii

from tailored.errors import InvalidInput


def encode_cursor(last_key: str | int) -> str:
    return base64.urlsafe_b64encode(f"k:{last_key}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None or cursor == "":
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("k:"):
        raise InvalidInput("cursor", "is not a cursor returned by this listing; omit it to start")
    return text[2:]


def check_limit(limit: int, *, maximum: int = 1000) -> int:
    if not 1 <= limit <= maximum:
        raise InvalidInput("limit", f"must be between 1 and {maximum}")
    return limit
