"""`tailored preferences schema|set-schema|show|set|onboarding|answer`."""

from __future__ import annotations

from pathlib import Path

import pytest
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


def _shop(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:
        engine.items.upsert_many(
            [{"id": f"i{k}", "title": f"Item {k}", "categories": ["tea" if k % 2 else "coffee"]}
             for k in range(6)]
        )  # fmt: skip
    return url


def test_set_replace_and_clear_a_users_preferences(tmp_path: Path) -> None:
    url = _shop(tmp_path)
    set_ = _run(
        "preferences", "set", "ann", "favourite_categories=coffee",
        "favourite_categories=tea", "price_range=..120", "theme=dark", "-d", url,
    )  # fmt: skip
    assert set_.exit_code == 0, set_.output
    with Engine.open(url) as engine:
        assert engine.preferences.get("ann") == {
            "favourite_categories": ["coffee", "tea"],
            "price_range": {"min": None, "max": 120.0},
            "theme": "dark",
        }
        assert {c.changed_by for c in engine.preferences.history("ann")} == {"cli"}
    assert _run("preferences", "set", "ann", "theme=", "-d", url).exit_code == 0  # clears
    replaced = _run("preferences", "set", "ann", "layout=list", "--replace", "-d", url)
    assert replaced.exit_code == 0, replaced.output
    with Engine.open(url) as engine:
        assert engine.preferences.get("ann") == {"layout": "list"}


def test_answer_onboarding_from_the_command_line(tmp_path: Path) -> None:
    url = _shop(tmp_path)
    answered = _run(
        "preferences", "answer", "bob", "favourite_categories=tea", "price_range=5..", "-d", url
    )
    assert answered.exit_code == 0, answered.output
    asked = _run("preferences", "onboarding", "bob", "-d", url)
    assert "favourite_categories" not in asked.output and "price_range" not in asked.output
    with Engine.open(url) as engine:
        assert engine.preferences.get("bob")["favourite_categories"] == ["tea"]
    refused = _run("preferences", "answer", "bob", "theme=dark", "-d", url)
    assert refused.exit_code == 1 and "is not an onboarding question" in refused.output


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("theme=blue", "preferences.theme: 'blue' is not one of"),
        ("favourite_categories=fur", "'fur' is not a category in the catalog"),
        ("price_range=cheap", "price_range: 'cheap' is not LOW..HIGH"),
        ("colour=red", "preferences.colour: unknown preference"),
        ("theme", "'theme' is not FIELD=VALUE"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_field(tmp_path: Path, pair: str, message: str) -> None:
    result = _run("preferences", "set", "ann", pair, "-d", _shop(tmp_path))
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


def test_numbers_and_yes_no_fields_are_read_by_their_kind(tmp_path: Path) -> None:
    url = _shop(tmp_path)
    file = tmp_path / "fields.toml"
    file.write_text(
        '[[fields]]\nname = "cups"\nkind = "number"\n\n'
        '[[fields]]\nname = "newsletter"\nkind = "boolean"\n'
    )
    assert _run("preferences", "set-schema", str(file), "-d", url).exit_code == 0
    result = _run("preferences", "set", "ann", "cups=2.5", "newsletter=yes", "-d", url)
    assert result.exit_code == 0, result.output
    with Engine.open(url) as engine:
        assert engine.preferences.get("ann") == {"cups": 2.5, "newsletter": True}
    bad = _run("preferences", "set", "ann", "newsletter=maybe", "-d", url)
    assert bad.exit_code == 1 and "newsletter: 'maybe' is not yes or no" in bad.output
