"""The preference center and onboarding, as `engine.preferences` offers them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.preferences import (
    FieldKind,
    PreferenceChange,
    PreferenceField,
    PreferenceSchema,
)

SCHEMA = Route("GET", "/v1/preferences/schema", idempotent=True)
SET_SCHEMA = Route("PUT", "/v1/admin/preferences/schema", idempotent=True)
GET = Route("GET", "/v1/users/{user_id}/preferences", idempotent=True)
REPLACE = Route("PUT", "/v1/users/{user_id}/preferences", idempotent=True)
UPDATE = Route("PATCH", "/v1/users/{user_id}/preferences", idempotent=True)
HISTORY = Route("GET", "/v1/users/{user_id}/preferences/history", idempotent=True)
ONBOARDING = Route("GET", "/v1/users/{user_id}/onboarding", idempotent=True)
ANSWER = Route("POST", "/v1/users/{user_id}/onboarding", idempotent=True)  # answers merge in


@dataclass(frozen=True, slots=True)
class Question:
    """An onboarding question as the API answers it: the field it fills (`field`, its
    name), how to ask, and the options to offer (catalog fields: most popular first).

    >>> Question("brands", "Any brands you love?", "choices", "Favourite brands",
    ...          ("Acme", "Zeta"), max_picks=5, usefulness=0.8).options
    ('Acme', 'Zeta')
    """

    field: str
    text: str
    kind: FieldKind
    label: str
    options: tuple[str, ...]
    max_picks: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    usefulness: float = 0.0  # 0..1: how much an answer narrows what to show


def read_schema(data: Any) -> PreferenceSchema:
    return PreferenceSchema(
        tuple(
            PreferenceField(
                name=f["name"],
                kind=f["kind"],
                label=f["label"],
                choices=reading.texts(f["choices"]),
                attribute=f["attribute"],
                effect=f["effect"],
                minimum=f["minimum"],
                maximum=f["maximum"],
                max_picks=f["max_picks"],
                max_length=f["max_length"],
                question=f["question"],
                help=f["help"],
            )
            for f in data["fields"]
        )
    )


def _values(data: Any) -> dict[str, Any]:
    return dict(data["preferences"])


def _question(data: Any) -> Question:
    return Question(
        field=data["field"],
        text=data["text"],
        kind=data["kind"],
        label=data["label"],
        options=reading.texts(data["options"]),
        max_picks=data["max_picks"],
        minimum=data["minimum"],
        maximum=data["maximum"],
        usefulness=data["usefulness"],
    )


class Preferences(Resource[Mode]):
    """What users choose: the fields a business defines, each user's values, their
    history, and the onboarding survey.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> client.preferences.schema().field("theme").choices
    ('system', 'light', 'dark')
    >>> client.preferences.update("u42", {"theme": "dark", "layout": "list"})
    {'theme': 'dark', 'layout': 'list'}
    >>> client.preferences.replace("u42", {"theme": "light"})
    {'theme': 'light'}
    >>> [(c.field, c.old, c.new) for c in client.preferences.history("u42", limit=2)]
    [('layout', 'list', None), ('theme', 'dark', 'light')]
    >>> engine.close()
    """

    @operation(SCHEMA)
    def schema(self) -> Call[PreferenceSchema]:
        """The fields users can set, in the order a preference center shows them."""
        return SCHEMA.call(read_schema)

    @operation(SET_SCHEMA)
    def set_schema(self, fields: Sequence[Mapping[str, Any]]) -> Call[PreferenceSchema]:
        """Define the fields (an admin key; a `Conflict` when a file defines them)."""
        return SET_SCHEMA.call(read_schema, body={"fields": [dict(f) for f in fields]})

    @operation(GET)
    def get(self, user_id: str) -> Call[dict[str, Any]]:
        return GET.call(_values, path={"user_id": user_id})

    @operation(REPLACE)
    def replace(self, user_id: str, values: Mapping[str, Any]) -> Call[dict[str, Any]]:
        """Set all of the user's preferences: fields left out are cleared."""
        return REPLACE.call(_values, path={"user_id": user_id}, body=dict(values))

    @operation(UPDATE)
    def update(self, user_id: str, values: Mapping[str, Any]) -> Call[dict[str, Any]]:
        """Change the fields given (a None clears one); answers every value now set."""
        return UPDATE.call(_values, path={"user_id": user_id}, body=dict(values))

    @operation(HISTORY)
    def history(self, user_id: str, *, limit: int = 100) -> Call[list[PreferenceChange]]:
        """Who changed which field, when, from what to what; newest first."""

        def changes(data: Any) -> list[PreferenceChange]:
            return [
                PreferenceChange(
                    user_id=user_id,
                    field=c["field"],
                    old=c["old"],
                    new=c["new"],
                    changed_by=c["changed_by"],
                    changed_at=reading.moment(c["changed_at"]),
                )
                for c in data
            ]

        return HISTORY.call(changes, path={"user_id": user_id}, query=[("limit", limit)])

    @operation(ONBOARDING)
    def onboarding(self, user_id: str) -> Call[list[Question]]:
        """The questions still to ask the user, most useful first."""
        return ONBOARDING.call(
            lambda data: list(reading.rows(data["questions"], _question)),
            path={"user_id": user_id},
        )

    @operation(ANSWER)
    def answer(self, user_id: str, answers: Mapping[str, Any]) -> Call[dict[str, Any]]:
        """Store onboarding answers as preferences; answers every value now set."""
        return ANSWER.call(_values, path={"user_id": user_id}, body=dict(answers))


__all__ = ["Preferences", "Question", "read_schema"]
