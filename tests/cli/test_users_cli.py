"""`tailored users export` and `tailored users erase` against a SQLite file."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_export_to_a_file_and_to_standard_output(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:
        engine.users.upsert("ann", {"city": "Oslo"})
        engine.events.record({"user_id": "anon-1", "type": "page_view"})
        engine.users.merge("ann", "anon-1")
    printed = _run("users", "export", "ann", "-d", url)
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["data"]["profile"][0]["traits"] == {"city": "Oslo"}

    target = tmp_path / "ann.zip"
    written = _run("users", "export", "ann", "--format", "zip", "-o", str(target), "-d", url)
    assert written.exit_code == 0, written.output
    assert f"wrote {target}" in written.output
    assert "README.txt" in zipfile.ZipFile(io.BytesIO(target.read_bytes())).namelist()

    merged = _run("users", "export", "anon-1", "-o", str(tmp_path / "x.json"), "-d", url)
    assert merged.exit_code == 1 and "merged into 'ann'" in merged.output
    assert not (tmp_path / "x.json").exists()
    missing = _run("users", "export", "nobody", "-d", url)
    assert missing.exit_code == 1 and "user 'nobody' not found" in missing.output


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:
        engine.events.record_many([
            {"user_id": "ann", "type": "view", "item_id": "mug"},
            {"user_id": "anon-7", "type": "view", "item_id": "lamp"},
        ])  # fmt: skip
        engine.users.merge("ann", "anon-7")
    return url


def test_erase_prints_the_rows_per_table_then_nothing_left(url: str) -> None:
    erased = _run("users", "erase", "ann", "-d", url)
    again = _run("users", "erase", "ann", "--json", "-d", url)

    assert erased.exit_code == 0, erased.output
    assert "erased ann: 4 rows" in erased.output
    assert "with merged ids: anon-7" in erased.output
    assert "ann is on the suppression list" in erased.output
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert (report["already_erased"], report["rows"], report["suppressed"]) == (True, {}, True)


def test_erase_an_unknown_user_fails_naming_it(url: str) -> None:
    result = _run("users", "erase", "nobody", "-d", url)

    assert result.exit_code != 0
    assert "nobody" in result.output


def test_allow_return_leaves_the_id_free(url: str) -> None:
    result = _run("users", "erase", "ann", "--allow-return", "-d", url)

    assert result.exit_code == 0, result.output
    assert "ann is free to come back" in result.output
