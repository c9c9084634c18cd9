"""Path parameters, typed once: the caller's ids follow the one id rule
(`tailored.domain.identifiers`), record ids are positive 64-bit integers. A value out of
the rule is a 422 naming the parameter (``path.user_id``), never a lookup that cannot
succeed or a number the database cannot compare."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from tailored.engine.inputs import IdText

_RULE = "1-256 characters, no '/' or control characters, not '.' or '..'"

UserId = Annotated[IdText, Path(description=f"The user's id ({_RULE}).")]
ItemId = Annotated[IdText, Path(description=f"The item's id ({_RULE}).")]
ConfiguratorId = Annotated[IdText, Path(description="The configurator template's id.")]
PlacementId = Annotated[IdText, Path(description="The placement's id, e.g. home.")]
RecordId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A record's number.")]

__all__ = ["ConfiguratorId", "IdText", "ItemId", "PlacementId", "RecordId", "UserId"]
