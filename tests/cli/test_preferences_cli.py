"""`tailored preferences schema|set-schema|show|onboarding`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_schema_choices_and_onboarding_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:
        engine.items.upsert_many(
            [{"id": f"i{k}", "title": f"Item {k}", "categories": ["tea" if k % 2 else "coffee"]}
             for k in range(6)]
        )  # fmt: skip
        engine.preferences.update("ann", {"theme": "dark"}, changed_by="storefront")
    shown = _run("preferences", "schema", "-d", url)
    assert shown.exit_code == 0, shown.output
    assert "blocked_categories" in shown.output and "block category" in shown.output
    user = _run("preferences", "show", "ann", "-d", url)
    assert '"theme": "dark"' in user.output and "storefront" in user.output
    asked = _run("preferences", "onboarding", "bob", "-d", url)
    assert "favourite_categories" in asked.output and "coffee, tea" in asked.output
    file = tmp_path / "fields.toml"
    file.write_text('[[fields]]\nname = "milk"\nkind = "choice"\nchoices = ["oat", "cow"]\n')
    replaced = _run("preferences", "set-schema", str(file), "-d", url)
    assert "1 fields" in replaced.output
    assert "milk" in _run("preferences", "schema", "-d", url).output
    file.write_text('[[fields]]\nname = "milk"\nkind = "choice"\n')
    refused = _run("preferences", "set-schema", str(file), "-d", url)
    assert refused.exit_code == 1 and "fields[0].choices" in refused.output
