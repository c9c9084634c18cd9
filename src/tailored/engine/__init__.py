"""Use cases over the store: the `Engine` facade and its services."""

from tailored.engine.engine import Engine

__all__ = ["Engine"]
