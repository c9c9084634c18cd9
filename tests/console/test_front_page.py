"""`/` and the brand links lead somewhere useful (both backends): to the console on a
production app, to the storefront on the demo's; no brand link ends at a 404."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tailored import Engine
from tailored.demo.app import demo_app
from tailored.server import create_app


def _brand_link(client: TestClient, path: str) -> str:
    found = re.search(r'<a class="brand" href="([^"]+)"', client.get(path).text)
    assert found, f"{path} has a brand link"
    return found.group(1)


def test_the_root_of_a_production_app_leads_to_the_console(engine: Engine) -> None:
    with TestClient(create_app(engine), follow_redirects=False) as client:
        root = client.get("/")
        assert root.status_code == 307
        assert root.headers["location"] == "/console"
        landed = client.get("/", follow_redirects=True)
        assert landed.status_code == 200
        assert landed.url.path == "/console/login"  # no session yet
        assert client.get("/store", follow_redirects=True).status_code == 404


def test_the_root_of_the_demo_leads_to_the_store(engine: Engine) -> None:
    with TestClient(demo_app(engine), follow_redirects=False) as client:
        root = client.get("/")
        assert root.headers["location"] == "/store"
        assert client.get("/", follow_redirects=True).status_code == 200


def test_brand_links_lead_to_pages(engine: Engine) -> None:
    with TestClient(demo_app(engine)) as client:
        for page, expected in (("/console/login", "/console"), ("/store", "/store")):
            link = _brand_link(client, page)
            assert link == expected, page
            assert client.get(link).status_code == 200, link
