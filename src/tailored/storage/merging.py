"""The rows of an identity merge: every table that holds user data, walked as it declares
(`storage/ownership.py`), so a table added later is merged without a change here.

The caller holds the locks (`users.lock_against_ingestion`, `users.lock_users`) and
records the alias (`users.record_merge`): this module only moves and deletes rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Protocol, assert_never

from sqlalchemy import Connection, Table, update

from tailored.storage import customizations, users
from tailored.storage.ownership import Fold, Merge, Owned, delete_rows, registry
from tailored.storage.tables import consents as consents_table
from tailored.storage.tables import events, lists, metadata, saved_orders, subscriptions
from tailored.storage.tables import users as users_table


class FoldRule(Protocol):
    """A `Fold` rule: gives `from_user`'s rows of its table to `to_user`, as it decides.

    >>> table, rule = fold_rule(Fold.KEEP_THEIRS)
    >>> table.name, rule.__name__
    ('subscriptions', 'keep_their_alerts')
    """

    def __call__(self, conn: Connection, from_user: str, to_user: str, *, now: datetime) -> None:
        """Run the rule in the merge's transaction."""


@dataclass(frozen=True, slots=True)
class MergedRows:
    """How many rows a merge gave the known user, per table of `Merge.MOVE`.

    >>> MergedRows({"events": 3}).events
    3
    """

    moved: dict[str, int] = field(default_factory=dict)

    @property
    def events(self) -> int:
        """Events moved: what a merge reports (`MergeResult.events_moved`)."""
        return self.moved.get(events.name, 0)


def merge_rows(conn: Connection, from_user: str, to_user: str, *, now: datetime) -> MergedRows:
    """Give `from_user`'s rows to `to_user` (who must be stored), table by table in
    dependency order, as each declares: `Merge.MOVE` rows become theirs, a `Fold` rule
    moves what it keeps, then everything `from_user` still has in tables of `Merge.DELETE`
    or a `Fold` is deleted, profile included; `Merge.KEEP` rows stay as they are. Rows
    that are part of another (list entries) follow it."""
    owned = _registry()
    moved: dict[str, int] = {}
    for entry in owned:
        if entry.parent is not None:
            continue  # moved with the row it is part of, or by that row's fold rule
        if entry.merge is Merge.MOVE:
            statement = update(entry.table).where(entry.rows_of(from_user))
            count = conn.execute(statement.values({entry.column.name: to_user})).rowcount
            moved[entry.table.name] = moved.get(entry.table.name, 0) + int(count)
        elif isinstance(entry.merge, Fold):
            _fold_rule(entry)(conn, from_user, to_user, now=now)
    left = [e for e in owned if e.merge is Merge.DELETE or isinstance(e.merge, Fold)]
    delete_rows(conn, from_user, left)
    return MergedRows(moved)


@cache
def _registry() -> tuple[Owned, ...]:
    return registry(metadata)  # the schema is fixed once imported: derived once


def _fold_rule(entry: Owned) -> FoldRule:
    assert isinstance(entry.merge, Fold)
    table, rule = fold_rule(entry.merge)
    if table is not entry.table:  # a rule reads and writes its own table's columns
        raise ValueError(
            f"table {entry.table.name!r} declares {entry.merge}, the merge rule of "
            f"{table.name!r}: declare Merge.MOVE, Merge.DELETE or a rule of its own"
        )
    return rule


def fold_rule(fold: Fold) -> tuple[Table, FoldRule]:
    """The table a fold rule is written for, and the rule."""
    match fold:
        case Fold.FILL_GAPS:
            return users_table, users.fill_profile_gaps
        case Fold.CARRY_UNDECIDED:
            return consents_table, users.carry_consents
        case Fold.JOIN_SAME_NAME:
            return lists, customizations.join_lists
        case Fold.RENAME_CLASHES:
            return saved_orders, customizations.rename_orders
        case Fold.KEEP_THEIRS:
            return subscriptions, customizations.keep_their_alerts
        case _:
            assert_never(fold)


__all__ = ["MergedRows", "fold_rule", "merge_rows"]
