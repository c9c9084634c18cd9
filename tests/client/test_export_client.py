"""`client.privacy.export`: the export as the server wrote it; errors as the engine's."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from tailored import Engine
from tailored.client import AsyncClient, Client
from tailored.errors import MergedAway, NotFound


def test_export_through_the_client(client: Client, engine: Engine) -> None:
    engine.users.upsert("ann", {"city": "Oslo"})
    engine.events.record({"user_id": "anon-1", "type": "page_view"})
    client.users.merge("ann", "anon-1")
    document = json.loads(client.privacy.export("ann"))
    assert document["data"]["profile"][0]["traits"] == {"city": "Oslo"}
    archive = zipfile.ZipFile(io.BytesIO(client.privacy.export("ann", format="zip")))
    assert "profile.csv" in archive.namelist()
    with pytest.raises(MergedAway) as merged:
        client.privacy.export("anon-1")
    assert (merged.value.anonymous_id, merged.value.user_id) == ("anon-1", "ann")
    with pytest.raises(NotFound):
        client.privacy.export("nobody")


def test_export_through_the_async_client(with_async_client: Any, engine: Engine) -> None:
    engine.users.upsert("ann", {"city": "Oslo"})

    async def export(client: AsyncClient) -> None:
        archive = zipfile.ZipFile(io.BytesIO(await client.privacy.export("ann", format="zip")))
        assert "README.txt" in archive.namelist()
        with pytest.raises(NotFound):
            await client.privacy.export("nobody")

    with_async_client(export)
