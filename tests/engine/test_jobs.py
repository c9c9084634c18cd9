"""Training jobs: queued, run one at a time across processes, recovered, scheduled."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tailored import Engine
from tailored.engine.jobs import Jobs
from tailored.engine.training import DEFAULT_MODEL, Training
from tailored.errors import InvalidInput, NotFound

T0 = datetime(2026, 6, 1, 12, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Blocking:
    """A training that waits until released, or dies like a killed process."""

    def __init__(self, training: Any, *, die: bool = False) -> None:
        self._training = training
        self.started = threading.Event()
        self.release = threading.Event()
        self.die = die

    def train(self, model: str, **options: Any) -> Any:
        self.started.set()
        if self.die:
            raise SystemExit("the process died")
        assert self.release.wait(30)
        return self._training.train(model, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._training, name)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def jobs(engine: Engine, tmp_path: Path, clock: Clock) -> Jobs:
    training = Training(
        engine.db, engine.event_types, now=clock, models_dir=tmp_path, half_life_days=None
    )
    return Jobs(engine.db, training, now=clock)


def _views(engine: Engine, users: int = 12) -> None:
    rows = [
        {"user_id": f"u{u}", "item_id": f"i{(u + k) % 5}", "type": "view"}
        for u in range(users)
        for k in range(3)
    ]
    assert not engine.events.record_many(rows).rejected


def _other(jobs: Jobs, engine: Engine, worker: str, training: Any = None) -> Jobs:
    """The same queue as seen from another process."""
    return Jobs(engine.db, training or jobs._training, now=jobs._now, worker=worker)


def test_a_job_is_queued_then_run_and_records_its_version(engine: Engine, jobs: Jobs) -> None:
    _views(engine)
    job = jobs.submit("popular", tune=False)
    assert (job.status, job.model, job.origin, job.version) == ("queued", "popular", "api", None)
    assert jobs.get(job.id).status == "queued"
    [done] = jobs.run_pending()
    assert done.id == job.id and done.status == "succeeded" and done.error is None
    assert done.started_at == done.finished_at == T0
    assert done.version is not None and done.version.model == "popular"
    assert done.version.active and engine.training.active() == done.version
    assert jobs.run_pending() == []


def test_defaults_and_checked_params(engine: Engine, jobs: Jobs) -> None:
    job = jobs.submit()
    assert job.model == DEFAULT_MODEL and job.tune and job.activate and job.params == {}
    given = jobs.submit("item_knn", params={"neighbors": 20.0, "shrinkage": 1})
    assert given.params == {"neighbors": 20, "shrinkage": 1.0}
    assert not given.tune  # given parameters are used as they are


@pytest.mark.parametrize(
    ("model", "params", "field"),
    [
        ("deep", None, "model"),
        ("ease", {"l2": "high"}, "params.l2"),
        ("ease", {"l2": True}, "params.l2"),
        ("item_knn", {"neighbors": 2.5}, "params.neighbors"),
        ("ease", {"depth": 3}, "params.depth"),
    ],
)
def test_bad_requests_are_refused_before_anything_is_queued(
    jobs: Jobs, model: str, params: dict[str, Any] | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        jobs.submit(model, params=params)
    assert refused.value.field == field
    assert jobs.list() == []
    with pytest.raises(NotFound, match="training job '1'"):
        jobs.get(1)


def test_a_failing_training_fails_the_job_with_the_reason(jobs: Jobs) -> None:
    job = jobs.submit("popular", tune=False)
    [done] = jobs.run_pending()
    assert done.id == job.id and done.status == "failed" and done.version is None
    assert done.error is not None and "no events with items" in done.error


def test_one_job_runs_at_a_time_across_processes_in_order(engine: Engine, jobs: Jobs) -> None:
    _views(engine)
    blocking = Blocking(jobs._training)
    here = _other(jobs, engine, "here:1:a", blocking)
    elsewhere = _other(jobs, engine, "elsewhere:2:b")
    first = jobs.submit("popular", tune=False)
    runner = threading.Thread(target=here.run_pending)
    runner.start()
    try:
        assert blocking.started.wait(10)
        second = jobs.submit("item_knn", tune=False)
        assert jobs.get(first.id).status == "running"
        assert jobs.get(first.id).worker == "here:1:a"
        assert elsewhere.run_next() is None  # waits for the running one
        assert jobs.get(second.id).status == "queued"
    finally:
        blocking.release.set()
        runner.join(30)
    assert [j.status for j in jobs.list()] == ["succeeded", "succeeded"]
    assert [j.model for j in jobs.list()] == ["item_knn", "popular"]  # newest first


def test_concurrent_claims_run_a_job_once(engine: Engine, jobs: Jobs) -> None:
    _views(engine)
    job = jobs.submit("popular", tune=False)
    ran = _race(lambda n: _other(jobs, engine, f"w:{n}:x").run_next(), workers=4)
    assert [j.id for j in ran if j is not None] == [job.id]
    assert jobs.get(job.id).status == "succeeded"


def test_a_job_whose_process_is_gone_is_failed_with_a_message(engine: Engine, jobs: Jobs) -> None:
    _views(engine)
    previous_life = f"{socket.gethostname()}:{os.getpid()}:0ld0ld00"  # restarted process
    dying = _other(jobs, engine, previous_life, Blocking(jobs._training, die=True))
    job = jobs.submit("popular", tune=False)
    with pytest.raises(SystemExit):
        dying.run_next()
    assert jobs.get(job.id).status == "running"
    [failed] = jobs.recover()
    assert failed.id == job.id and failed.status == "failed"
    assert failed.error is not None
    assert f"the server process running it ({previous_life}) is gone" in failed.error
    assert "submit the job again" in failed.error


def test_a_dead_pid_on_this_host_fails_its_job(engine: Engine, jobs: Jobs) -> None:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    dead = f"{socket.gethostname()}:{child.stdout.strip()}:feedbeef"
    job = jobs.submit("popular", tune=False)
    with pytest.raises(SystemExit):
        _other(jobs, engine, dead, Blocking(jobs._training, die=True)).run_next()
    [failed] = jobs.recover()
    assert failed.id == job.id and "is gone" in str(failed.error)


def test_silent_workers_elsewhere_are_failed_only_once_stale(
    engine: Engine, jobs: Jobs, clock: Clock
) -> None:
    job = jobs.submit("popular", tune=False)
    with pytest.raises(SystemExit):
        _other(jobs, engine, "far:7:x", Blocking(jobs._training, die=True)).run_next()
    clock.advance(seconds=59)
    assert jobs.recover() == []  # another host, heartbeat fresh: alive as far as we know
    clock.advance(seconds=2)
    [failed] = jobs.recover()
    assert failed.id == job.id
    assert "(far:7:x) stopped sending heartbeats at 2026-06-01 12:00:00 UTC" in str(failed.error)


def test_schedule_queues_once_per_interval(engine: Engine, jobs: Jobs, clock: Clock) -> None:
    _views(engine)
    hour = timedelta(hours=1)
    [first] = jobs.schedule(hour, models=["popular"], tune=False)
    assert (first.origin, first.status, first.tune) == ("schedule", "queued", False)
    assert jobs.schedule(hour, models=["popular"]) == []  # one is queued
    jobs.run_pending()
    clock.advance(minutes=59)
    assert jobs.schedule(hour, models=["popular"]) == []
    clock.advance(minutes=1)
    [second] = jobs.schedule(hour, models=["popular"], tune=False)
    assert second.id != first.id


def test_schedule_retrains_the_active_models_and_ignores_failed_requests(
    engine: Engine, jobs: Jobs, clock: Clock
) -> None:
    [default] = jobs.schedule(timedelta(hours=1))
    assert default.model == DEFAULT_MODEL  # nothing active yet
    jobs.run_pending()  # fails: no events; a failed scheduled job counts
    assert jobs.get(default.id).status == "failed"
    clock.advance(hours=2)
    _views(engine)
    jobs.submit("popular", tune=False)
    jobs.submit("item_knn", tune=False)
    jobs.submit("ease", params={"l2": -1.0})  # fails when run
    jobs.run_pending()
    clock.advance(minutes=30)
    assert jobs.schedule(timedelta(hours=1)) == []  # the successes are recent
    clock.advance(minutes=31)
    queued = jobs.schedule(timedelta(hours=1), tune=False)
    assert sorted(j.model for j in queued) == ["item_knn", "popular"]  # the active ones


def test_only_one_scheduled_job_when_processes_check_together(engine: Engine, jobs: Jobs) -> None:
    url = engine.db.url.render_as_string(hide_password=False)
    engines = [Engine.open(url, migrate=False) for _ in range(4)]
    try:
        queued = _race(
            lambda n: engines[n].jobs.schedule(timedelta(hours=1), models=["popular"]),
            workers=4,
        )
    finally:
        for other in engines:
            other.close()
    assert sum(len(q) for q in queued) == 1
    assert len(jobs.list()) == 1


def _race(work: Callable[[int], Any], *, workers: int) -> list[Any]:
    """Run `work(n)` in `workers` threads released at once; their results."""
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(10)
            results[n] = work(n)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results
