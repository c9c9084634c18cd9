"""The API docs pages work offline: Swagger UI and ReDoc come from the package."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.mark.parametrize(
    ("path", "title", "operation"),
    [
        ("/docs", ".swagger-ui .info .title", "[data-path='/v1/events']"),
        ("/redoc", "h1", ":text('/v1/events')"),
    ],
)
def test_the_api_docs_render_with_every_outside_request_blocked(
    page: Any, path: str, title: str, operation: str
) -> None:
    outside: list[str] = []

    def only_local(route: Any) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(path)
    # A cold server builds the schema on the first request: give it time.
    expect(page.locator(title).first).to_contain_text("tailored", timeout=30_000)
    expect(page.locator(operation).first).to_be_attached()  # the operations too
    assert outside == []
