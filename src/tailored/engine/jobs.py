"""Training as a job: queue a request, run it later (a server's background thread, or
`run_pending`), poll what became of it.

Jobs live in the database, so any process can answer a poll and a restart shows what
happened. One job runs at a time across all processes; the others wait in the queue in
the order they came. A running job's worker writes a heartbeat; a job whose worker died
(no heartbeat for `stale_seconds`, or its process is gone from this host) is marked
failed with a message saying so.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from tailored.domain.jobs import JobOrigin, JobStatus, TrainingJob
from tailored.domain.models import ModelVersion
from tailored.engine.audit import Audit
from tailored.engine.model_params import AUTO, checked_params
from tailored.engine.training import DEFAULT_MODEL, Training
from tailored.engine.workers import busy, process_gone, worker_name
from tailored.errors import InvalidInput, NotFound, TailoredError, Unavailable
from tailored.storage import jobs as store
from tailored.storage.database import Database

HEARTBEAT_SECONDS = 10.0
STALE_SECONDS = 60.0
MAX_LIST = 1000
FINISH_ATTEMPTS = 5
log = logging.getLogger("tailored.jobs")

JobList = list[TrainingJob]  # `list` in the class below is the method
Names = list[str]


class Jobs:
    """`engine.jobs`: training requests queued, run and polled.

    >>> import tempfile
    >>> from tailored import Engine, Settings
    >>> folder = tempfile.mkdtemp()
    >>> engine = Engine.open("sqlite://", settings=Settings(models_dir=folder))
    >>> _ = engine.events.record_many([
    ...     {"user_id": u, "type": "view", "item_id": i}
    ...     for u, i in [("a", "x"), ("a", "y"), ("b", "x"), ("c", "x")]
    ... ])
    >>> engine.jobs.submit("popular", tune=False).status
    'queued'
    >>> [(job.status, job.version.model) for job in engine.jobs.run_pending()]
    [('succeeded', 'popular')]
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        training: Training,
        *,
        now: Callable[[], datetime],
        worker: str | None = None,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        stale_seconds: float = STALE_SECONDS,
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._training = training
        self._now = now
        self._audit = audit or Audit(db, now=now)
        self.worker = worker or worker_name()
        self._heartbeat = heartbeat_seconds
        self._stale = timedelta(seconds=stale_seconds)
        self.submitted = threading.Event()
        """Set whenever this process queues a job (wakes its background runner)."""
        self.current: int | None = None
        """The job this process is running, if any."""

    # --- requests and polls -------------------------------------------------------------

    def submit(
        self,
        model: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        tune: bool = True,
        activate: bool = True,
    ) -> TrainingJob:
        """Queue a training of `model` (default: `auto`, which chooses the model on
        validation). `params` given are used as they are (the job says `tune=False`);
        they are checked now, not when the job runs."""
        chosen = model if model is not None else DEFAULT_MODEL
        checked = checked_params(chosen, params or {})
        row = self._row(chosen, checked, tune and not checked, activate, "api")
        with self._db.writing() as conn:
            job_id = store.insert_job(conn, row)
            detail = {"model": chosen, "params": checked, "tune": row["tune"], "activate": activate}
            self._audit.record("training.submit", target=str(job_id), detail=detail, conn=conn)
        self.submitted.set()
        return TrainingJob(id=job_id, **row)  # as queued, even if a worker took it since

    def queue_refit(
        self, conn: Connection, model: str, params: Mapping[str, Any], *, now: datetime
    ) -> tuple[int, JobStatus]:
        """Queue, in the caller's transaction, a training of `model` with `params` that
        activates what it trains (`origin="erasure"`): the data changed under the active
        version. A refit like it still queued serves instead. Returns the job's id and
        status; set `submitted` after the commit to wake the runner."""
        row = self._row(model, checked_params(model, params), False, True, "erasure")
        row["created_at"] = now
        found = store.queued_like(conn, row)
        if found is not None:
            return found, "queued"
        return store.insert_job(conn, row), "queued"

    def get(self, job_id: int) -> TrainingJob:
        with self._db.reading() as conn:
            job = store.get_job(conn, job_id)
        if job is None:
            raise NotFound("training job", str(job_id))
        return self._with_version(job, None)

    def list(self, *, limit: int = 50) -> JobList:
        """The newest jobs first."""
        if not 1 <= limit <= MAX_LIST:
            raise InvalidInput("limit", f"must be between 1 and {MAX_LIST}, not {limit}")
        with self._db.reading() as conn:
            jobs = store.list_jobs(conn, limit=limit)
        versions = {v.id: v for v in self._training.versions()} if jobs else {}
        return [self._with_version(job, versions) for job in jobs]

    # --- running ------------------------------------------------------------------------

    def run_pending(self) -> JobList:
        """Run queued jobs in this thread, oldest first, until none is left (or another
        process is running one); returns the jobs run, finished."""
        done = []
        while (job := self.run_next()) is not None:
            done.append(job)
        return done

    def run_next(self) -> TrainingJob | None:
        """Claim the oldest queued job and run it here; None if there is nothing to run."""
        self.recover()
        with busy(self.worker):
            with self._db.writing() as conn:
                store.lock_jobs(conn)
                job = store.claim_next(conn, worker=self.worker, now=self._now())
            return self._run(job) if job is not None else None

    def recover(self) -> JobList:
        """Mark failed the running jobs whose worker died; returns them."""
        with self._db.reading() as conn:
            running = store.running_jobs(conn)
        failed = []
        for job in running:
            reason = self._why_dead(job)
            if reason is None:
                continue
            with self._db.writing() as conn:
                ended = store.finish(
                    conn, job.id, worker=job.worker, status="failed", now=self._now(),
                    error=f"{reason}; submit the job again",
                )  # fmt: skip
            if ended:
                log.warning("training job %s marked failed: %s", job.id, reason)
                failed.append(self.get(job.id))
        return failed

    def abandon(self, message: str) -> TrainingJob | None:
        """Mark the job this process runs as failed with `message` (on shutdown)."""
        job_id = self.current
        if job_id is None:
            return None
        with self._db.writing() as conn:
            ended = store.finish(
                conn, job_id, worker=self.worker, status="failed", now=self._now(), error=message
            )
        return self.get(job_id) if ended else None

    def schedule(
        self, every: timedelta, *, models: Sequence[str] | None = None, tune: bool = True
    ) -> JobList:
        """Queue a retraining if one is due: no job is queued or running, and the newest
        job that counts was created at least `every` ago (any job, except API requests
        that failed). The check and the inserts are one serialised transaction, so
        processes checking at once queue one round. `models` default to each model with
        an active version, else the training default; returns the jobs queued."""
        chosen = list(models) if models else self._serving_models()
        for model in chosen:
            checked_params(model, {})
        with self._db.writing() as conn:
            store.lock_jobs(conn)
            now = self._now()
            if store.has_pending(conn):
                return []
            latest = store.latest_for_schedule(conn)
            if latest is not None and now - latest < every:
                return []
            ids = [
                store.insert_job(conn, self._row(model, {}, tune, True, "schedule"))
                for model in chosen
            ]
        self.submitted.set()
        return [self.get(job_id) for job_id in ids]

    # --- helpers ------------------------------------------------------------------------

    def _run(self, job: TrainingJob) -> TrainingJob:
        self.current = job.id
        try:
            return self._train(job)
        finally:
            self.current = None

    def _train(self, job: TrainingJob) -> TrainingJob:
        stop = threading.Event()
        beating = threading.Thread(
            target=self._beat, args=(job.id, stop), name=f"tailored-job-{job.id}", daemon=True
        )
        beating.start()
        status: JobStatus = "failed"
        version_id, error = None, None
        try:
            version = self._training.train(
                job.model, params=job.params or None, tune=job.tune, activate=job.activate
            )
            status, version_id = "succeeded", version.id
        except TailoredError as problem:
            error = str(problem)
        except Exception as problem:
            log.exception("training job %s failed", job.id)
            error = f"unexpected {type(problem).__name__}: {problem}"
        finally:
            stop.set()
            beating.join()
        for attempt in range(FINISH_ATTEMPTS):  # the work is done: do not lose its outcome
            try:
                with self._db.writing() as conn:
                    ended = store.finish(
                        conn, job.id, worker=self.worker, status=status, now=self._now(),
                        version_id=version_id, error=error,
                    )  # fmt: skip
                break
            except Unavailable:
                if attempt + 1 == FINISH_ATTEMPTS:
                    raise
                time.sleep(1.0)
        if not ended:
            log.warning("training job %s ended after it was marked failed", job.id)
        return self.get(job.id)

    def _beat(self, job_id: int, stop: threading.Event) -> None:
        while not stop.wait(self._heartbeat):
            try:
                with self._db.writing() as conn:
                    store.beat(conn, job_id, worker=self.worker, now=self._now())
            except TailoredError as problem:  # a busy database: the next beat may pass
                log.warning("training job %s: heartbeat not recorded: %s", job_id, problem)

    def _why_dead(self, job: TrainingJob) -> str | None:
        if job.worker == self.worker and job.id == self.current:
            return None
        if job.worker != self.worker and process_gone(job.worker):
            return f"the server process running it ({job.worker}) is gone (restarted or killed)"
        beat = job.heartbeat_at or job.started_at or job.created_at
        if self._now() - beat <= self._stale:
            return None
        return (
            f"the server process running it ({job.worker}) stopped sending heartbeats "
            f"at {beat:%Y-%m-%d %H:%M:%S} UTC"
        )

    def _row(
        self, model: str, params: dict[str, Any], tune: bool, activate: bool, origin: JobOrigin
    ) -> dict[str, Any]:
        return {
            "model": model,
            "params": params,
            "tune": tune,
            "activate": activate,
            "origin": origin,
            "status": "queued",
            "created_at": self._now(),
        }

    def _serving_models(self) -> Names:
        """A version `auto` chose is retrained by choosing again, not as its model."""
        versions = [v for v in self._training.versions() if v.active]
        active = sorted({AUTO if v.selection is not None else v.model for v in versions})
        return active or [DEFAULT_MODEL]

    def _with_version(
        self, job: TrainingJob, versions: Mapping[int, ModelVersion] | None
    ) -> TrainingJob:
        if job.version_id is None:
            return job
        if versions is not None:
            version = versions.get(job.version_id)
        else:
            try:
                version = self._training.version(job.version_id)
            except NotFound:
                version = None
        return replace(job, version=version)


__all__ = ["HEARTBEAT_SECONDS", "STALE_SECONDS", "Jobs"]
