"""The one rule for the caller's ids (users, items, events, orders), at every boundary.

Ids travel in URL paths (``/v1/users/{id}``) and in rows. An id is 1-256 characters
after trimming surrounding whitespace, with no '/', no control character (C0, DEL or
C1) and not '.' or '..': anything else makes a record that a normal HTTP client cannot
address (a client resolves '..' before sending, a '/' splits the path).

`ID_PATTERN` is written without look-arounds so pydantic's (Rust) regex engine can run
it: a leading '.' or '..' must be followed by another character.

>>> check_identifier("user_id", "  u42 ")
'u42'
>>> check_identifier("user_id", "..")  # doctest: +ELLIPSIS
Traceback (most recent call last):
tailored.errors.InvalidInput: user_id: must be 1-256 characters, not '.' or '..', ...
>>> is_identifier("a/b"), is_identifier("x" * 257), is_identifier("...")
(False, False, True)
"""

from __future__ import annotations

import re

from tailored.errors import InvalidInput

MAX_ID_LENGTH = 256
_CHAR = r"[^/\x00-\x1f\x7f-\x9f]"
_NOT_DOT = r"[^./\x00-\x1f\x7f-\x9f]"
ID_PATTERN = rf"^(?:{_NOT_DOT}{_CHAR}*|\.{_NOT_DOT}{_CHAR}*|\.\.{_CHAR}+)$"
ID_PROBLEM = (
    f"must be 1-{MAX_ID_LENGTH} characters, not '.' or '..', without '/' or control characters"
)
_ID = re.compile(ID_PATTERN)


def is_identifier(value: object) -> bool:
    """Whether `value`, trimmed, is a valid id."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return 0 < len(text) <= MAX_ID_LENGTH and _ID.fullmatch(text) is not None and _encodable(text)


def _encodable(text: str) -> bool:
    # A lone surrogate (from JSON such as "\\ud800") is not text any database can store.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_identifier(field: str, value: object) -> str:
    """`value` trimmed, or `InvalidInput` naming `field` if it is not a valid id."""
    if not is_identifier(value):
        raise InvalidInput(field, ID_PROBLEM)
    assert isinstance(value, str)
    return value.strip()


__all__ = ["ID_PATTERN", "ID_PROBLEM", "MAX_ID_LENGTH", "check_identifier", "is_identifier"]
