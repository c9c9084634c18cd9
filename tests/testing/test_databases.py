"""A missing PostgreSQL skips its tests on a laptop and fails them in CI, whatever `CI`
itself is set to: `.ci/run` sets TAILORED_REQUIRE_POSTGRES."""

from __future__ import annotations

import pytest

from tailored.testing.databases import REQUIRE_POSTGRES, require_postgres

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/test"  # the discard port


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("TAILORED_TEST_POSTGRES_URL", UNREACHABLE)
    monkeypatch.delenv(REQUIRE_POSTGRES, raising=False)
    return monkeypatch


@pytest.mark.parametrize("ci", ["", "true", "1", "yes"])
def test_a_missing_server_skips_with_the_reason_when_not_required(
    no_server: pytest.MonkeyPatch, ci: str
) -> None:
    no_server.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match=r"PostgreSQL not reachable at .*:9/test"):
        require_postgres()


@pytest.mark.parametrize("required", ["1", "true", "yes"])
def test_a_missing_server_fails_when_required(no_server: pytest.MonkeyPatch, required: str) -> None:
    no_server.setenv(REQUIRE_POSTGRES, required)
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL tests must run"):
        require_postgres()


def test_ci_run_requires_postgres() -> None:
    from pathlib import Path

    script = (Path(__file__).parents[2] / ".ci" / "run").read_text()
    assert f"export {REQUIRE_POSTGRES}=1" in script
