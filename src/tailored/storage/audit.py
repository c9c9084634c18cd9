"""Audit-log queries: append, and list newest first with filters (keyset paging)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select

from tailored.domain.audit import Actor, AuditEntry, AuditFilter
from tailored.storage.tables import audit_log


def append(conn: Connection, entry: AuditEntry) -> int:
    values: dict[str, Any] = {
        "at": entry.at,
        "actor_kind": entry.actor.kind,
        "actor": entry.actor.id,
        "client_ip": entry.actor.ip,
        "action": entry.action,
        "target": entry.target,
        "detail": entry.detail,
    }
    seq = conn.execute(insert(audit_log).values(**values).returning(audit_log.c.seq)).scalar_one()
    return int(seq)


def entries(
    conn: Connection, where: AuditFilter, *, before: int | None, limit: int
) -> list[AuditEntry]:
    """Up to `limit` entries matching `where`, newest first, older than seq `before`."""
    c = audit_log.c
    query = select(audit_log).order_by(c.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(c.seq < before)
    if where.action is not None:
        query = query.where(c.action == where.action)
    if where.actor is not None:
        query = query.where(c.actor == where.actor)
    if where.target is not None:
        query = query.where(c.target == where.target)
    if where.since is not None:
        query = query.where(c.at >= where.since)
    if where.until is not None:
        query = query.where(c.at < where.until)
    return [_entry(row) for row in conn.execute(query).mappings()]


def _entry(row: RowMapping) -> AuditEntry:
    actor = Actor(row["actor_kind"], row["actor"], row["client_ip"])
    return AuditEntry(row["seq"], row["at"], actor, row["action"], row["target"], row["detail"])
