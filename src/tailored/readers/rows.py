"""What every reader hands on: numbered raw rows of one kind, and a marker for a row it
could not read (so the importer reports it with its row number instead of stopping)."""

from __future__ import annotations

from typing import Literal

Kind = Literal["items", "users", "events"]
KINDS: tuple[Kind, ...] = ("items", "users", "events")
# A reader's marker for a row it could not read: the reason (a text, for the whole row),
# or an `InvalidInput` naming the field at fault.
ERROR_KEY = "__error__"

__all__ = ["ERROR_KEY", "KINDS", "Kind"]
