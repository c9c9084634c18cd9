"""The example configurator templates the demo ships: a sneaker, a coffee drink and a
subscription plan, as JSON documents a business can copy for its own products.

>>> example("coffee")["id"], [group["id"] for group in example("coffee")["groups"]][:2]
('coffee', ['size', 'temperature'])
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from tailored.domain.configurator.designs import TemplateVersion
from tailored.engine import Engine
from tailored.errors import NotFound

EXAMPLES = ("sneaker", "coffee", "subscription")


def example(name: str) -> dict[str, Any]:
    """One of the shipped example templates, as JSON (see `EXAMPLES`)."""
    if name not in EXAMPLES:
        raise NotFound("example configurator", name)
    files = resources.files("tailored.demo").joinpath("examples")
    loaded: dict[str, Any] = json.loads(files.joinpath(f"{name}.json").read_text("utf-8"))
    return loaded


def install_examples(engine: Engine) -> list[TemplateVersion]:
    """Define the examples in `engine` (installing them again changes nothing)."""
    return [engine.configurators.define(example(name)) for name in EXAMPLES]


__all__ = ["EXAMPLES", "example", "install_examples"]
