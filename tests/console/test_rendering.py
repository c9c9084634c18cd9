"""The console's count wording: singular for exactly one, plural otherwise."""

from __future__ import annotations

import pytest

from tailored.console.rendering import counted, templates


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 designs"), (1, "1 design"), (2, "2 designs")]
)
def test_counted_says_one_design_and_many_designs(count: int, expected: str) -> None:
    assert counted(count, "design") == expected


def test_counted_takes_an_irregular_plural() -> None:
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(5, "entry", "entries") == "5 entries"


def test_templates_can_use_it() -> None:
    source = '{{ n | counted("design") }} chose'
    assert templates.env.from_string(source).render(n=1) == "1 design chose"
