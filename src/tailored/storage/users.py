"""Profile, consent and identity-merge queries, and the user-row locks that keep
concurrent writers of one user from losing each other's changes.

Locking rule (PostgreSQL; SQLite runs one writer at a time and ignores these locks):
every transaction that reads a user's data to change it (traits, preferences, consents,
lists, saved orders, alerts, designs) first locks the user's row with `lock_users`, then
reads. Two such writers of one user take turns; the second reads what the first wrote.
Several users are locked in id order, so two writers cannot deadlock.

Event ingestion changes nothing it reads, but a merge, the one writer that deletes a
user, must find every event of its visitor to move it. They meet on advisory locks, one
per stripe of user ids (`MERGE_STRIPES`): a batch holds its users' stripes shared
(`hold_against_merges`), before it reads the aliases; a merge holds its visitor's stripe
exclusively (`lock_against_ingestion`), before anything else. So a merge waits for the
batches in flight on that stripe and moves their events, and a batch that comes after
reads the new alias. Shared holds never wait for each other and write nothing: a row
lock (FOR KEY SHARE) on every user of a batch cost 40 % of PostgreSQL's ingest
throughput (21,700 against 35,800 events/s in benchmarks/ingest.py); these cost none
measurable. Alert deliveries, rarer, hold their owners' rows (`hold_users`).

=========================  ===========================  =============================
lock                       taken by                     waits for
=========================  ===========================  =============================
FOR NO KEY UPDATE          `lock_users`                 other `lock_users`, merges
FOR UPDATE                 merge (visitor's row)        every row lock of the visitor
FOR KEY SHARE              `hold_users` (alerts)        merges only
advisory, exclusive        merge (visitor's stripe)     batches on that stripe
advisory, shared           ingestion (its stripes)      merges on those stripes
=========================  ===========================  =============================
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Container, Mapping, Sequence
from datetime import datetime
from itertools import groupby

from sqlalchemy import Connection, RowMapping, func, insert, select, text, update

from tailored.domain.profiles import Consent, MergeResult, UserProfile, fill_missing
from tailored.errors import Unavailable
from tailored.storage.ownership import Erase, delete_rows, registry
from tailored.storage.tables import consent_log, consents, metadata, user_merges, users
from tailored.storage.upsert import chunks, insert_new, member_of, upsert
from tailored.types import JSONObject


def ensure_users(
    conn: Connection,
    user_ids: Sequence[str],
    *,
    now: datetime,
    known: Container[str] = frozenset(),
) -> None:
    """Create empty profiles for ids not seen before (events may arrive first).

    `known` holds ids the caller already found (`existing_user_ids`, read outside the
    write transaction to keep it short); the rest are looked up here.
    """
    wanted = sorted({uid for uid in user_ids if uid not in known})  # see _in_key_order
    existing = existing_user_ids(conn, wanted)
    rows = [_empty(uid, now) for uid in wanted if uid not in existing]
    for part in chunks(rows, 1000):
        insert_new(conn, users, part, keys=("id",))


def lock_users(
    conn: Connection,
    user_ids: Sequence[str],
    *,
    now: datetime | None = None,
    deleting: Collection[str] = (),
) -> dict[str, UserProfile]:
    """Lock these users' rows until the transaction ends and return their profiles, as
    they are once locked (see the module docstring). With `now`, users not stored yet
    are created first; without, they are left out of the answer.

    `deleting`: ids whose rows this transaction deletes (a merge's visitor). They are
    locked FOR UPDATE, which also waits for alert deliveries that hold them, the others
    FOR NO KEY UPDATE, which lets rows that refer to the user be inserted meanwhile (the
    foreign-key check takes only KEY SHARE)."""
    wanted = sorted(set(user_ids))
    found = _lock(conn, wanted, deleting)
    for _ in range(3):
        missing = [uid for uid in wanted if uid not in found]
        if not missing or now is None:
            return found
        ensure_users(conn, missing, now=now)
        # Created now, or by a writer that got there first: lock it all the same. A row
        # a merge deleted in between is created again on the next turn.
        found.update(_lock(conn, missing, deleting))
    raise Unavailable(f"user {missing[0]!r} is being merged into another user; retry")


def _lock(
    conn: Connection, user_ids: Sequence[str], deleting: Collection[str]
) -> dict[str, UserProfile]:
    found: dict[str, UserProfile] = {}
    # One statement per run of ids of the same strength, in id order.
    for strong, run in groupby(user_ids, key=lambda uid: uid in deleting):
        for among in member_of(conn, users.c.id, list(run)):
            query = select(users).where(among).order_by(users.c.id)
            for row in conn.execute(query.with_for_update(key_share=not strong)).mappings():
                found[row["id"]] = _profile(row)
    return found


def hold_users(conn: Connection, user_ids: Sequence[str]) -> set[str]:
    """Keep the stored users among `user_ids` from being merged away (deleted) until the
    transaction ends; returns the ids held. FOR KEY SHARE: it waits for a merge that
    holds one of them (and, if that merge deletes it, leaves the id out), and it waits
    for nothing else, so concurrent writers of events and profiles never wait for it."""
    held: set[str] = set()
    # In no particular order: KEY SHARE locks never wait for each other, and a merge
    # holds one conflicting lock at most (its visitor's), so no cycle can form.
    for among in member_of(conn, users.c.id, list(dict.fromkeys(user_ids))):
        query = select(users.c.id).where(among).with_for_update(read=True, key_share=True)
        held.update(conn.execute(query).scalars())
    return held


MERGE_STRIPES = 64  # at most this many advisory locks per batch: the lock table is finite
_STRIPE_LOCKS = 0x7461696C  # the first key of tailored's two-key advisory locks ("tail")
_HOLD_STRIPES = text(
    "SELECT pg_advisory_xact_lock_shared(:space, s) FROM unnest(CAST(:stripes AS integer[])) s"
)


def stripe_of(user_id: str) -> int:
    """Which of the `MERGE_STRIPES` advisory locks guards this user id (stable).

    >>> stripe_of("u1") == stripe_of("u1") and 0 <= stripe_of("u1") < MERGE_STRIPES
    True
    """
    return zlib.crc32(user_id.encode()) % MERGE_STRIPES


def hold_against_merges(conn: Connection, user_ids: Sequence[str]) -> None:
    """Keep merges of these users from starting until the transaction ends, and wait for
    those already started (PostgreSQL; SQLite runs one writer at a time)."""
    if conn.dialect.name != "postgresql":
        return
    stripes = sorted({stripe_of(uid) for uid in user_ids})
    conn.execute(_HOLD_STRIPES, {"space": _STRIPE_LOCKS, "stripes": stripes})


def lock_against_ingestion(conn: Connection, visitor_id: str) -> None:
    """Wait for event batches writing for `visitor_id`'s stripe, and keep new ones out,
    until the transaction ends: a merge then moves every event the visitor has."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(select(func.pg_advisory_xact_lock(_STRIPE_LOCKS, stripe_of(visitor_id))))


def _empty(user_id: str, now: datetime) -> dict[str, object]:
    return {"id": user_id, "traits": {}, "preferences": {}, "created_at": now, "updated_at": now}


def existing_user_ids(conn: Connection, user_ids: Sequence[str]) -> set[str]:
    # Reading first is far cheaper than inserting every id with ON CONFLICT: most events
    # come from users the store already knows.
    existing: set[str] = set()
    for among in member_of(conn, users.c.id, list(dict.fromkeys(user_ids))):
        existing.update(conn.execute(select(users.c.id).where(among)).scalars())
    return existing


def upsert_users(
    conn: Connection, traits_by_id: Mapping[str, JSONObject], *, now: datetime
) -> None:
    """Set traits (already merged by the caller) for each id, creating profiles as needed."""
    rows = [
        {"id": uid, "traits": traits, "preferences": {}, "created_at": now, "updated_at": now}
        for uid, traits in traits_by_id.items()
    ]
    upsert(conn, users, rows, keys=("id",), update=("traits", "updated_at"))


def set_preferences(
    conn: Connection, user_id: str, preferences: JSONObject, *, now: datetime
) -> None:
    conn.execute(
        update(users).where(users.c.id == user_id).values(preferences=preferences, updated_at=now)
    )


def get_users(conn: Connection, user_ids: Sequence[str]) -> dict[str, UserProfile]:
    found: dict[str, UserProfile] = {}
    for part in chunks(list(user_ids), 500):
        for row in conn.execute(select(users).where(users.c.id.in_(part))).mappings():
            found[row["id"]] = _profile(row)
    return found


def count_users(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def list_users(conn: Connection, *, after: str | None, limit: int) -> list[UserProfile]:
    query = select(users).order_by(users.c.id).limit(limit)
    if after is not None:
        query = query.where(users.c.id > after)
    return [_profile(row) for row in conn.execute(query).mappings()]


def delete_user(conn: Connection, user_id: str) -> None:
    """Delete the user and every row the tables declare goes with them on erasure
    (`Erase.DELETE`; rows to anonymize or keep are the caller's to handle)."""
    gone = [entry for entry in registry(metadata) if entry.erase is Erase.DELETE]
    delete_rows(conn, user_id, gone)


def fill_profile_gaps(conn: Connection, from_user: str, to_user: str, *, now: datetime) -> None:
    """`Fold.FILL_GAPS`: the traits and preferences of `from_user` that `to_user` has not
    set become theirs (the rest goes with `from_user`)."""
    found = get_users(conn, [from_user, to_user])
    visitor, known = found.get(from_user), found[to_user]
    if visitor is None:
        return
    upsert_users(conn, {to_user: fill_missing(known.traits, visitor.traits)}, now=now)
    set_preferences(conn, to_user, fill_missing(known.preferences, visitor.preferences), now=now)


def carry_consents(conn: Connection, from_user: str, to_user: str, *, now: datetime) -> None:
    """`Fold.CARRY_UNDECIDED`: `from_user`'s decisions on purposes `to_user` has not
    decided become theirs, logged again for them (the rest goes with `from_user`)."""
    decided = {c.purpose for c in get_consents(conn, to_user)}
    carried = [c for c in get_consents(conn, from_user) if c.purpose not in decided]
    if carried:
        set_consents(conn, to_user, carried)


def get_consents(conn: Connection, user_id: str) -> list[Consent]:
    query = select(consents).where(consents.c.user_id == user_id).order_by(consents.c.purpose)
    return [
        Consent(row["purpose"], row["granted"], row["source"], row["updated_at"])
        for row in conn.execute(query).mappings()
    ]


def set_consents(conn: Connection, user_id: str, decisions: Sequence[Consent]) -> None:
    """Store the current decision per purpose and append each to the consent log."""
    rows = [
        {
            "user_id": user_id,
            "purpose": c.purpose,
            "granted": c.granted,
            "source": c.source,
            "updated_at": c.updated_at,
        }
        for c in decisions
    ]
    upsert(
        conn,
        consents,
        rows,
        keys=("user_id", "purpose"),
        update=("granted", "source", "updated_at"),
    )
    conn.execute(
        insert(consent_log),
        [
            {
                "user_id": user_id,
                "purpose": c.purpose,
                "granted": c.granted,
                "source": c.source,
                "recorded_at": c.updated_at,
            }
            for c in decisions
        ],
    )


def consent_history(conn: Connection, user_id: str) -> list[Consent]:
    query = select(consent_log).where(consent_log.c.user_id == user_id).order_by(consent_log.c.seq)
    return [
        Consent(row["purpose"], row["granted"], row["source"], row["recorded_at"])
        for row in conn.execute(query).mappings()
    ]


def resolve_aliases(conn: Connection, user_ids: Sequence[str]) -> dict[str, str]:
    """Map anonymous ids that were merged to the user they now belong to."""
    found: dict[str, str] = {}
    columns = (user_merges.c.anonymous_id, user_merges.c.user_id)
    for among in member_of(conn, user_merges.c.anonymous_id, list(dict.fromkeys(user_ids))):
        found.update({anon: known for anon, known in conn.execute(select(*columns).where(among))})
    return found


def get_merge(conn: Connection, anonymous_id: str) -> MergeResult | None:
    """The record of the merge that folded `anonymous_id` away (None: it never was); its
    user is where the id leads now, after any later merge of that user."""
    m = user_merges.c
    query = select(m.user_id, m.events_moved, m.merged_at).where(m.anonymous_id == anonymous_id)
    row = conn.execute(query).first()
    return MergeResult(anonymous_id, row[0], int(row[1]), row[2]) if row else None


def record_merge(
    conn: Connection, anonymous_id: str, user_id: str, *, events_moved: int, now: datetime
) -> None:
    """Record that `anonymous_id` now leads to `user_id` (a user that is no alias)."""
    if anonymous_id == user_id:  # would send the id's events nowhere
        raise ValueError(f"a user cannot be an alias of itself: {user_id!r}")
    # Earlier merges into the anonymous id now point at the known user (no alias chains).
    conn.execute(
        update(user_merges).where(user_merges.c.user_id == anonymous_id).values(user_id=user_id)
    )
    upsert(
        conn,
        user_merges,
        [
            {
                "anonymous_id": anonymous_id,
                "user_id": user_id,
                "events_moved": events_moved,
                "merged_at": now,
            }
        ],
        keys=("anonymous_id",),
        update=("user_id", "events_moved", "merged_at"),
    )


def _profile(row: RowMapping) -> UserProfile:
    return UserProfile(
        id=row["id"],
        traits=row["traits"],
        preferences=row["preferences"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
