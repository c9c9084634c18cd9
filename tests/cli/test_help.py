"""Every command of `tailored` explains itself: each command, argument and option has a
help text, and `--help` prints flags as flags (no `<bool>` as if they took a value)."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
import typer
from typer.testing import CliRunner

from tailored.cli.main import app


def _commands(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands(typer.main.get_command(app)))


def test_the_walk_finds_every_group_and_command() -> None:
    assert {("configurators", "validate"), ("lists", "show"), ("serve",)} <= set(COMMANDS)
    assert len(COMMANDS) > 40


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(p) or "tailored")
def test_every_command_and_parameter_has_help(path: tuple[str, ...]) -> None:
    command = COMMANDS[path]
    assert (command.help or "").strip(), f"`tailored {' '.join(path)}` has no help text"
    silent = [p.name for p in command.params if not (getattr(p, "help", None) or "").strip()]
    assert silent == [], f"`tailored {' '.join(path)}`: no help for {silent}"


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(p) or "tailored")
def test_help_prints_flags_as_flags(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert "--help" in result.output and "Show this message and exit." in result.output
