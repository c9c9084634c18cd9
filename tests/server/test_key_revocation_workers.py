"""A key revoked through one server process stops working in another within 1 s: two
`tailored serve` processes on one database, as two workers (or two hosts) would be."""

from __future__ import annotations

import time

import httpx
import pytest

from tailored import Engine
from tailored.testing.server_process import ServerProcess, create_admin_key

pytestmark = pytest.mark.slow


def test_a_revocation_reaches_the_other_worker_within_a_second(fresh_url: str) -> None:
    admin = {"Authorization": f"Bearer {create_admin_key(fresh_url)}"}
    with Engine.open(fresh_url) as engine:
        secret = engine.keys.create("storefront", scopes=["serve"]).secret
    serve = {"Authorization": f"Bearer {secret}"}
    with ServerProcess(fresh_url) as one, ServerProcess(fresh_url) as other:
        # The other worker has the key in its cache, and keeps asking up to the end.
        assert httpx.get(f"{other.base_url}/v1/items", headers=serve).status_code == 200
        key_id = secret.split("_")[1]
        revoked = httpx.post(f"{one.base_url}/v1/admin/keys/{key_id}/revoke", headers=admin)
        assert revoked.status_code == 200, revoked.text
        deadline = time.monotonic() + 1.0
        assert httpx.get(f"{one.base_url}/v1/items", headers=serve).status_code == 401
        while time.monotonic() < deadline:
            httpx.get(f"{other.base_url}/v1/items", headers=serve)
            time.sleep(0.05)
        response = httpx.get(f"{other.base_url}/v1/items", headers=serve)
        assert response.status_code == 401, response.text
