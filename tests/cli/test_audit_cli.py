"""`tailored audit list`, on every backend: CLI changes are recorded as the OS user's,
filters narrow the list, bad filters end in one line naming them."""

from __future__ import annotations

import json

from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app
from tailored.engine.audit import os_user


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_cli_changes_are_listed_as_the_os_users(fresh_url: str) -> None:
    created = _run("keys", "create", "storefront", "-s", "serve", "-d", fresh_url, "-q")
    assert created.exit_code == 0, created.output
    with Engine.open(fresh_url) as engine:
        (key,) = engine.keys.list()
        engine.placements.set({"id": "home", "strategy": {"top_n": {"limit": 8}}})  # `system`
    assert _run("keys", "revoke", key.id, "-d", fresh_url).exit_code == 0

    listed = _run("audit", "list", "--json", "-d", fresh_url)
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["action"], r["target"], r["actor_kind"]) for r in rows] == [
        ("api_key.revoke", key.id, "cli"),
        ("placement.set", "home", "system"),
        ("api_key.create", key.id, "cli"),
    ]
    assert rows[0]["actor"] == os_user() and rows[0]["client_ip"] is None

    only = _run("audit", "list", "--json", "--action", "api_key.create", "-d", fresh_url)
    assert [json.loads(line)["action"] for line in only.stdout.splitlines()] == ["api_key.create"]
    table = _run("audit", "list", "--target", "home", "-d", fresh_url).output
    assert "placement.set" in table and "api_key" not in table
    none = _run("audit", "list", "--json", "--until", "2020-01-01", "-d", fresh_url)
    assert none.exit_code == 0 and none.stdout == ""


def test_bad_filters_end_in_one_line_naming_them(fresh_url: str) -> None:
    Engine.open(fresh_url).close()
    backwards = _run("audit", "list", "--since", "2026-02-01", "--until", "2026-01-01",
                     "-d", fresh_url)  # fmt: skip
    assert backwards.exit_code == 1
    assert "until: must be later than since" in backwards.output
    assert _run("audit", "list", "--limit", "0", "-d", fresh_url).exit_code == 2
