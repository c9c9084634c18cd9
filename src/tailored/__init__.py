"""tailored: a self-hosted personalization and customization engine.

>>> import tailored
>>> with tailored.Engine.open("sqlite://") as engine:
...     engine.items.count()
0
"""

from tailored.config import Settings
from tailored.domain.catalog import Item
from tailored.domain.events import Event, EventType
from tailored.domain.keys import ApiKey
from tailored.domain.profiles import Consent, UserProfile
from tailored.domain.results import BatchResult, Page, Rejection
from tailored.engine import Engine
from tailored.errors import (
    AuthenticationError,
    ConfigurationError,
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    TailoredError,
)

__version__ = "0.1.0"

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
    "Rejection",
    "Settings",
    "TailoredError",
    "UserProfile",
    "__version__",
]
