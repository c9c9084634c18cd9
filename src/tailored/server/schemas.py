"""Response (and simple request) schemas of the REST API, separate from domain values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from tailored.domain.catalog import Item
from tailored.domain.events import Event, EventType
from tailored.domain.jobs import JobOrigin, JobStatus, TrainingJob
from tailored.domain.models import ModelVersion
from tailored.domain.profiles import ActivitySummary, Consent, MergeResult, UserProfile
from tailored.domain.results import BatchResult
from tailored.server.params import IdText


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RejectionOut(_Out):
    index: int = Field(description="0-based position of the row in the batch")
    field: str = Field(description="dotted path of the offending field")
    reason: str


class BatchResultOut(_Out):
    accepted: int = Field(description="rows stored by this request")
    duplicates: int = Field(0, description="rows whose id was already stored (not stored twice)")
    rejected: list[RejectionOut] = Field(default_factory=list)

    @classmethod
    def of(cls, result: BatchResult) -> BatchResultOut:
        return cls.model_validate(result)


class ItemOut(_Out):
    id: str
    title: str
    description: str
    categories: list[str]
    attributes: dict[str, Any]
    available: bool
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, item: Item) -> ItemOut:
        return cls.model_validate(item)


class ItemPage(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class ItemBody(BaseModel):
    """An item without its id (the id is in the path)."""

    model_config = ConfigDict(extra="forbid")
    title: str = ""
    description: str = ""
    categories: list[str] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)
    available: bool = True


class ConsentOut(_Out):
    purpose: str
    granted: bool
    source: str
    updated_at: datetime | None

    @classmethod
    def of(cls, consent: Consent) -> ConsentOut:
        return cls.model_validate(consent)


class ActivityOut(_Out):
    events_total: int
    by_type: dict[str, int]
    first_event_at: datetime | None
    last_event_at: datetime | None
    recent_items: list[str]

    @classmethod
    def of(cls, activity: ActivitySummary) -> ActivityOut:
        return cls.model_validate(activity)


class UserOut(_Out):
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


class MergeOut(_Out):
    anonymous_id: str
    user_id: str
    events_moved: int
    merged_at: datetime

    @classmethod
    def of(cls, merge: MergeResult) -> MergeOut:
        return cls.model_validate(merge)


class EventOut(_Out):
    event_id: str
    user_id: str
    item_id: str | None
    type: str
    value: float | None
    context: dict[str, Any]
    timestamp: datetime
    received_at: datetime | None

    @classmethod
    def of(cls, event: Event) -> EventOut:
        return cls.model_validate(event)


class EventPage(BaseModel):
    events: list[EventOut]
    next_cursor: str | None


class EventTypeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="lower_snake_case, e.g. wishlist_add")
    requires_item: bool = False
    requires_value: bool = False
    description: str = Field("", max_length=1000)


class EventTypeOut(_Out):
    name: str
    requires_item: bool
    requires_value: bool
    description: str
    builtin: bool

    @classmethod
    def of(cls, event_type: EventType) -> EventTypeOut:
        return cls.model_validate(event_type)


class TrainingBody(BaseModel):
    """A training request; it is queued and runs in the background."""

    model_config = ConfigDict(extra="forbid")
    model: str | None = Field(None, description="e.g. ease, item_knn (default: seq_blend)")
    params: dict[str, Any] | None = Field(
        None, description='hyper-parameters, used as given (no tuning), e.g. {"l2": 300}'
    )
    tune: StrictBool = Field(True, description="choose hyper-parameters on a validation split")
    activate: StrictBool = Field(True, description="serve the new version once trained")


class ModelVersionOut(_Out):
    id: int
    model: str
    params: dict[str, Any]
    metrics: dict[str, Any] = Field(description="offline: ndcg@10, recall@20, hr@10, ...")
    data_from: datetime | None
    data_to: datetime | None
    interactions: int
    users: int
    items: int
    created_at: datetime
    active: bool

    @classmethod
    def of(cls, version: ModelVersion) -> ModelVersionOut:
        return cls.model_validate(version)


class TrainingJobOut(_Out):
    id: int
    status: JobStatus = Field(description="queued, running, succeeded or failed")
    model: str
    params: dict[str, Any]
    tune: bool
    activate: bool
    origin: JobOrigin = Field(description="api or schedule")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    version: ModelVersionOut | None = Field(description="the trained version, once succeeded")
    error: str | None = Field(description="why it failed, once failed")

    @classmethod
    def of(cls, job: TrainingJob) -> TrainingJobOut:
        return cls.model_validate(job)
