"""Everything `tailored demo` (and the browser tests) set up: the generated store, the
example configurators, and trained models, so the pages show tailoring at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from tailored.demo.configurators import install_examples
from tailored.demo.data import generate_store
from tailored.domain.preferences import default_schema
from tailored.engine.engine import Engine
from tailored.engine.preferences.inputs import schema_document
from tailored.workflows.imports import Kind, import_rows

# The default recommender serves users; the others serve item pages.
DEMO_MODELS: tuple[str, ...] = ("seq_blend", "similar_blend", "cooccurrence")
Progress = Callable[[str, int, int], None]
"""progress(step, done, total): how far a step got."""


class DemoDataRejected(RuntimeError):
    """Generated rows the engine refused: a bug in the generator, never the user's."""


def prepare_demo(
    engine: Engine, *, shoppers: int, now: datetime, progress: Progress | None = None
) -> None:
    """Fill an empty store: catalog, shoppers and their events, configurators, models."""
    report = progress or (lambda step, done, total: None)
    store = generate_store(n_shoppers=shoppers, now=now)
    parts: Sequence[tuple[Kind, Sequence[dict[str, Any]]]] = (
        ("items", store.items),
        ("users", store.users),
        ("events", store.events),
    )
    for kind, rows in parts:
        done = 0

        def advance(n: int, kind: Kind = kind, total: int = len(rows)) -> None:
            nonlocal done
            done += n
            report(kind, done, total)

        imported = import_rows(engine, kind, enumerate(rows, start=1), progress=advance)
        if imported.rejected:
            first = imported.rejected[0]
            raise DemoDataRejected(f"{kind} row {first.row}: {first.field}: {first.reason}")
    engine.preferences.set_schema(demo_preference_fields(), changed_by="demo")
    install_examples(engine)
    report("configurators", 1, 1)
    for done, model in enumerate(DEMO_MODELS, start=1):
        engine.training.train(model, tune=False)
        report("models", done, len(DEMO_MODELS))


def demo_preference_fields() -> list[dict[str, Any]]:
    """The default fields, fitted to the demo catalog: its items list their `sizes` and
    have a `colour` (it has no styles), so those are what shoppers can choose."""
    fields = []
    for spec in schema_document(default_schema()):
        if spec["name"] == "sizes":
            spec = {**spec, "attribute": "sizes"}
        elif spec["name"] == "styles":
            spec = {**spec, "name": "colours", "label": "Colours you like", "attribute": "colour",
                    "question": "Which colours do you like to wear?"}  # fmt: skip
        fields.append(spec)
    return fields


__all__ = ["DEMO_MODELS", "DemoDataRejected", "demo_preference_fields", "prepare_demo"]
