"""The client's public API is explicit; changing it is a decision, so this test pins it."""

from __future__ import annotations

import tailored.client


def test_client_exports_are_pinned() -> None:
    assert sorted(tailored.client.__all__) == [
        "AsyncClient",
        "Client",
        "LineIn",
        "ListEntry",
        "Liveness",
        "ModelVersion",
        "OrderLine",
        "Question",
        "Readiness",
        "Receipt",
        "Reorder",
        "SavedDesign",
        "SavedEntry",
        "SavedList",
        "SavedOrder",
        "SharedList",
        "TrainingJob",
        "aiterate",
        "iterate",
    ]
    for name in tailored.client.__all__:
        assert getattr(tailored.client, name) is not None
