"""`tailored configurators ...`: examples, list, show, define, validate, designs, analytics."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app
from tailored.demo.configurators import example


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, ["configurators", *args], env={"COLUMNS": "300"})


def test_examples_list_and_show(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    Engine.open(url).close()  # an empty store (reading commands refuse a missing file)
    assert "no configurator yet" in _run("list", "-d", url).output
    installed = _run("examples", "-d", url)
    assert installed.exit_code == 0, installed.output
    for name in ("sneaker", "coffee", "subscription"):
        assert name in installed.output
    listed = _run("list", "-d", url)
    assert "Build your own sneaker" in listed.output and "Workspace plan" in listed.output
    shown = _run("show", "sneaker", "-d", url)
    assert shown.exit_code == 0, shown.output
    assert "leather (20.00)" in shown.output and "42*" in shown.output
    assert "A-Z0-9 and spaces" in shown.output and "no-white-suede" in shown.output
    assert _run("show", "tea", "-d", url).exit_code == 1


def test_validate_prints_the_breakdown_and_every_violation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    _run("examples", "-d", url)
    valid = _run("validate", "coffee", "-c", "milk=oat", "-c", "syrups=vanilla",
                 "-c", "syrups=caramel", "-t", "name_on_cup=Ann", "-d", url)  # fmt: skip
    assert valid.exit_code == 0, valid.output
    assert "Milk: Oat milk" in valid.output and "Syrups: 1 included" in valid.output
    assert "EUR 4.40" in valid.output and "valid" in valid.output  # 3.30+0.50+1.20-0.60
    invalid = _run("validate", "coffee", "-c", "temperature=iced", "-c", "size=S",
                   "-c", "extras=extra-hot", "-d", url)  # fmt: skip
    assert invalid.exit_code == 1
    assert "2 violation(s)" in invalid.output
    assert "iced-needs-no-extra-hot" in invalid.output and "iced-only-in-m-or-l" in invalid.output
    bad = _run("validate", "coffee", "-c", "iced", "-d", url)
    assert bad.exit_code == 1 and "expected group=value" in bad.output


def test_define_save_designs_reorder_and_analytics(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    template = tmp_path / "coffee.json"
    template.write_text(json.dumps(example("coffee")))
    defined = _run("define", str(template), "-d", url)
    assert defined.exit_code == 0 and "coffee: version 1" in defined.output
    saved = _run("save", "ann", "coffee", "Iced oat", "-c", "temperature=iced",
                 "-c", "milk=oat", "-d", url)  # fmt: skip
    assert saved.exit_code == 0, saved.output
    assert "saved design 1 for ann: EUR 3.80" in saved.output
    refused = _run("save", "ann", "coffee", "Nope", "-c", "size=S", "-c", "temperature=iced",
                   "-d", url)  # fmt: skip
    assert refused.exit_code == 1 and "iced-only-in-m-or-l" in refused.output
    listed = _run("designs", "ann", "-d", url)
    assert "Iced oat" in listed.output and "Nope" not in listed.output
    ordered = _run("reorder", "ann", "1", "--order-id", "o-1", "-d", url)
    assert ordered.exit_code == 0, ordered.output
    assert "purchase of coffee-custom" in ordered.output
    with Engine.open(url) as engine:
        assert engine.events.count() == 1
    stats = _run("analytics", "coffee", "-d", url)
    assert stats.exit_code == 0, stats.output
    assert "1 saved designs" in stats.output and "Oat milk" in stats.output
    assert "100%" in stats.output


def test_define_names_the_path_of_a_mistake(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    broken = example("coffee")
    broken["groups"][0]["defaults"] = ["XL"]
    template = tmp_path / "broken.json"
    template.write_text(json.dumps(broken))
    result = _run("define", str(template), "-d", url)
    assert result.exit_code == 1
    assert "groups[0].defaults[0]" in result.output and "'XL'" in result.output
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    assert "not a JSON document" in _run("define", str(garbage), "-d", url).output
