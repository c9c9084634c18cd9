"""Prices as the storefront shows them: the sign goes before the currency symbol."""

from __future__ import annotations

import pytest

from tailored.demo.storefront.common import money


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (-0.6, "EUR", "-€0.60"),
        (0.6, "EUR", "€0.60"),
        (0, "EUR", "€0.00"),
        (-1234.5, "USD", "-$1,234.50"),
        ("-2", "CHF", "-CHF 2.00"),
        (None, "EUR", ""),
    ],
)
def test_money_puts_the_sign_before_the_symbol(value: object, currency: str, expected: str) -> None:
    assert money(value, currency) == expected
