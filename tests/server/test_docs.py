"""The API docs pages load their assets from the package, never from elsewhere."""

from __future__ import annotations

import glob
import re
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import tailored
from tailored import Engine
from tailored.server import create_app

PACKAGE = Path(tailored.__file__).parent
PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"
LINKED = re.compile(r"""(?:src|href|spec-url)=["']([^"']+)["']|url: ?'([^']+)'""")


def _linked(html: str) -> set[str]:
    return {first or second for first, second in LINKED.findall(html)}


def _packaged() -> set[str]:
    """The package files a wheel carries, by pyproject's package-data globs."""
    patterns = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-data"]
    return {
        path
        for pattern in patterns["tailored"]
        for path in glob.glob(pattern, root_dir=PACKAGE, recursive=True)
    }


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_link_only_to_assets_the_package_ships(engine: Engine, page: str) -> None:
    client = TestClient(create_app(engine))
    html = client.get(page)
    assert html.status_code == 200
    links = _linked(html.text)
    assert "/openapi.json" in links
    assets = links - {"/openapi.json"}
    assert assets and all(link.startswith("/static/") for link in assets), links
    for link in assets:
        assert client.get(link).status_code == 200, link
        assert "console/" + link.removeprefix("/") in _packaged()


def test_the_vendored_assets_ship_with_their_licences() -> None:
    packaged = _packaged()
    for folder in ("swagger-ui", "redoc"):
        assert f"console/static/vendor/{folder}/LICENSE" in packaged
