"""/v1/users: profiles, consents and identity merges, as `engine.users` and
`engine.consents` offer them."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.erasure import ErasureReport, ModelRefit
from tailored.domain.profiles import ActivitySummary, Consent, MergeResult, UserProfile
from tailored.domain.results import Page

PUT = Route("PUT", "/v1/users/{user_id}", idempotent=True)
PATCH = Route("PATCH", "/v1/users/{user_id}", idempotent=True)  # the same change twice: once
GET = Route("GET", "/v1/users/{user_id}", idempotent=True)
LIST = Route("GET", "/v1/users", idempotent=True)
MERGE = Route("POST", "/v1/users/{user_id}/merge", idempotent=True)  # again: the first answer
GET_CONSENTS = Route("GET", "/v1/users/{user_id}/consents", idempotent=True)
SET_CONSENTS = Route("PUT", "/v1/users/{user_id}/consents", idempotent=True)
ERASE = Route("DELETE", "/v1/users/{user_id}", idempotent=True)  # again: nothing left


def read_consent(data: Any) -> Consent:
    return Consent(
        purpose=data["purpose"],
        granted=data["granted"],
        source=data["source"],
        updated_at=reading.maybe_moment(data["updated_at"]),
    )


def _activity(data: Any) -> ActivitySummary | None:
    if data is None:
        return None
    return ActivitySummary(
        events_total=data["events_total"],
        by_type=dict(data["by_type"]),
        first_event_at=reading.maybe_moment(data["first_event_at"]),
        last_event_at=reading.maybe_moment(data["last_event_at"]),
        recent_items=reading.texts(data["recent_items"]),
    )


def read_profile(data: Any) -> UserProfile:
    return UserProfile(
        id=data["id"],
        traits=dict(data["traits"]),
        preferences=dict(data["preferences"]),
        created_at=reading.maybe_moment(data["created_at"]),
        updated_at=reading.maybe_moment(data["updated_at"]),
        consents=reading.rows(data["consents"], read_consent),
        activity=_activity(data.get("activity")),
    )


def _consents(data: Any) -> builtins.list[Consent]:
    return builtins.list(reading.rows(data, read_consent))


def _merge(data: Any) -> MergeResult:
    return MergeResult(
        anonymous_id=data["anonymous_id"],
        user_id=data["user_id"],
        events_moved=data["events_moved"],
        merged_at=reading.moment(data["merged_at"]),
    )


def _erasure(data: Any) -> ErasureReport:
    refits = [
        ModelRefit(m["version_id"], m["model"], m["events"], m["job_id"], m["job_status"])
        for m in data["models"]
    ]
    return ErasureReport(
        user_id=data["user_id"],
        rows=dict(data["rows"]),
        merged_ids=reading.texts(data["merged_ids"]),
        models=tuple(refits),
        suppressed=data["suppressed"],
        already_erased=data["already_erased"],
    )


class Users(Resource[Mode]):
    """User profiles: traits, a summary of activity, and merging a visitor into a user.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> client.users.upsert("u42", {"name": "Ann", "city": "Oslo"}).traits
    {'name': 'Ann', 'city': 'Oslo'}
    >>> client.users.upsert("u42", {"city": None}, merge=True).traits
    {'name': 'Ann'}
    >>> visit = client.events.record({"user_id": "anon-7", "type": "page_view"})
    >>> client.users.merge("u42", "anon-7").events_moved
    1
    >>> engine.close()
    """

    @operation(PUT, PATCH)
    def upsert(
        self, user_id: str, traits: Mapping[str, Any], *, merge: bool = False
    ) -> Call[UserProfile]:
        """Create the user or replace its traits; `merge=True` changes only the traits
        given (a None removes one)."""
        route = PATCH if merge else PUT
        return route.call(read_profile, path={"user_id": user_id}, body={"traits": dict(traits)})

    @operation(GET)
    def get(self, user_id: str) -> Call[UserProfile]:
        """The profile with its consents and a summary of recent activity."""
        return GET.call(read_profile, path={"user_id": user_id})

    @operation(LIST)
    def list(self, *, cursor: str | None = None, limit: int = 50) -> Call[Page[UserProfile]]:
        query = [("cursor", cursor), ("limit", limit)]
        return LIST.call(lambda data: reading.page(data, "users", read_profile), query=query)

    @operation(MERGE)
    def merge(self, user_id: str, anonymous_id: str) -> Call[MergeResult]:
        """Fold the visitor `anonymous_id` into `user_id` (their events, lists and
        preferences move); merging again answers the first merge's result."""
        body = {"anonymous_id": anonymous_id}
        return MERGE.call(_merge, path={"user_id": user_id}, body=body)

    @operation(ERASE)
    def erase(self, user_id: str, *, allow_return: bool = False) -> Call[ErasureReport]:
        """Erase the person and the anonymous ids merged into them: rows removed per
        table, models refit without them; their id goes on the suppression list unless
        `allow_return`. Again: nothing left (`already_erased`). Needs an admin key."""
        query = [("allow_return", "true" if allow_return else None)]
        return ERASE.call(_erasure, path={"user_id": user_id}, query=query)


class Consents(Resource[Mode]):
    """A user's consent per purpose (personalization, analytics, marketing, ...).

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> given = client.consents.set("u42", {"personalization": True}, source="cookie_banner")
    >>> [(c.purpose, c.granted, c.source) for c in client.consents.get("u42")]
    [('personalization', True, 'cookie_banner')]
    >>> engine.close()
    """

    @operation(GET_CONSENTS)
    def get(self, user_id: str) -> Call[builtins.list[Consent]]:
        return GET_CONSENTS.call(_consents, path={"user_id": user_id})

    @operation(SET_CONSENTS)
    def set(
        self, user_id: str, decisions: Mapping[str, bool], *, source: str = "api"
    ) -> Call[builtins.list[Consent]]:
        """Grant (True) or withdraw (False) consent per purpose; `source` says where the
        decision was made. Answers the user's decisions as stored."""
        body = {"consents": dict(decisions), "source": source}
        return SET_CONSENTS.call(_consents, path={"user_id": user_id}, body=body)


__all__ = ["Consents", "Users", "read_consent", "read_profile"]
