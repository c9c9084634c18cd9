"""Sending the console's forms as a browser does: log in through the login page, post
with the CSRF token the pages carry."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient


def csrf_token(response: Any) -> str:
    """The CSRF token a page's forms send back."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert found, "the page has a form with its CSRF token"
    return found.group(1)


def login(client: TestClient, key: str, next: str = "/console") -> Any:
    """Log in: open the login page, send its form."""
    token = csrf_token(client.get("/console/login"))
    form = {"key": key, "next": next, "csrf_token": token}
    return client.post("/console/login", data=form, follow_redirects=False)


def post(client: TestClient, path: str, data: dict[str, str] | None = None, **options: Any) -> Any:
    """Send a console form with the session's CSRF token, as its page does."""
    token = csrf_token(client.get("/console/configurators"))
    return client.post(path, data={**(data or {}), "csrf_token": token}, **options)
