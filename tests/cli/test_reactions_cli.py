"""`tailored reactions status|run|dead-letters|retry` against a SQLite file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_status_run_dead_letters_and_retry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:
        engine.items.upsert_many([{"id": "mug", "title": "Mug"}, {"id": "cup", "title": "Cup"}])

    before = _run("reactions", "status", "-d", url)
    assert before.exit_code == 0, before.output
    [row] = [line for line in before.output.splitlines() if "alerts" in line]
    assert "item_changes" in row and " 2 " in row  # two item changes to handle

    ran = _run("reactions", "run", "-d", url)
    assert ran.exit_code == 0 and "alerts: 2 records" in ran.output, ran.output
    [row] = [line for line in _run("reactions", "status", "-d", url).output.splitlines()
             if "alerts" in line]  # fmt: skip
    assert " 0 " in row

    assert "no dead letters" in _run("reactions", "dead-letters", "-d", url).output
    retried = _run("reactions", "retry", "alerts", "-d", url)
    assert retried.exit_code == 0 and "0 handled, 0 still failing" in retried.output
    unknown = _run("reactions", "retry", "nobody", "-d", url)
    assert unknown.exit_code == 1 and "nobody" in unknown.output
