"""`tailored keys create|list|rotate|revoke`: expiry, rate limits and rotation with an
overlap, on every backend."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app
from tailored.domain.keys import RateLimit
from tailored.errors import AuthenticationError


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, ["keys", *args], env={"COLUMNS": "200"})


def test_create_with_expiry_and_rate_limit_then_list(fresh_url: str) -> None:
    made = _run("create", "partner", "-s", "serve", "--expires", "2099-01-31",
                "--rate", "10/s", "--burst", "20", "-q", "-d", fresh_url)  # fmt: skip
    assert made.exit_code == 0, made.output
    secret = made.output.strip()
    with Engine.open(fresh_url) as engine:
        key = engine.keys.authenticate(secret)
    assert key.rate_limit == RateLimit(10, "second", 20)
    assert f"{key.expires_at:%Y-%m-%d}" == "2099-01-31"
    listed = _run("list", "-d", fresh_url).output
    assert "2099-01-31 00:00" in listed and "10/second burst 20" in listed and "active" in listed
    never = _run("create", "backend", "-s", "admin", "--expires", "90d", "-q", "-d", fresh_url)
    assert never.exit_code == 0, never.output


def test_rotate_with_an_overlap_keeps_the_old_secret_working(fresh_url: str) -> None:
    old = _run("create", "backend", "-s", "ingest", "-q", "-d", fresh_url).output.strip()
    key_id = old.split("_")[1]
    rotated = _run("rotate", key_id, "--overlap", "1h", "-d", fresh_url)
    assert rotated.exit_code == 0, rotated.output
    assert "The old secret works until" in rotated.output
    new = next(line for line in rotated.output.splitlines() if line.startswith("tk_"))
    with Engine.open(fresh_url) as engine:
        assert engine.keys.authenticate(old).id == engine.keys.authenticate(new).id == key_id
    assert "old secret until" in _run("list", "-d", fresh_url).output
    at_once = _run("rotate", key_id, "-q", "-d", fresh_url)
    assert at_once.exit_code == 0, at_once.output
    with Engine.open(fresh_url) as engine, pytest.raises(AuthenticationError):
        engine.keys.authenticate(new)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rotate", "0badc0de"], "api key '0badc0de' not found"),
        (["rotate", "KEY", "--overlap", "soon"], "is not a duration"),
        (["create", "x", "-s", "serve", "--rate", "fast"], "is not a rate"),
        (["create", "x", "-s", "serve", "--expires", "someday"], "neither a duration"),
        (["create", "x", "-s", "serve", "--expires", "2001-01-01"], "must be in the future"),
        (["create", "x", "-s", "serve", "--burst", "5"], "--burst needs --rate"),
    ],
)
def test_bad_input_is_one_line(fresh_url: str, args: list[str], message: str) -> None:
    Engine.open(fresh_url).close()
    result = _run(*args, "-d", fresh_url)
    assert result.exit_code != 0
    assert message in " ".join(result.output.split()), result.output


def test_a_revoked_key_cannot_be_rotated(fresh_url: str) -> None:
    secret = _run("create", "old", "-s", "serve", "-q", "-d", fresh_url).output.strip()
    key_id = secret.split("_")[1]
    assert _run("revoke", key_id, "-d", fresh_url).exit_code == 0
    result = _run("rotate", key_id, "-d", fresh_url)
    assert result.exit_code == 1 and "revoked" in result.output
    assert "revoked" in _run("list", "-d", fresh_url).output
