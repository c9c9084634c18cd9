"""Every page links the package's icon, and it is served where the link and browsers
look for it (both backends), so no page load logs a 404."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tailored import Engine
from tailored.demo.app import demo_app


def test_pages_link_the_icon_and_it_is_served(engine: Engine) -> None:
    with TestClient(demo_app(engine)) as client:
        links = set()
        for page in ("/console/login", "/store"):
            found = re.search(r'<link rel="icon" href="([^"]+)"', client.get(page).text)
            assert found, f"{page} links an icon"
            links.add(found.group(1))
        for path in (*links, "/favicon.ico"):
            icon = client.get(path)
            assert icon.status_code == 200, path
            assert icon.headers["content-type"].startswith("image/svg+xml"), path
            assert icon.text.startswith("<svg"), path
