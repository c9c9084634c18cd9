"""The layering in STYLE.md, checked: dependencies point down."""

from __future__ import annotations

import ast
from pathlib import Path

import tailored

PACKAGE = Path(tailored.__file__).parent
PURE = ("domain", "data", "models", "metrics", "stats", "bandits")
FRAMEWORKS = ("sqlalchemy", "alembic", "fastapi", "starlette", "typer", "uvicorn", "pydantic")
EDGES = ("server", "cli", "console")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((PACKAGE / package).rglob("*.py"))


def test_pure_core_imports_no_framework_and_no_outer_layer() -> None:
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for package in PURE
        for path in _modules(package)
        for name in _imports(path)
        if name.split(".")[0] in FRAMEWORKS
        or name.startswith(
            (
                "tailored.storage",
                "tailored.engine",
                "tailored.server",
                "tailored.cli",
                "tailored.console",
            )
        )
    ]
    assert offences == []


def test_edges_talk_to_the_engine_not_to_storage() -> None:
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for package in EDGES
        for path in _modules(package)
        for name in _imports(path)
        if name.startswith("tailored.storage")
    ]
    assert offences == []


def test_storage_does_not_know_http_or_cli() -> None:
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("storage")
        for name in _imports(path)
        if name.split(".")[0] in ("fastapi", "starlette", "typer")
        or name.startswith(("tailored.engine", "tailored.server", "tailored.cli"))
    ]
    assert offences == []


def test_the_checks_see_the_code() -> None:
    # Guard against the checks above passing because they found nothing to check.
    assert len(_modules("domain")) >= 5 and len(_modules("storage")) >= 5
    assert "sqlalchemy" in _imports(PACKAGE / "storage" / "tables.py")


def test_the_client_needs_only_httpx_and_the_pure_modules() -> None:
    """`tailored.client` is a light dependency for integrators: the standard library,
    httpx, and of ours only errors, types, the domain values and itself."""
    import sys

    ours = ("tailored.errors", "tailored.types", "tailored.domain", "tailored.client")
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("client")
        for name in _imports(path)
        if not (
            name == "httpx"
            or name.split(".")[0] in sys.stdlib_module_names
            or any(name == mine or name.startswith(mine + ".") for mine in ours)
        )
    ]
    assert len(_modules("client")) >= 10 and offences == []
