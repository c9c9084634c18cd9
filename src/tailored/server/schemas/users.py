"""Users: profiles, traits, consents and identity merges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from tailored.domain.erasure import ErasureReport
from tailored.domain.profiles import ActivitySummary, Consent, MergeResult, UserProfile
from tailored.server.params import IdText
from tailored.server.schemas.common import OutBase


class ConsentOut(OutBase):
    purpose: str
    granted: bool
    source: str
    updated_at: datetime | None

    @classmethod
    def of(cls, consent: Consent) -> ConsentOut:
        return cls.model_validate(consent)


class ActivityOut(OutBase):
    events_total: int
    by_type: dict[str, int]
    first_event_at: datetime | None
    last_event_at: datetime | None
    recent_items: list[str]

    @classmethod
    def of(cls, activity: ActivitySummary) -> ActivityOut:
        return cls.model_validate(activity)


class UserOut(OutBase):
    id: str
    traits: dict[str, Any]
    preferences: dict[str, Any]
    created_at: datetime | None
    updated_at: datetime | None
    consents: list[ConsentOut]
    activity: ActivityOut | None = None

    @classmethod
    def of(cls, profile: UserProfile) -> UserOut:
        return cls.model_validate(profile)


class UserPage(BaseModel):
    users: list[UserOut]
    next_cursor: str | None


class TraitsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    traits: dict[str, Any] = Field(
        description="e.g. name, email, city, age_band; PATCH: null removes a trait"
    )


class ConsentsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    consents: dict[str, StrictBool] = Field(description='e.g. {"personalization": true}')
    source: str = Field("api", max_length=256, description="where the decision was made")


class MergeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    anonymous_id: IdText = Field(description="the visitor's id, merged into this user")


class MergeOut(OutBase):
    anonymous_id: str
    user_id: str
    events_moved: int
    merged_at: datetime

    @classmethod
    def of(cls, merge: MergeResult) -> MergeOut:
        return cls.model_validate(merge)


class ExportOut(BaseModel):
    """An export as JSON (documentation only: the answer is streamed as it is read)."""

    user_id: str = Field(description="the person exported")
    exported_at: datetime = Field(description="when the export was made (UTC)")
    data: dict[str, list[dict[str, Any]]] = Field(
        description="each kind of data (profile, consents, consent_history, merged_ids, "
        "events, preference_history, lists, list_items, saved_orders, saved_order_lines, "
        "alerts, notifications, designs, design_choices, recommendations) -> its rows"
    )


class ModelRefitOut(OutBase):
    version_id: int = Field(description="an active model version that learned from the person")
    model: str
    events: int = Field(description="the person's events in that version's training data")
    job_id: int = Field(description="the training job that refits it without them")
    job_status: str = Field(description="the job's status when erased: GET /v1/training/jobs/{id}")


class ErasureOut(OutBase):
    user_id: str
    rows: dict[str, int] = Field(description="rows removed (or anonymized) per table")
    total: int = Field(description="rows removed in all")
    merged_ids: list[str] = Field(description="anonymous ids merged into the person, erased too")
    models: list[ModelRefitOut] = Field(description="models that learned from them, and refits")
    suppressed: bool = Field(
        description="the id is on the suppression list: later events and profile writes "
        "for it are rejected (false with allow_return)"
    )
    already_erased: bool = Field(
        description="nothing was stored: the id had been erased before (nothing left)"
    )

    @classmethod
    def of(cls, report: ErasureReport) -> ErasureOut:
        return cls(
            user_id=report.user_id,
            rows=dict(report.rows),
            total=report.total,
            merged_ids=list(report.merged_ids),
            models=[ModelRefitOut.model_validate(m) for m in report.models],
            suppressed=report.suppressed,
            already_erased=report.already_erased,
        )


__all__ = [
    "ActivityOut",
    "ConsentOut",
    "ConsentsBody",
    "ErasureOut",
    "ExportOut",
    "MergeBody",
    "MergeOut",
    "ModelRefitOut",
    "TraitsBody",
    "UserOut",
    "UserPage",
]
