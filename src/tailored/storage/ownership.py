"""Who owns which row: every table that holds a user's data says so in its metadata.

A table declares, in its `info` (`user_data`, `not_user_data`), each column that holds a
user id (a `Role`: what a merge, an export and an erasure do to the rows it matches) and
each reference to a row that belongs to a user (`PartOf`: its rows go where that row
goes). `registry` derives from the metadata every way a row belongs to a user, in
dependency order; the identity merge walks it (`storage/merging.py`), and so can an
export (`select(entry.table).where(entry.rows_of(user_id))`) or an erasure.

A column holds a user id (`user_columns`) when it refers to `users.id` by foreign key,
when it is named `user_id`, `anonymous_id`, `owner` or `owner_id`, or ends in
`_user_id`, and when it is the primary key of `users` itself. A table holds user data
when it has such a column or refers by foreign key to a table that holds user data
(list entries hold a list owner's data). `problems` names every table of that kind whose
declaration is missing or does not cover those columns: a test runs it over the schema,
so a new table cannot be forgotten. Tables with nothing of the kind may declare
`not_user_data` to say it was thought about.

>>> from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table
>>> metadata = MetaData()
>>> carts = Table("carts", metadata, Column("id", Integer, primary_key=True),
...               Column("user_id", String(8)),
...               info=user_data(Role("user_id", merge=Merge.MOVE, export="carts")))
>>> lines = Table("cart_lines", metadata, Column("cart_id", ForeignKey("carts.id")),
...               Column("item_id", String(8)))
>>> problems(metadata)  # doctest: +NORMALIZE_WHITESPACE
["table 'cart_lines' refers to user data in 'carts' (column 'cart_id') but does not
  say so: declare info=user_data(PartOf('cart_id', export=...)) (see tailored.storage.ownership)"]
>>> lines.info.update(user_data(PartOf("cart_id", export="cart_lines")))
>>> [(entry.table.name, entry.export) for entry in registry(metadata)]
[('carts', 'carts'), ('cart_lines', 'cart_lines')]
>>> print(registry(metadata)[1].rows_of("ann"))  # doctest: +NORMALIZE_WHITESPACE
cart_lines.cart_id IN (SELECT carts.id FROM carts WHERE carts.user_id = :user_id_1)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, MetaData, Table, delete, select

USERS = "users"  # the table of users; its primary key is the user id
_USER_ID_NAMES = frozenset({"user_id", "anonymous_id", "owner", "owner_id"})
_KEY = "tailored.ownership"  # where a declaration lives in `Table.info`


class Merge(Enum):
    """What merging a visitor into a known user does to the visitor's rows.

    >>> Merge.MOVE.value
    'move'
    """

    MOVE = "move"  # they become the known user's rows
    KEEP = "keep"  # left as they are: the column names the visitor in a lasting role
    DELETE = "delete"  # they go with the visitor


class Fold(Enum):
    """Rows that move to the known user, except where the known user has one like it:
    then a rule decides. Each rule is written for one table, the one its text names first
    (`storage/merging.py` runs it there and refuses it elsewhere); what the visitor
    still has after it goes with the visitor.

    >>> Fold.RENAME_CLASHES.value
    'saved_orders: a name the known user has already becomes "name (2)"'
    """

    FILL_GAPS = "users: the known user's traits and preferences win, the visitor's fill gaps"
    CARRY_UNDECIDED = "consents: decisions on purposes the known user has not decided move"
    JOIN_SAME_NAME = "lists: a list of the same kind and name is joined, new items last"
    RENAME_CLASHES = 'saved_orders: a name the known user has already becomes "name (2)"'
    KEEP_THEIRS = "subscriptions: the known user's alert on the same item and kind stays"


class Erase(Enum):
    """What erasing a user does to their rows.

    >>> Erase.ANONYMIZE.value
    'anonymize'
    """

    DELETE = "delete"
    ANONYMIZE = "anonymize"  # the column is set to NULL, the rest of the row kept
    KEEP = "keep"  # kept as is: the rows must outlive the person (say why where declared)


@dataclass(frozen=True, slots=True)
class Role:
    """A column that holds a user id, and what a merge, an export and an erasure do to the
    rows where it holds theirs. `export` names the rows in a user's export.

    >>> Role("user_id", merge=Merge.MOVE, export="events").erase
    <Erase.DELETE: 'delete'>
    """

    column: str
    merge: Merge | Fold
    export: str
    erase: Erase = Erase.DELETE


@dataclass(frozen=True, slots=True)
class PartOf:
    """A column that refers (by foreign key) to a row that belongs to a user: the rows
    follow that row, moved or erased with it, and are exported as `export`.

    >>> PartOf("list_id", export="list_items").column
    'list_id'
    """

    column: str
    export: str


@dataclass(frozen=True, slots=True)
class UserData:
    """A table's declaration that it holds user data: the roles of its user-id columns,
    and the references that make its rows part of another user-owned row.

    >>> UserData((Role("user_id", merge=Merge.MOVE, export="events"),)).parts
    ()
    """

    roles: tuple[Role, ...] = ()
    parts: tuple[PartOf, ...] = ()


@dataclass(frozen=True, slots=True)
class NotUserData:
    """A table's declaration that its rows are nobody's personal data, and why.

    >>> NotUserData("the catalog").reason
    'the catalog'
    """

    reason: str


Declaration = UserData | NotUserData


def user_data(*ways: Role | PartOf) -> dict[str, Any]:
    """`Table(..., info=user_data(...))`: the table holds user data, in these ways.

    >>> user_data(Role("user_id", merge=Merge.DELETE, export="history"))[_KEY].roles[0].merge
    <Merge.DELETE: 'delete'>
    """
    if not ways:
        raise ValueError("user_data needs at least one Role or PartOf")
    roles = tuple(way for way in ways if isinstance(way, Role))
    parts = tuple(way for way in ways if isinstance(way, PartOf))
    return {_KEY: UserData(roles, parts)}


def not_user_data(reason: str) -> dict[str, Any]:
    """`Table(..., info=not_user_data("why"))`: the table holds nobody's personal data.

    >>> not_user_data("the catalog")[_KEY].reason
    'the catalog'
    """
    if not reason.strip():
        raise ValueError("not_user_data needs a reason")
    return {_KEY: NotUserData(reason)}


def declaration(table: Table) -> Declaration | None:
    """What `table` declares about user data (None: nothing)."""
    found = table.info.get(_KEY)
    return found if isinstance(found, UserData | NotUserData) else None


def user_columns(table: Table) -> list[Column[Any]]:
    """The columns of `table` that hold a user id (see the module docstring).

    >>> from sqlalchemy import Column, MetaData, String, Table
    >>> t = Table("t", MetaData(), Column("buyer_user_id", String), Column("name", String))
    >>> [c.name for c in user_columns(t)]
    ['buyer_user_id']
    """
    return [
        column
        for column in table.columns
        if column.name in _USER_ID_NAMES
        or column.name.endswith("_user_id")
        or any(fk.target_fullname == f"{USERS}.id" for fk in column.foreign_keys)
        or (table.name == USERS and column.primary_key)
    ]


@dataclass(frozen=True, slots=True)
class Owned:
    """One way rows of `table` belong to a user: `column` holds their id (`parent` is
    None), or refers to a row of `parent.table` that belongs to them; then `merge` and
    `erase` are the parent's (the rows follow it).

    >>> from sqlalchemy import Column, MetaData, String, Table
    >>> t = Table("t", MetaData(), Column("user_id", String))
    >>> print(Owned(t, t.c.user_id, Merge.MOVE, Erase.DELETE, "ts").rows_of("ann"))
    t.user_id = :user_id_1
    """

    table: Table
    column: Column[Any]
    merge: Merge | Fold
    erase: Erase
    export: str
    parent: Owned | None = None

    def rows_of(self, user_id: str) -> ColumnElement[bool]:
        """The condition that selects this user's rows in this way."""
        if self.parent is None:
            return self.column == user_id
        [reference] = self.column.foreign_keys
        owned = select(reference.column).where(self.parent.rows_of(user_id))
        return self.column.in_(owned)


def problems(metadata: MetaData) -> list[str]:
    """What is missing or wrong in the declarations of `metadata`'s tables; empty when
    every table that holds user data says how, in terms its columns bear out."""
    found: list[str] = []
    holds_user_data: set[str] = set()
    for table in metadata.sorted_tables:  # parents first: a reference sees its parent
        declared = declaration(table)
        users = [column.name for column in user_columns(table)]
        references = [
            (column.name, fk.column.table.name)
            for column in table.columns
            for fk in column.foreign_keys
            if fk.column.table.name in holds_user_data and fk.column.table.name != USERS
        ]
        if users or references or isinstance(declared, UserData):
            holds_user_data.add(table.name)
        found.extend(_check(table, declared, users, references))
    return found


def _check(
    table: Table,
    declared: Declaration | None,
    users: Sequence[str],
    references: Sequence[tuple[str, str]],
) -> list[str]:
    name = table.name
    see = "(see tailored.storage.ownership)"
    if declared is None or isinstance(declared, NotUserData):
        said = "but does not say so" if declared is None else "but is declared not user data"
        found = [
            f"table {name!r} holds user ids in {column!r} {said}: declare "
            f"info=user_data(Role({column!r}, merge=..., export=...)) {see}"
            for column in users
        ]
        found += [
            f"table {name!r} refers to user data in {parent!r} (column {column!r}) {said}: "
            f"declare info=user_data(PartOf({column!r}, export=...)) {see}"
            for column, parent in references
        ]
        return found
    found = []
    declared_columns = [role.column for role in declared.roles] + [
        part.column for part in declared.parts
    ]
    for column in sorted({c for c in declared_columns if declared_columns.count(c) > 1}):
        found.append(f"table {name!r} declares column {column!r} more than once")
    for column in declared_columns:
        if column not in table.c:
            found.append(f"table {name!r} declares column {column!r}, which it does not have")
    for column in users:
        if column not in declared_columns:
            found.append(
                f"table {name!r} holds user ids in {column!r}, which its declaration does "
                f"not name: add Role({column!r}, merge=..., export=...) {see}"
            )
    for column, parent in references:
        if column not in declared_columns:
            found.append(
                f"table {name!r} refers to user data in {parent!r} (column {column!r}), "
                f"which its declaration does not name: add PartOf({column!r}, export=...)"
            )
    for role in declared.roles:
        stored = table.c.get(role.column)
        if role.erase is Erase.ANONYMIZE and stored is not None and not stored.nullable:
            found.append(
                f"table {name!r} anonymizes {role.column!r} on erasure, which cannot be "
                "NULL: make it nullable or choose Erase.DELETE"
            )
    for part in declared.parts:
        if part.column in table.c and part.column not in dict(references):
            found.append(
                f"table {name!r} declares PartOf({part.column!r}), which does not refer by "
                "foreign key to a table that holds user data"
            )
    return found


def registry(metadata: MetaData) -> tuple[Owned, ...]:
    """Every way a row of `metadata`'s tables belongs to a user, in dependency order (a
    row that others refer to comes before them: the order to move rows in; reversed,
    the order to delete them). `ValueError` listing the `problems` if there are any: a
    merge or an erasure must not leave rows behind."""
    wrong = problems(metadata)
    if wrong:
        raise ValueError("user data declarations: " + "; ".join(wrong))
    entries: list[Owned] = []
    for table in metadata.sorted_tables:
        declared = declaration(table)
        if not isinstance(declared, UserData):
            continue
        for role in declared.roles:
            column = table.c[role.column]
            entries.append(Owned(table, column, role.merge, role.erase, role.export))
        for part in declared.parts:
            column = table.c[part.column]
            [reference] = column.foreign_keys
            parents = [e for e in entries if e.table is reference.column.table]
            entries += [
                Owned(table, column, parent.merge, parent.erase, part.export, parent)
                for parent in parents
            ]
    return tuple(entries)


def delete_rows(conn: Connection, user_id: str, entries: Iterable[Owned]) -> None:
    """Delete the rows these entries give `user_id`, the referring ones first (children
    before their parents: no foreign key is left dangling, on SQLite either)."""
    for entry in reversed(list(entries)):
        conn.execute(delete(entry.table).where(entry.rows_of(user_id)))


__all__ = [
    "USERS",
    "Declaration",
    "Erase",
    "Fold",
    "Merge",
    "NotUserData",
    "Owned",
    "PartOf",
    "Role",
    "UserData",
    "declaration",
    "delete_rows",
    "not_user_data",
    "problems",
    "registry",
    "user_columns",
    "user_data",
]
