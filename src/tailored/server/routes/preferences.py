"""The preference center, onboarding, and the preference schema a business defines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Query

from tailored.engine.preferences.inputs import PreferenceFieldIn, schema_document
from tailored.server.auth import Admin, EngineDep, Ingest, Serve
from tailored.server.input_checks import api_router
from tailored.server.params import UserId
from tailored.server.schemas.preferences import (
    ChangeOut,
    OnboardingOut,
    PreferencesOut,
    QuestionOut,
    SchemaBody,
    SchemaOut,
)

router = api_router(tags=["preferences"])

Values = Annotated[
    dict[str, Any],
    Body(description='field: value, e.g. {"brands": ["Acme"], "theme": "dark"}'),
]


@router.get(
    "/v1/preferences/schema",
    response_model=SchemaOut,
    summary="The fields users can set (to build a preference center from)",
)
def get_schema(engine: EngineDep, _key: Serve) -> SchemaOut:
    return _schema_out(engine.preferences.schema())


@router.put(
    "/v1/admin/preferences/schema",
    response_model=SchemaOut,
    responses={409: {"description": "a file defines the fields (TAILORED_PREFERENCE_SCHEMA_FILE)"}},
    summary="Define the fields users can set (409 when a file defines them)",
)
def put_schema(body: SchemaBody, engine: EngineDep, key: Admin) -> SchemaOut:
    return _schema_out(engine.preferences.set_schema(body.fields, changed_by=key.name))


@router.get("/v1/users/{user_id}/preferences", response_model=PreferencesOut)
def get_preferences(user_id: UserId, engine: EngineDep, _key: Serve) -> PreferencesOut:
    return PreferencesOut(user_id=user_id, preferences=engine.preferences.get(user_id))


@router.put(
    "/v1/users/{user_id}/preferences",
    response_model=PreferencesOut,
    summary="Set all of a user's preferences (fields left out are cleared)",
)
def put_preferences(
    user_id: UserId, body: Values, engine: EngineDep, key: Ingest
) -> PreferencesOut:
    values = engine.preferences.replace(user_id, body, changed_by=key.name)
    return PreferencesOut(user_id=user_id, preferences=values)


@router.patch(
    "/v1/users/{user_id}/preferences",
    response_model=PreferencesOut,
    summary="Change some preferences (null clears one)",
)
def patch_preferences(
    user_id: UserId, body: Values, engine: EngineDep, key: Ingest
) -> PreferencesOut:
    values = engine.preferences.update(user_id, body, changed_by=key.name)
    return PreferencesOut(user_id=user_id, preferences=values)


@router.get(
    "/v1/users/{user_id}/preferences/history",
    response_model=list[ChangeOut],
    summary="Who changed which preference, when, from what to what (newest first)",
)
def preference_history(
    user_id: UserId,
    engine: EngineDep,
    _key: Serve,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ChangeOut]:
    return [ChangeOut.of(c) for c in engine.preferences.history(user_id, limit=limit)]


@router.get(
    "/v1/users/{user_id}/onboarding",
    response_model=OnboardingOut,
    summary="The questions to ask a new user, most useful first, with popular options",
)
def get_onboarding(user_id: UserId, engine: EngineDep, _key: Serve) -> OnboardingOut:
    questions = engine.preferences.onboarding(user_id)
    return OnboardingOut(user_id=user_id, questions=[QuestionOut.of(q) for q in questions])


@router.post(
    "/v1/users/{user_id}/onboarding",
    response_model=PreferencesOut,
    summary="Store onboarding answers as the user's preferences",
)
def post_onboarding(
    user_id: UserId, body: Values, engine: EngineDep, _key: Ingest
) -> PreferencesOut:
    return PreferencesOut(user_id=user_id, preferences=engine.preferences.answer(user_id, body))


def _schema_out(schema: Any) -> SchemaOut:
    return SchemaOut(fields=[PreferenceFieldIn(**f) for f in schema_document(schema)])


__all__ = ["router"]
