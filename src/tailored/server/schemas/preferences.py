"""Request and response schemas of the preference center and onboarding endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tailored.domain.preferences import FieldKind, PreferenceChange, Question
from tailored.engine.preferences.inputs import PreferenceFieldIn


class SchemaBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: list[dict[str, Any]] = Field(
        description="the fields users can set, in the order a preference center shows them"
    )


class SchemaOut(BaseModel):
    fields: list[PreferenceFieldIn]


class PreferencesOut(BaseModel):
    user_id: str
    preferences: dict[str, Any] = Field(description="the user's values, by field name")


class ChangeOut(BaseModel):
    field: str
    old: Any = Field(description="null: it was not set")
    new: Any = Field(description="null: it was cleared")
    changed_by: str = Field(description="the API key's name, or 'onboarding'")
    changed_at: datetime

    @classmethod
    def of(cls, change: PreferenceChange) -> ChangeOut:
        return cls(
            field=change.field,
            old=change.old,
            new=change.new,
            changed_by=change.changed_by,
            changed_at=change.changed_at,
        )


class QuestionOut(BaseModel):
    field: str
    text: str
    kind: FieldKind
    label: str
    options: list[str] = Field(description="for catalog fields, the most popular values first")
    max_picks: int | None
    minimum: float | None
    maximum: float | None
    usefulness: float = Field(description="0..1: how much an answer narrows what to show")

    @classmethod
    def of(cls, question: Question) -> QuestionOut:
        spec = question.field
        return cls(
            field=spec.name,
            text=question.text,
            kind=spec.kind,
            label=spec.label,
            options=list(question.options),
            max_picks=spec.max_picks,
            minimum=spec.minimum,
            maximum=spec.maximum,
            usefulness=round(question.usefulness, 4),
        )


class OnboardingOut(BaseModel):
    user_id: str
    questions: list[QuestionOut] = Field(description="unanswered questions, most useful first")


__all__ = [
    "ChangeOut",
    "OnboardingOut",
    "PreferencesOut",
    "QuestionOut",
    "SchemaBody",
    "SchemaOut",
]
