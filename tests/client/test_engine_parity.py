"""Code moves between the in-process `Engine` and the remote `Client`: every client
operation is the engine service's method of the same name, taking the same parameters
with the same defaults. The engine may take a few more that only make sense in-process."""

from __future__ import annotations

import inspect

from tailored import Engine
from tailored.client import Client
from tailored.client.operations import operations

# What only the engine takes: over HTTP the server decides these (the API key's name is
# `changed_by`, the log reads newest first, a profile always carries its activity).
ENGINE_ONLY = {
    ("users", "get"): {"with_activity"},
    ("events", "query"): {"newest_first"},
    ("preferences", "replace"): {"changed_by"},
    ("preferences", "update"): {"changed_by"},
    ("preferences", "set_schema"): {"changed_by"},
}
CLIENT_ONLY = {"health"}  # the probes have no engine service


def _parameters(function: object) -> list[tuple[str, object, object]]:
    return [
        (p.name, p.kind, p.default)
        for p in inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    ]


def test_every_operation_matches_the_engine_service_of_the_same_name() -> None:
    engine = Engine.open("sqlite://")
    client = Client("http://shop.test", api_key="tk_x")
    try:
        checked = 0
        for name, resource in vars(client).items():
            if name.startswith("_") or name in CLIENT_ONLY:
                continue
            service = getattr(engine, name)
            for operation in operations(type(resource)):
                mine = _parameters(getattr(resource, operation))
                theirs = [
                    p
                    for p in _parameters(getattr(service, operation))
                    if p[0] not in ENGINE_ONLY.get((name, operation), set())
                ]
                assert mine == theirs, f"client.{name}.{operation} differs from engine's"
                checked += 1
        assert checked >= 65
    finally:
        client.close()
        engine.close()
