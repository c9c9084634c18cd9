"""User profiles, consents and identity merges."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from tailored.domain.erasure import SUPPRESSED_REASON, ErasureReport
from tailored.domain.identifiers import check_identifier
from tailored.domain.json_values import storable_text
from tailored.domain.profiles import Consent, MergeResult, UserProfile, merge_traits
from tailored.domain.results import BatchResult, Page, Rejection
from tailored.engine.audit import Audit
from tailored.engine.cursors import check_limit, decode_cursor, encode_cursor
from tailored.engine.erasure import Erasure
from tailored.engine.inputs import UserIn, rejection_from, validate_rows
from tailored.engine.suppression import SuppressionList
from tailored.errors import (
    ConfigurationError,
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
)
from tailored.storage import events as event_store
from tailored.storage import users as store
from tailored.storage.database import Database, StaleRead
from tailored.storage.merging import merge_rows
from tailored.types import JSONObject


class Users:
    """`engine.users`: profiles, and merging an anonymous visitor into a known user.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> engine.users.upsert("u1", {"name": "Ann", "city": "Oslo"}).traits["city"]
    'Oslo'
    >>> engine.users.upsert("u1", {"city": None}, merge=True).traits
    {'name': 'Ann'}
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        max_batch: int,
        suppression: SuppressionList | None = None,
        erasure: Erasure | None = None,
    ) -> None:
        self._db = db
        self._now = now
        self._max_batch = max_batch
        self._suppression = suppression  # erased ids: not created again
        self._erasure = erasure

    def upsert(
        self, user_id: str, traits: Mapping[str, Any], *, merge: bool = False
    ) -> UserProfile:
        """Set a user's traits: replace them all, or (`merge=True`) change only those given,
        a null value removing a trait."""
        try:
            row = UserIn.model_validate({"id": user_id, "traits": dict(traits)})
        except ValidationError as error:
            rejection = rejection_from(0, error)
            raise InvalidInput(rejection.field, rejection.reason) from None
        if self._write({row.id: row.traits}, merge=merge):
            raise InvalidInput("user_id", SUPPRESSED_REASON)
        return self.get(row.id, with_activity=False)

    def upsert_many(self, rows: Sequence[Mapping[str, Any] | UserIn]) -> BatchResult:
        """Replace the traits of many users (a later row for the same id wins)."""
        if len(rows) > self._max_batch:
            raise PayloadTooLarge(
                "users", f"{len(rows)} rows in one batch; send at most {self._max_batch}"
            )
        good, rejected = validate_rows(UserIn, rows)
        traits = {row.id: dict(row.traits) for _, row in good}
        erased = self._write(traits, merge=False) if traits else set()
        rejected += [Rejection(i, "id", SUPPRESSED_REASON) for i, row in good if row.id in erased]
        return BatchResult(
            accepted=sum(row.id not in erased for _, row in good),
            rejected=tuple(sorted(rejected, key=lambda r: r.index)),
        )

    def _write(self, traits_by_id: dict[str, JSONObject], *, merge: bool) -> set[str]:
        """Write the traits; returns the ids left out because they were erased."""
        with self._db.writing() as conn:
            erased = check_erased(conn, self._suppression, list(traits_by_id))
            traits_by_id = {uid: t for uid, t in traits_by_id.items() if uid not in erased}
            if not traits_by_id:
                return erased
            if merge:
                # Read under the row locks: a concurrent change is merged into, not over.
                current = store.lock_users(conn, list(traits_by_id), now=self._now())
                traits_by_id = {
                    uid: merge_traits(current[uid].traits, changes)
                    for uid, changes in traits_by_id.items()
                }
            else:  # replacing reads nothing: the upsert alone is atomic per row
                traits_by_id = {uid: merge_traits({}, t) for uid, t in traits_by_id.items()}
            store.upsert_users(conn, traits_by_id, now=self._now())
        return erased

    def get(self, user_id: str, *, with_activity: bool = True) -> UserProfile:
        """The profile with its consents and (by default) a summary of recent activity."""
        with self._db.reading() as conn:
            profile = store.get_users(conn, [user_id]).get(user_id)
            if profile is None:
                raise NotFound("user", user_id)
            consents = tuple(store.get_consents(conn, user_id))
            activity = event_store.activity_summary(conn, user_id) if with_activity else None
        return UserProfile(
            id=profile.id,
            traits=profile.traits,
            preferences=profile.preferences,
            created_at=profile.created_at,
            updated_at=profile.updated_at,
            consents=consents,
            activity=activity,
        )

    def list(self, *, cursor: str | None = None, limit: int = 50) -> Page[UserProfile]:
        check_limit(limit)
        with self._db.reading() as conn:
            found = store.list_users(conn, after=decode_cursor(cursor), limit=limit + 1)
        more = len(found) > limit
        found = found[:limit]
        return Page(tuple(found), encode_cursor(found[-1].id) if more else None)

    def count(self) -> int:
        with self._db.reading() as conn:
            return store.count_users(conn)

    def erase(self, user_id: str, *, allow_return: bool = False) -> ErasureReport:
        """Erase the person and the anonymous ids merged into them, everywhere, in one
        transaction (`engine.erasure.erase`: rows per table, models refit without them,
        the suppression list)."""
        if self._erasure is None:
            raise ConfigurationError("erasure needs the engine: use Engine.users")
        return self._erasure.erase(user_id, allow_return=allow_return)

    def merge(self, user_id: str, anonymous_id: str) -> MergeResult:
        """Fold an anonymous visitor into a known user: events, lists, saved orders, alerts,
        notifications, and the preferences and consents the known user has not set move
        over, the anonymous profile goes, and later events sent with the anonymous id are
        attributed to the known user.

        Merging again answers the first merge's result (unless the visitor id was used
        since, e.g. to save a list: that is folded in too, and counted). Merging into an
        id that was itself merged folds the visitor into the user that id became.
        `Conflict` if the visitor was merged into someone else, or the known user into
        the visitor (the opposite merge happened first)."""
        user_id = check_identifier("user_id", user_id)
        anonymous_id = check_identifier("anonymous_id", anonymous_id)
        if user_id == anonymous_id:
            raise InvalidInput("anonymous_id", "must differ from the user id it merges into")
        now = self._now()
        return self._db.write_retrying(
            lambda conn: self._merge(conn, user_id, anonymous_id, now=now), what="merge"
        )

    def _merge(
        self, conn: Connection, user_id: str, anonymous_id: str, *, now: datetime
    ) -> MergeResult:
        # First of all, so it never waits holding a row: event batches for the visitor
        # finish (their events are moved below), and later ones find the alias.
        store.lock_against_ingestion(conn, anonymous_id)
        aliases = store.resolve_aliases(conn, [user_id, anonymous_id])
        earlier = _earlier_merge(conn, user_id, anonymous_id, aliases)
        if earlier is not None and not store.existing_user_ids(conn, [anonymous_id]):
            return earlier  # a retry: the same answer as the first time
        # Not merged yet, or merged and used again since (a list saved under the id
        # makes it a user again): fold what it has now into the user.
        target = aliases.get(user_id, user_id)  # the user a merged id became
        if check_erased(conn, self._suppression, [target]):
            raise InvalidInput("user_id", SUPPRESSED_REASON)
        # Both rows, in id order (the visitor's FOR UPDATE: it is deleted below). A known
        # user not stored yet is created after (an insert first could wait for a writer
        # that waits for these locks).
        locked = store.lock_users(conn, [anonymous_id, target], deleting=[anonymous_id])
        if target not in locked:
            locked |= store.lock_users(conn, [target], now=now)
        if store.resolve_aliases(conn, [user_id, anonymous_id]) != aliases:
            raise StaleRead  # a merge of one of them committed meanwhile: decide again
        if anonymous_id not in locked:
            if earlier is not None:
                raise StaleRead  # folded again by a merge just committed: answer as it did
            raise NotFound("user", anonymous_id)
        # Every table that holds user data, as it declares (events, profile, consents,
        # lists, orders, alerts, designs...); the visitor's profile goes last.
        moved = merge_rows(conn, anonymous_id, target, now=now).events
        if earlier is not None:
            moved += earlier.events_moved
        store.record_merge(conn, anonymous_id, target, events_moved=moved, now=now)
        return MergeResult(anonymous_id, target, moved, now)


def check_erased(
    conn: Connection, suppression: SuppressionList | None, user_ids: Sequence[str]
) -> set[str]:
    """Those of `user_ids` erased and on the suppression list (none without a list)."""
    return suppression.among(conn, user_ids) if suppression is not None else set()


def _earlier_merge(
    conn: Connection, user_id: str, anonymous_id: str, aliases: Mapping[str, str]
) -> MergeResult | None:
    """The recorded merge when the visitor was merged into this user already (None: it
    was not); `Conflict` when it was merged into someone else, or the two ids were
    merged the other way.

    Decided on committed aliases without locks: an alias, once written, is never undone
    (a later merge of its user only points it further), so the decision stands."""
    target = aliases.get(user_id, user_id)
    if anonymous_id in aliases:
        if aliases[anonymous_id] != target:
            raise Conflict(
                f"anonymous_id: {anonymous_id!r} was merged into {aliases[anonymous_id]!r} "
                f"already; it cannot be merged into {user_id!r} too"
            )
        record = store.get_merge(conn, anonymous_id)
        assert record is not None  # aliases are never deleted
        return record
    if target == anonymous_id:
        raise Conflict(
            f"user {user_id!r} was merged into {anonymous_id!r} already (the opposite "
            f"merge); {anonymous_id!r} is the user both ids lead to now"
        )
    return None


class Consents:
    """`engine.consents`: a user's decision per purpose, with time, source and history.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> [c.purpose for c in engine.consents.set("u1", {"analytics": True}, source="banner")]
    ['analytics']
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        purposes: Sequence[str],
        suppression: SuppressionList | None = None,
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._now = now
        self._audit = audit or Audit(db, now=now)
        self.purposes = tuple(purposes)
        self._suppression = suppression

    def get(self, user_id: str) -> list[Consent]:
        with self._db.reading() as conn:
            if not store.get_users(conn, [user_id]):
                raise NotFound("user", user_id)
            return store.get_consents(conn, user_id)

    def set(
        self, user_id: str, decisions: Mapping[str, bool], *, source: str = "api"
    ) -> list[Consent]:
        """Grant (True) or withdraw (False) consent per purpose; returns all current ones."""
        user_id = check_identifier("user_id", user_id)
        if not decisions:
            raise InvalidInput("consents", "give at least one purpose, e.g. {'analytics': true}")
        for purpose, granted in decisions.items():
            if purpose not in self.purposes:
                raise InvalidInput(
                    f"consents.{purpose}",
                    f"unknown purpose; configured purposes are {', '.join(self.purposes)}",
                )
            if not isinstance(granted, bool):
                raise InvalidInput(f"consents.{purpose}", "must be true or false")
        if not isinstance(source, str) or len(source) > 256:
            raise InvalidInput("source", "must be a text of at most 256 characters")
        storable_text("source", source)
        now = self._now()
        with self._db.writing() as conn:
            if check_erased(conn, self._suppression, [user_id]):
                raise InvalidInput("user_id", SUPPRESSED_REASON)
            # Locked like every write of a user (a merge reads the consents to carry some).
            store.lock_users(conn, [user_id], now=now)
            store.set_consents(
                conn, user_id, [Consent(p, g, source, now) for p, g in decisions.items()]
            )
            detail = {"consents": dict(decisions), "source": source}
            self._audit.record("consent.set", target=user_id, detail=detail, conn=conn)
            return store.get_consents(conn, user_id)

    def history(self, user_id: str) -> list[Consent]:
        """Every decision the user made, oldest first (proof of consent)."""
        with self._db.reading() as conn:
            return store.consent_history(conn, user_id)


__all__ = ["Consents", "Users"]
