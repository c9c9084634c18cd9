"""`tailored` itself: `--version` names the installed version; no arguments still show
the help."""

from __future__ import annotations

from typer.testing import CliRunner

import tailored
from tailored.cli.main import app


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output == f"tailored {tailored.__version__}\n"


def test_no_arguments_still_show_the_commands() -> None:
    result = CliRunner().invoke(app, [], env={"COLUMNS": "200"})
    assert "serve" in result.output and "--version" in result.output
