"""`App`, the Typer app every command group of `tailored` is made with.

Typer's rich help prints a type after every option, flags too (`--reset --no-reset
<bool>`, `--help <bool>`), which reads as if a flag took a value. The commands and groups
of an `App` print flags as flags (`--reset --no-reset`, `--help`) and keep the types of
the options that do take a value (`--port <int range>`).
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


class _FlagsAsFlags:
    """Mixed into a Typer command class: before its help is written, flags show no type
    (Typer prints an option's metavar instead of its type when one is set)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        super().format_help(ctx, formatter)  # type: ignore[misc]


class FlagsCommand(_FlagsAsFlags, TyperCommand):
    """A command whose help prints flags as flags."""


class FlagsGroup(_FlagsAsFlags, TyperGroup):
    """A group of commands whose help prints flags as flags."""


class App(typer.Typer):
    """A `typer.Typer` whose groups and commands print flags as flags in their help."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("cls", FlagsGroup)
        super().__init__(**options)

    def command(self, name: str | None = None, **options: Any) -> Any:
        options["cls"] = options.get("cls") or FlagsCommand
        return super().command(name, **options)


__all__ = ["App", "FlagsCommand", "FlagsGroup"]
