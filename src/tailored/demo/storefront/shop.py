"""What the storefront is given to run: the Python client it talks to the server with,
the shoppers its door offers, and the business's consent policy. The storefront is a
shop backend like any integrator's: it holds an API key (ingest + serve, never admin)
and reaches tailored only through `tailored.client.Client`.

>>> from tailored.client import Client
>>> shop = Storefront(Client("http://127.0.0.1:8000", api_key="tk_x"), (("u1", "Ann"),))
>>> shop.shoppers, shop.personalizes_by_default
((('u1', 'Ann'),), True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request

from tailored.client import Client
from tailored.domain.profiles import Consent

PERSONALIZATION = "personalization"  # the consent purpose behaviour-based rows need


@dataclass(frozen=True, slots=True)
class Storefront:
    """The store's client and settings. `shoppers` are the (id, name) pairs the door
    offers (a shop's own customer accounts; listing the server's users needs an admin
    key, which a shop backend does not hold). `personalizes_by_default` is the consent
    policy the server runs under (`Settings.personalization_consent` is "opt_out"):
    whether a shopper who never decided may be shown rows built from what they did."""

    client: Client
    shoppers: tuple[tuple[str, str], ...] = ()
    personalizes_by_default: bool = True

    def personalizes(self, consents: Sequence[Consent]) -> bool:
        """Whether a shopper with these consent decisions gets rows built from their
        behaviour: their decision on personalization, else the policy's default.

        >>> from tailored.client import Client
        >>> shop = Storefront(Client("http://shop.test", api_key=None))
        >>> shop.personalizes([]), shop.personalizes([Consent(PERSONALIZATION, False, "x")])
        (True, False)
        """
        decided = next((c.granted for c in consents if c.purpose == PERSONALIZATION), None)
        return self.personalizes_by_default if decided is None else decided


def store_of(request: Request) -> Storefront:
    """The storefront that `mount` set up on the app serving `request`."""
    store: Storefront = request.app.state.storefront
    return store


def client_of(request: Request) -> Client:
    return store_of(request).client


__all__ = ["PERSONALIZATION", "Storefront", "client_of", "store_of"]
