"""The work a server process does next to answering requests: it runs queued training
jobs, one at a time, runs the reactions (consumers of events and item changes, such as
alerts), and, with `retrain_every_hours`, queues retraining on schedule.

All are daemon threads, started and stopped with the server (`with Background.of(engine):`).
On start, running jobs of dead processes are marked failed. On stop, a training still
running after `grace_seconds` is marked failed ("the server shut down") and left behind.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING

from tailored.engine.jobs import Jobs
from tailored.engine.model_params import model_kind
from tailored.engine.reactions import Reactions
from tailored.errors import ConfigurationError, InvalidInput

if TYPE_CHECKING:
    from tailored.engine.engine import Engine

POLL_SECONDS = 2.0  # how soon a job queued by another process is picked up
GRACE_SECONDS = 5.0
log = logging.getLogger("tailored.jobs")


class Background:
    """The job runner and the retraining schedule of one process.

    >>> from tailored import Engine
    >>> with Engine.open("sqlite://") as engine, Background.of(engine) as background:
    ...     background.running
    True
    """

    def __init__(
        self,
        jobs: Jobs,
        *,
        reactions: Reactions | None = None,
        reactions_poll_seconds: float = 1.0,
        retrain_every: timedelta | None = None,
        retrain_models: Sequence[str] | None = None,
        retrain_tune: bool = True,
        poll_seconds: float = POLL_SECONDS,
        grace_seconds: float = GRACE_SECONDS,
    ) -> None:
        self._jobs = jobs
        self._reactions = reactions
        self._reactions_poll = reactions_poll_seconds
        self._every = retrain_every
        self._models = list(retrain_models) if retrain_models else None
        self._tune = retrain_tune
        self._poll = poll_seconds
        self._grace = grace_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @classmethod
    def of(cls, engine: Engine) -> Background:
        """From the engine's settings; unknown `retrain_models` fail here, at start-up."""
        settings = engine.settings
        for model in settings.retrain_models or ():
            try:
                model_kind(model)
            except InvalidInput as error:
                raise ConfigurationError(f"retrain_models: {error.problem}") from None
        hours = settings.retrain_every_hours
        return cls(
            engine.jobs,
            reactions=engine.reactions,
            reactions_poll_seconds=settings.reactions_poll_seconds,
            retrain_every=timedelta(hours=hours) if hours is not None else None,
            retrain_models=settings.retrain_models,
            retrain_tune=settings.retrain_tune,
        )

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def start(self) -> None:
        self._stop.clear()
        self._guarded(self._jobs.recover)
        self._spawn("tailored-jobs", self._run_jobs)
        if self._reactions is not None:
            self._spawn("tailored-reactions", self._react)
        if self._every is not None:
            self._spawn("tailored-retrain", self._retrain)

    def stop(self) -> None:
        self._stop.set()
        self._jobs.submitted.set()  # wake the runners
        if self._reactions is not None:
            self._reactions.pending.set()
        for thread in self._threads:
            thread.join(self._grace)
        if any(thread.is_alive() for thread in self._threads):
            self._guarded(
                lambda: self._jobs.abandon(
                    "the server shut down while it ran; submit the job again"
                )
            )
        self._threads = []

    def __enter__(self) -> Background:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _run_jobs(self) -> None:
        while not self._stop.is_set():
            self._jobs.submitted.clear()
            while not self._stop.is_set() and self._guarded(self._jobs.run_next):
                pass
            self._jobs.submitted.wait(self._poll)

    def _react(self) -> None:
        reactions = self._reactions
        assert reactions is not None
        while not self._stop.is_set():
            reactions.pending.clear()
            self._guarded(lambda: reactions.run(settle_seconds=0, wait=False))
            reactions.pending.wait(self._reactions_poll)

    def _retrain(self) -> None:
        every = self._every
        assert every is not None
        check = min(60.0, max(0.05, every.total_seconds() / 10))
        while True:
            self._guarded(lambda: self._jobs.schedule(every, models=self._models, tune=self._tune))
            if self._stop.wait(check):
                return

    def _guarded(self, step: Callable[[], object]) -> object:
        """Run one step; a failure is logged and the loop goes on (the database may be
        down for a while: the next round tries again)."""
        try:
            return step()
        except Exception:
            log.exception("background step failed")
            return None


__all__ = ["GRACE_SECONDS", "POLL_SECONDS", "Background"]
