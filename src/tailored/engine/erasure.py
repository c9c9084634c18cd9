"""Erasure (GDPR Art. 17): a person removed from every table that holds their data, in one
transaction, and kept from coming back by the suppression list.

What goes: every row the ownership registry (`storage/ownership.py`) gives the person,
and those of the anonymous ids merged into them (their events are the person's already;
the aliases go, so a late event under one of them is suppressed too, not attributed).
Erasing a merged-away anonymous id by itself is a `Conflict` naming the person it leads
to: its data is theirs, and erasing them erases it.

What learned from them: each active model version whose training window holds their
events is refit without them by a training job (`origin="erasure"`), queued in the same
transaction; until it is done, serving never reads their history (it is gone) and the
version answers everyone else as before. Answers cached in this process for them are
dropped (other processes' caches key answers by the history's fingerprint, which the
erasure changes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Connection

from tailored.domain.erasure import ErasureReport, ModelRefit
from tailored.domain.identifiers import check_identifier
from tailored.domain.models import ModelVersion
from tailored.engine.audit import Audit
from tailored.engine.jobs import Jobs
from tailored.engine.suppression import SuppressionList
from tailored.errors import Conflict, NotFound
from tailored.storage import erasure as store
from tailored.storage import models as model_store
from tailored.storage import users as user_store
from tailored.storage.database import Database, StaleRead


class Erasure:
    """`engine.erasure`: erase a person, or let an erased person come back.

    >>> import tempfile
    >>> from tailored import Engine, Settings
    >>> engine = Engine.open("sqlite://", settings=Settings(models_dir=tempfile.mkdtemp()))
    >>> _ = engine.events.record({"user_id": "u1", "type": "view", "item_id": "sku-1"})
    >>> report = engine.erasure.erase("u1")
    >>> dict(report.rows)
    {'events': 1, 'users': 1}
    >>> engine.erasure.erase("u1").already_erased
    True
    >>> engine.events.record_many([{"user_id": "u1", "type": "view", "item_id": "x"}]).accepted
    0
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        suppression: SuppressionList,
        jobs: Jobs,
        *,
        now: Callable[[], datetime],
        forget: Callable[[str], None] = lambda user_id: None,
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._audit = audit or Audit(db, now=now)
        self._suppression = suppression
        self._jobs = jobs
        self._now = now
        self._forget = forget  # drops answers cached for a user in this process

    def erase(self, user_id: str, *, allow_return: bool = False) -> ErasureReport:
        """Erase `user_id` and the ids merged into them; returns what went, per table and
        per model. Again on an erased id: nothing left (`already_erased`). `NotFound` for
        an id never stored nor erased.

        `allow_return`: the ids are not put on the suppression list (taken off it, for
        an id erased before), so the person may register again."""
        user_id = check_identifier("user_id", user_id)
        now = self._now()
        report = self._db.write_retrying(
            lambda conn: self._erase(conn, user_id, allow_return, now), what="erasure"
        )
        if report.models:
            self._jobs.submitted.set()
        for erased in (report.user_id, *report.merged_ids):
            self._forget(erased)
        return report

    def count(self) -> int:
        """How many ids are on the suppression list."""
        with self._db.reading() as conn:
            return store.count_suppressed(conn)

    def _erase(
        self, conn: Connection, user_id: str, allow_return: bool, now: datetime
    ) -> ErasureReport:
        merged = store.merged_into(conn, user_id)
        # Event batches and merges of these ids finish first, later ones wait (PostgreSQL;
        # SQLite runs one writer at a time): none is left half in, half out.
        # In stripe order, as ingestion takes them: two of them never wait on each other.
        for erased in sorted({user_id, *merged}, key=user_store.stripe_of):
            user_store.lock_against_ingestion(conn, erased)
        if store.merged_into(conn, user_id) != merged:
            raise StaleRead  # a merge into the person committed meanwhile: start over
        aliases = user_store.resolve_aliases(conn, [user_id])
        if user_id in aliases:
            raise Conflict(
                f"user_id: {user_id!r} was merged into {aliases[user_id]!r}; its data is "
                f"theirs now: erase {aliases[user_id]!r}, which erases {user_id!r} with it"
            )
        ids = [user_id, *merged]
        hashes = self._suppression.hashes(ids, create=not allow_return)
        stored = user_store.lock_users(conn, [user_id], deleting=[user_id])
        if not stored:
            return self._again(conn, user_id, hashes, allow_return)
        refits = self._refits(conn, ids, now)
        rows: dict[str, int] = {}
        for erased in reversed(ids):  # the person's own profile last
            for table, count in store.erase_rows(conn, erased).items():
                rows[table] = rows.get(table, 0) + count
        if allow_return:
            store.unsuppress(conn, list(hashes.values()))
        else:
            store.suppress(conn, list(hashes.values()), now=now)
        # The log keeps what was done, not who it was: the id only as its keyed hash.
        detail = {"rows": sum(rows.values()), "merged_ids": len(merged), "models": len(refits)}
        who = hashes.get(user_id)
        target = f"suppressed:{who}" if who else "an erased user (allowed to return)"
        self._audit.record("user.erase", target=target, detail=detail, conn=conn)
        return ErasureReport(
            user_id,
            rows=dict(sorted(rows.items())),
            merged_ids=tuple(merged),
            models=tuple(refits),
            suppressed=not allow_return,
        )

    @staticmethod
    def _again(
        conn: Connection, user_id: str, hashes: dict[str, str], allow_return: bool
    ) -> ErasureReport:
        """Nothing stored for `user_id`: an erased id reports nothing left (and, with
        `allow_return`, comes off the list); any other is not found."""
        own = hashes.get(user_id)
        if own is None or not store.suppressed(conn, [own]):
            raise NotFound("user", user_id)
        if allow_return:
            store.unsuppress(conn, [own])
        return ErasureReport(user_id, suppressed=not allow_return, already_erased=True)

    def _refits(self, conn: Connection, ids: Sequence[str], now: datetime) -> list[ModelRefit]:
        """A refit, queued in this transaction, of each active version that learned from
        these ids' events (one queued by an earlier erasure and not started yet serves:
        it reads the data as it is when it runs)."""
        refits = []
        for version in model_store.active_versions(conn):
            learned = store.events_learned(conn, ids, version)
            if not learned:
                continue
            model, params = _refit_of(version)
            job_id, status = self._jobs.queue_refit(conn, model, params, now=now)
            refits.append(ModelRefit(version.id, version.model, learned, job_id, status))
        return refits


def _refit_of(version: ModelVersion) -> tuple[str, dict[str, object]]:
    """What refits `version`: `auto` again if `auto` chose it (its choice may change
    without the person), else its model with the parameters it was trained with."""
    if version.selection is not None:
        return "auto", {}
    return version.model, dict(version.params)


__all__ = ["Erasure"]
