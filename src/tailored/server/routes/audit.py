"""/v1/audit: read the audit log (there is no route that changes it)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query

from tailored.server.auth import Admin, EngineDep
from tailored.server.input_checks import api_router
from tailored.server.schemas.audit import AuditEntryOut, AuditPage

router = api_router(tags=["audit"])


@router.get(
    "/v1/audit",
    response_model=AuditPage,
    summary="List the audit log, newest first",
    description="Every admin action, key change, consent change and model activation: who "
    "(API key id, or the OS user of a CLI command), what (action, target, detail), when, "
    "and from which client address. Filters combine; pass `next_cursor` back as `cursor` "
    "for older entries. Entries cannot be changed or deleted.",
)
def list_audit(
    engine: EngineDep,
    _key: Admin,
    action: Annotated[str | None, Query(max_length=64, description="e.g. model.activate")] = None,
    actor: Annotated[
        str | None, Query(max_length=256, description="an API key id or OS user")
    ] = None,
    target: Annotated[str | None, Query(max_length=512)] = None,
    since: Annotated[datetime | None, Query(description="from this moment on")] = None,
    until: Annotated[datetime | None, Query(description="before this moment")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> AuditPage:
    page = engine.audit.list(
        action=action,
        actor=actor,
        target=target,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )
    return AuditPage(
        entries=[AuditEntryOut.of(entry) for entry in page.items], next_cursor=page.next_cursor
    )
