"""The public API is explicit; changing it is a decision, so this test pins it."""

from __future__ import annotations

import tailored


def test_public_exports_are_pinned() -> None:
    assert sorted(tailored.__all__) == sorted(
        [
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
    )
    for name in tailored.__all__:
        assert getattr(tailored, name) is not None


def test_every_error_is_a_tailored_error() -> None:
    for name in (
        "AuthenticationError",
        "ConfigurationError",
        "Conflict",
        "InvalidInput",
        "NotFound",
        "PayloadTooLarge",
        "PermissionDenied",
        "RateLimited",
    ):
        assert issubclass(getattr(tailored, name), tailored.TailoredError)
