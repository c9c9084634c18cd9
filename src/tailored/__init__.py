"""tailored: a self-hosted personalization and customization engine.

>>> import tailored
>>> with tailored.Engine.open("sqlite://") as engine:
...     engine.items.count()
0

The names below load on first use (PEP 562), so `from tailored.client import Client`
loads no database, server or framework code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tailored.errors import (
    AuthenticationError,
    ConfigurationError,
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    RateLimited,
    TailoredError,
)

if TYPE_CHECKING:
    from tailored.config import Settings
    from tailored.domain.catalog import Item
    from tailored.domain.events import Event, EventType
    from tailored.domain.keys import ApiKey
    from tailored.domain.profiles import Consent, UserProfile
    from tailored.domain.results import BatchResult, Page, Rejection
    from tailored.engine import Engine

__version__ = "0.1.0"

_LAZY = {
    "Settings": "tailored.config",
    "Item": "tailored.domain.catalog",
    "Event": "tailored.domain.events",
    "EventType": "tailored.domain.events",
    "ApiKey": "tailored.domain.keys",
    "Consent": "tailored.domain.profiles",
    "UserProfile": "tailored.domain.profiles",
    "BatchResult": "tailored.domain.results",
    "Page": "tailored.domain.results",
    "Rejection": "tailored.domain.results",
    "Engine": "tailored.engine",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tailored' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "ApiKey",
    "AuthenticationError",
    "BatchResult",
    "ConfigurationError",
    "Conflict",
    "Consent",
    "Engine",
    "Event",
    "EventType",
    "InvalidInput",
    "Item",
    "NotFound",
    "Page",
    "PayloadTooLarge",
    "PermissionDenied",
    "RateLimited",
    "Rejection",
    "Settings",
    "TailoredError",
    "UserProfile",
    "__version__",
]
