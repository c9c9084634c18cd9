"""`tailored users export` against a SQLite file."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

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
