"""Configurator queries: template versions, saved designs and their picks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, delete, func, insert, or_, select, update

from tailored.domain.configurator.designs import SavedDesign
from tailored.storage.tables import configurator_versions, configurators, design_picks, designs
from tailored.storage.upsert import insert_new
from tailored.types import JSONObject


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A template version as stored: its JSON definition, not yet parsed.

    >>> from datetime import UTC
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> StoredVersion("mug", 2, {"id": "mug"}, at, at).version
    2
    """

    template_id: str
    version: int
    definition: JSONObject
    created_at: datetime
    updated_at: datetime


def lock_template(conn: Connection, template_id: str, *, now: datetime) -> int:
    """The current version of a template (0 for a new one, whose row this creates),
    locked until the transaction ends so concurrent changes take turns."""
    row = {"id": template_id, "version": 0, "created_at": now, "updated_at": now}
    insert_new(conn, configurators, [row], keys=("id",))
    query = select(configurators.c.version).where(configurators.c.id == template_id)
    return int(conn.execute(query.with_for_update()).scalar_one())


def add_version(
    conn: Connection, template_id: str, version: int, definition: JSONObject, *, now: datetime
) -> None:
    conn.execute(
        insert(configurator_versions).values(
            configurator_id=template_id, version=version, definition=definition, created_at=now
        )
    )
    conn.execute(
        update(configurators)
        .where(configurators.c.id == template_id)
        .values(version=version, updated_at=now)
    )


def current_version(conn: Connection, template_id: str) -> int | None:
    query = select(configurators.c.version).where(
        configurators.c.id == template_id, configurators.c.version > 0
    )
    found = conn.execute(query).scalar_one_or_none()
    return int(found) if found is not None else None


def current_stamp(conn: Connection, template_id: str) -> tuple[int, datetime] | None:
    """The current version of a template and when it was written (a cheap lookup)."""
    query = select(configurators.c.version, configurators.c.updated_at).where(
        configurators.c.id == template_id, configurators.c.version > 0
    )
    row = conn.execute(query).first()
    return (int(row[0]), row[1]) if row else None


def get_version(conn: Connection, template_id: str, version: int | None) -> StoredVersion | None:
    """A version of a template (None: the current one)."""
    query = _versions().where(configurators.c.id == template_id)
    if version is None:
        query = query.where(configurator_versions.c.version == configurators.c.version)
    else:
        query = query.where(configurator_versions.c.version == version)
    row = conn.execute(query).mappings().first()
    return _version(row) if row else None


def list_templates(conn: Connection) -> list[StoredVersion]:
    """The current version of every template, by id."""
    query = _versions().where(configurator_versions.c.version == configurators.c.version)
    return [_version(row) for row in conn.execute(query.order_by(configurators.c.id)).mappings()]


def _versions() -> Any:
    return select(
        configurators.c.id,
        configurators.c.created_at,
        configurator_versions.c.version,
        configurator_versions.c.definition,
        configurator_versions.c.created_at.label("version_created_at"),
    ).join(configurator_versions, configurator_versions.c.configurator_id == configurators.c.id)


def _version(row: RowMapping) -> StoredVersion:
    return StoredVersion(
        template_id=row["id"],
        version=int(row["version"]),
        definition=row["definition"],
        created_at=row["created_at"],
        updated_at=row["version_created_at"],
    )


def insert_design(
    conn: Connection,
    *,
    user_id: str,
    template_id: str,
    version: int,
    name: str,
    choices: JSONObject,
    picks: Mapping[str, tuple[str, ...]],
    price: Decimal,
    currency: str,
    now: datetime,
) -> int:
    result = conn.execute(
        insert(designs).values(
            user_id=user_id,
            configurator_id=template_id,
            template_version=version,
            name=name,
            choices=choices,
            price=str(price),
            currency=currency,
            created_at=now,
            updated_at=now,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    design_id = int(key[0])
    rows = [
        {"design_id": design_id, "group_id": g, "choice_id": c, "configurator_id": template_id}
        for g, ids in picks.items()
        for c in ids
    ]
    if rows:
        conn.execute(insert(design_picks), rows)
    return design_id


def get_design(conn: Connection, user_id: str, design_id: int) -> SavedDesign | None:
    query = select(designs).where(designs.c.id == design_id, designs.c.user_id == user_id)
    row = conn.execute(query).mappings().first()
    return _design(row) if row else None


def list_designs(
    conn: Connection,
    user_id: str,
    *,
    template_id: str | None,
    before: int | None,
    limit: int,
) -> list[SavedDesign]:
    """A user's designs, newest first."""
    query = select(designs).where(designs.c.user_id == user_id)
    if template_id is not None:
        query = query.where(designs.c.configurator_id == template_id)
    if before is not None:
        query = query.where(designs.c.id < before)
    query = query.order_by(designs.c.id.desc()).limit(limit)
    return [_design(row) for row in conn.execute(query).mappings()]


def design_names(conn: Connection, user_id: str, *, starting: str) -> set[str]:
    """The names of a user's designs that start with `starting` (to number a new one)."""
    escaped = starting.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = select(designs.c.name).where(
        designs.c.user_id == user_id, designs.c.name.like(escaped + "%", escape="\\")
    )
    return {str(name) for name in conn.execute(query).scalars()}


def delete_design(conn: Connection, user_id: str, design_id: int) -> bool:
    owned = select(designs.c.id).where(designs.c.id == design_id, designs.c.user_id == user_id)
    conn.execute(delete(design_picks).where(design_picks.c.design_id.in_(owned)))
    result = conn.execute(
        delete(designs).where(designs.c.id == design_id, designs.c.user_id == user_id)
    )
    return result.rowcount > 0


def _design(row: RowMapping) -> SavedDesign:
    return SavedDesign(
        id=int(row["id"]),
        user_id=row["user_id"],
        template_id=row["configurator_id"],
        name=row["name"],
        choices=row["choices"],
        price=Decimal(row["price"]),
        currency=row["currency"],
        template_version=int(row["template_version"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def count_designs(conn: Connection, template_id: str) -> int:
    query = select(func.count()).select_from(designs)
    query = query.where(designs.c.configurator_id == template_id)
    return int(conn.execute(query).scalar_one())


def pick_counts(conn: Connection, template_id: str) -> list[tuple[str, str, int]]:
    """(group, choice, designs that picked it) for every choice ever saved."""
    query = (
        select(design_picks.c.group_id, design_picks.c.choice_id, func.count())
        .where(design_picks.c.configurator_id == template_id)
        .group_by(design_picks.c.group_id, design_picks.c.choice_id)
    )
    return [(g, c, int(n)) for g, c, n in conn.execute(query)]


def group_counts(conn: Connection, template_id: str) -> dict[str, int]:
    """Designs that picked anything in each group."""
    query = (
        select(design_picks.c.group_id, func.count(func.distinct(design_picks.c.design_id)))
        .where(design_picks.c.configurator_id == template_id)
        .group_by(design_picks.c.group_id)
    )
    return {g: int(n) for g, n in conn.execute(query)}


def pair_counts(conn: Connection, template_id: str) -> list[tuple[str, str, str, str, int]]:
    """(group, choice, group, choice, designs with both) for every pair of picks saved
    together; each pair once, in the database's order of the two."""
    a, b = design_picks.alias("a"), design_picks.alias("b")
    first_before = or_(
        a.c.group_id < b.c.group_id,
        and_(a.c.group_id == b.c.group_id, a.c.choice_id < b.c.choice_id),
    )
    query = (
        select(a.c.group_id, a.c.choice_id, b.c.group_id, b.c.choice_id, func.count())
        .join(b, and_(b.c.design_id == a.c.design_id, first_before))
        .where(a.c.configurator_id == template_id)
        .group_by(a.c.group_id, a.c.choice_id, b.c.group_id, b.c.choice_id)
    )
    return [(g1, c1, g2, c2, int(n)) for g1, c1, g2, c2, n in conn.execute(query)]


__all__ = [
    "StoredVersion",
    "add_version",
    "count_designs",
    "current_stamp",
    "current_version",
    "delete_design",
    "design_names",
    "get_design",
    "get_version",
    "group_counts",
    "insert_design",
    "list_designs",
    "list_templates",
    "lock_template",
    "pair_counts",
    "pick_counts",
]
