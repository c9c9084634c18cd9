"""A person's requests about their data, as `engine.privacy` offers them: the export."""

from __future__ import annotations

from typing import Literal

from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation

EXPORT = Route("GET", "/v1/users/{user_id}/export", idempotent=True)


class Privacy(Resource[Mode]):
    """Everything stored about a person (admin key).

    >>> import json
    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> _ = client.users.upsert("u42", {"city": "Oslo"})
    >>> json.loads(client.privacy.export("u42"))["data"]["profile"][0]["traits"]
    {'city': 'Oslo'}
    >>> engine.close()
    """

    @operation(EXPORT)
    def export(self, user_id: str, *, format: Literal["json", "zip"] = "json") -> Call[bytes]:
        """Everything stored about the person, as the server wrote it: JSON text
        (``json.loads`` it) or a zip of CSV files with a README.txt. `NotFound` when
        nothing is stored; `MergedAway` (`.user_id` names the person) for an id merged
        into another person."""
        return EXPORT.call(bytes, path={"user_id": user_id}, query=[("format", format)], raw=True)


__all__ = ["Privacy"]
