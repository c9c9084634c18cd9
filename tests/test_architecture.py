"""The layering in STYLE.md and docs/architecture.md, checked: dependencies point down.

From the bottom: the base modules (errors, config, types); the pure core (domain, data,
models, metrics, ranking, readers); storage; the engine and its facade; the workflows
that drive the facade (imports, evaluation, background runner); the edges (server, cli,
console) and, on top, the demo. The client stands apart: it speaks HTTP only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tailored

PACKAGE = Path(tailored.__file__).parent
BASE = ("errors", "config", "types")
PURE = ("domain", "data", "models", "metrics", "stats", "bandits", "ranking", "readers")
FRAMEWORKS = ("sqlalchemy", "alembic", "fastapi", "starlette", "typer", "uvicorn", "pydantic")
EDGES = ("server", "cli", "console")
ABOVE_ENGINE = ("workflows", *EDGES, "demo", "client")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved to absolute names."""
    return _resolve(path.read_text(), path)


def _resolve(source: str, path: Path) -> set[str]:
    names: set[str] = set()
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                names.add(node.module)
            elif node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                names.add(f"{base}.{node.module}" if node.module else base)
    return names


def _modules(*packages: str) -> list[Path]:
    found: list[Path] = []
    for package in packages:
        if (PACKAGE / f"{package}.py").exists():
            found.append(PACKAGE / f"{package}.py")
        elif (PACKAGE / package).is_dir():
            found += sorted((PACKAGE / package).rglob("*.py"))
    return found


def _ours(*packages: str) -> tuple[str, ...]:
    return tuple(f"tailored.{p}" for p in packages)


def _offences(packages: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    def hits(name: str) -> bool:
        return name.split(".")[0] in forbidden or any(
            name == f or name.startswith(f + ".") for f in forbidden
        )

    return [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules(*packages)
        for name in sorted(_imports(path))
        if hits(name)
    ]


def test_no_relative_imports() -> None:
    # One spelling of every import, so that the checks below (and a reader) see them all.
    offences = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.level
    ]
    assert offences == []


def test_base_modules_import_nothing_of_ours() -> None:
    assert _offences(BASE, ("tailored",)) == []


def test_pure_core_imports_no_framework_and_no_outer_layer() -> None:
    outer = _ours("storage", "engine", *ABOVE_ENGINE)
    assert _offences(PURE, FRAMEWORKS + outer) == []


def test_storage_knows_nothing_above_it() -> None:
    assert _offences(("storage",), ("fastapi", "starlette", "typer", "uvicorn")) == []
    assert _offences(("storage",), _ours("engine", *ABOVE_ENGINE, "ranking", "readers")) == []


def test_the_engine_never_imports_what_sits_above_it() -> None:
    assert _offences(("engine",), _ours(*ABOVE_ENGINE)) == []
    assert _offences(("engine",), ("typer", "uvicorn", "fastapi", "starlette")) == []


def test_workflows_drive_the_engine_and_know_no_edge() -> None:
    assert _offences(("workflows",), _ours(*EDGES, "demo", "client")) == []


def test_edges_talk_to_the_engine_not_to_storage_or_models() -> None:
    assert _offences(EDGES, _ours("storage", "models")) == []


def test_the_console_never_imports_the_server() -> None:
    assert _offences(("console",), _ours("server")) == []


def test_only_the_cli_uses_the_demo() -> None:
    # `tailored demo` (and `tailored configurators examples`) are the demo's only door.
    outside = ("server", "console", "workflows", "engine", "storage", "client")
    assert _offences(outside, _ours("demo")) == []


def test_the_checks_see_the_code() -> None:
    # Guard against the checks above passing because they found nothing to check.
    assert len(_modules("domain")) >= 5 and len(_modules("storage")) >= 5
    assert len(_modules("ranking")) >= 4 and len(_modules("readers")) >= 4
    assert "sqlalchemy" in _imports(PACKAGE / "storage" / "tables.py")
    assert "tailored.engine.engine" in _imports(PACKAGE / "workflows" / "imports.py")
    assert any(n.startswith("tailored.demo") for n in _imports(PACKAGE / "cli" / "demo.py"))
    assert _module_name(PACKAGE / "demo" / "coffee.py") == "tailored.demo.coffee"


def test_relative_imports_resolve() -> None:
    # Were one to slip in, the layer checks must still see where it points.
    module = PACKAGE / "engine" / "recommend" / "state.py"
    source = "from ..catalog import Items\nfrom . import answer\n"
    assert _resolve(source, module) == {"tailored.engine.catalog", "tailored.engine.recommend"}


def test_engine_modules_import_no_cycle() -> None:
    # Services are wired in dependency order; a cycle between their modules would mean two
    # services that need each other, the shape that once crashed serving.
    graph = {
        _module_name(path): {
            name
            for name in _imports(path)
            if name.startswith("tailored.engine.") and name != _module_name(path)
        }
        for path in _modules("engine")
        if path.name != "__init__.py"
    }
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, " -> ".join((*trail, module))
        if module in done:
            return
        for target in graph.get(module, ()):
            visit(target, (*trail, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    assert len(graph) >= 15


def test_the_engine_wires_services_without_late_binding() -> None:
    # No lambda in the facade's constructor: a service gets the services it uses, built
    # before it, or a bound method of one; never a closure over the half-built facade.
    source = (PACKAGE / "engine" / "engine.py").read_text()
    init = next(
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef) and node.name == "__init__"
    )
    assert not [node for node in ast.walk(init) if isinstance(node, ast.Lambda)]


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
