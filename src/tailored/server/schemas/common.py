"""Shapes shared by every resource: the response base and a batch's result."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tailored.domain.results import BatchResult


class OutBase(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RejectionOut(OutBase):
    index: int = Field(description="0-based position of the row in the batch")
    field: str = Field(description="dotted path of the offending field")
    reason: str


class BatchResultOut(OutBase):
    accepted: int = Field(description="rows stored by this request")
    duplicates: int = Field(0, description="rows whose id was already stored (not stored twice)")
    rejected: list[RejectionOut] = Field(default_factory=list)

    @classmethod
    def of(cls, result: BatchResult) -> BatchResultOut:
        return cls.model_validate(result)


__all__ = ["BatchResultOut", "OutBase", "RejectionOut"]
