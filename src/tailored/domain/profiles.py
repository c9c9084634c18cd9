"""User profiles, consents and identity merges.

>>> c = Consent(purpose="personalization", granted=True, source="cookie_banner")
>>> c.granted
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tailored.types import JSONObject, JSONValue


@dataclass(frozen=True, slots=True)
class Consent:
    """A user's current decision for one purpose, with when and where it was given."""

    purpose: str
    granted: bool
    source: str = ""
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ActivitySummary:
    """What a user has done lately, computed from the event log."""

    events_total: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    first_event_at: datetime | None = None
    last_event_at: datetime | None = None
    recent_items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UserProfile:
    """A known or anonymous user: traits from the business, explicit preferences."""

    id: str
    traits: JSONObject = field(default_factory=dict)
    preferences: JSONObject = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    consents: tuple[Consent, ...] = ()
    activity: ActivitySummary | None = None


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The record of folding an anonymous id into a known user."""

    anonymous_id: str
    user_id: str
    events_moved: int
    merged_at: datetime


def merge_traits(current: Mapping[str, JSONValue], changes: Mapping[str, JSONValue]) -> JSONObject:
    """Identify-style merge: new values win, a null value removes the trait.

    >>> merge_traits({"name": "Ann", "city": "Oslo"}, {"city": None, "age_band": "25-34"})
    {'name': 'Ann', 'age_band': '25-34'}
    """
    merged: JSONObject = dict(current)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def fill_missing(known: Mapping[str, JSONValue], anonymous: Mapping[str, JSONValue]) -> JSONObject:
    """Merge an anonymous visitor's values under a known user's: the known user's win.

    >>> fill_missing({"theme": "dark"}, {"theme": "light", "sizes": [42]})
    {'theme': 'dark', 'sizes': [42]}
    """
    return {**anonymous, **known}


__all__ = [
    "ActivitySummary",
    "Consent",
    "MergeResult",
    "UserProfile",
    "fill_missing",
    "merge_traits",
]
