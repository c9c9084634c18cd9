"""`tailored placements list|show|set|history|rollback`, on every backend."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, ["placements", *args], env={"COLUMNS": "200"})


def _file(tmp_path: Path, name: str, document: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def test_set_show_history_and_rollback(fresh_url: str, tmp_path: Path) -> None:
    Engine.open(fresh_url).close()  # an empty store (reading commands refuse a missing file)
    assert "no placement yet" in _run("list", "-d", fresh_url).output
    home = {"id": "home", "description": "Home page top picks",
            "strategy": {"diversity": {"strength": 0.3}, "top_n": {"limit": 8}}}  # fmt: skip
    first = _run("set", _file(tmp_path, "home.json", home), "-d", fresh_url)
    assert first.exit_code == 0, first.output
    assert "home: version 1 in force" in first.output
    again = _run("set", _file(tmp_path, "home.json", home), "-d", fresh_url)
    assert "home: version 1 in force" in again.output  # the same: no new version
    boosted = {"strategy": {"boosts": {"rules": [{"category": "sale", "factor": 1.5}]}}}
    second = _run("set", _file(tmp_path, "b.json", boosted), "--id", "home", "-d", fresh_url)
    assert "home: version 2 in force" in second.output, second.output
    listed = _run("list", "-d", fresh_url).output
    assert "home" in listed and "version 2" in listed and "1 boost(s)" in listed
    history = _run("history", "home", "-d", fresh_url).output
    assert "diversity 0.3, at most 8" in history and "Home page top picks" in history
    back = _run("rollback", "home", "-d", fresh_url)
    assert back.exit_code == 0 and "home: version 1 of 2 in force" in back.output
    shown = CliRunner().invoke(app, ["placements", "show", "home", "-d", fresh_url])
    document = json.loads(shown.stdout)  # stdout is the document alone: a file for 'set'
    assert document["id"] == "home" and document["description"] == "Home page top picks"
    assert document["strategy"]["diversity"] == {"strength": 0.3}
    assert document["strategy"]["top_n"] == {"limit": 8}
    older = CliRunner().invoke(app, ["placements", "show", "home", "--version", "2",
                                     "-d", fresh_url])  # fmt: skip
    assert json.loads(older.stdout)["strategy"]["boosts"]["rules"] == [
        {"factor": 1.5, "category": "sale"}
    ]
    forward = _run("rollback", "home", "--to", "2", "-d", fresh_url)
    assert "home: version 2 in force" in forward.output
    with Engine.open(fresh_url) as engine:
        assert engine.placements.get("home").version == 2


def test_mistakes_are_one_line_naming_the_field(fresh_url: str, tmp_path: Path) -> None:
    bad = {"id": "home", "strategy": {"boosts": {"rules": [{"category": "x", "factor": -2}]}}}
    refused = _run("set", _file(tmp_path, "bad.json", bad), "-d", fresh_url)
    assert refused.exit_code == 1
    assert "strategy.boosts.rules[0].factor: must be between 0 and 1000" in refused.output
    no_id = _run("set", _file(tmp_path, "no-id.json", {"strategy": {}}), "-d", fresh_url)
    assert no_id.exit_code == 1 and "id: is required" in no_id.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert "not a JSON document" in _run("set", str(broken), "-d", fresh_url).output
    assert _run("show", "home", "-d", fresh_url).exit_code == 1
    assert "placement 'home' not found" in _run("history", "home", "-d", fresh_url).output
    _run("set", _file(tmp_path, "ok.json", {"id": "home", "strategy": {}}), "-d", fresh_url)
    first = _run("rollback", "home", "-d", fresh_url)
    assert first.exit_code == 1 and "no version before the one in force" in first.output


def test_a_placement_naming_an_untrained_model_says_so(fresh_url: str, tmp_path: Path) -> None:
    document = {"id": "home", "strategy": {"candidates": {"model": "ials"}}}
    result = _run("set", _file(tmp_path, "ials.json", document), "-d", fresh_url)
    assert result.exit_code == 0
    assert "'ials' has no active version yet" in " ".join(result.output.split())
