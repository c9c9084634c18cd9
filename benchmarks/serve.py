"""Serving under concurrent load on loopback: recommendations against the /healthz floor.

Builds a shop on a fresh database (a SQLite file, or a fresh PostgreSQL schema with
`--backend postgresql`) through the engine's Python API: `--items` catalog items in a
few categories and brands, `--events` view / add_to_cart / purchase events in sessions
(Zipf-like users and items, each session mostly in one category, so co-occurrence means
something, spread over the last 30 days). It trains each of `--models` (item_knn first:
the main figure) and cooccurrence, starts `tailored serve` as a real process with
TAILORED_RECOMMEND_MODEL set to the model, and measures on loopback:

- closed loop (`--connections` keep-alive connections, as fast as answers come):
  /healthz (the framework's floor), GET /v1/users/{id}/recommendations?n=10 (known
  users weighted by their activity, plus `--unknown-share` users never seen; also on
  one connection, the latency without queueing), similar items, bought together,
  POST /v1/recommendations with a session and a cart, and a mix;
- open loop at a fixed `--rate` (each request has an intended send time; latency counts
  from it, so a server that falls behind is charged for the wait);
- the server's peak RSS (VmHWM, its worker processes included) and CPU per request.

Closed loops use `wrk` (one thread: the client shares the 2 cores with the server) when
it is installed, else Python threads; the fixed rate always uses Python threads. Every
response must be 200 (and a sample is checked in full first), so a fast run that errors
fails instead of reporting. `--profile` samples the server with py-spy during one more
(unmeasured) closed loop and lists the hottest functions; `--server-env` passes settings
(TAILORED_*, OPENBLAS_NUM_THREADS, ...) to the server. Results go to
benchmarks/results/serve.json.

    python benchmarks/serve.py                          # 100k items, 1M events, item_knn
    python benchmarks/serve.py --models item_knn,ials --profile /tmp/serve-profile
    python benchmarks/serve.py --items 2000 --events 20000 --seconds 2   # a smoke run
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
import numpy.typing as npt
import orjson

from ingest import database, machine, percentile  # benchmarks/ingest.py, beside this file
from tailored import Engine, __version__
from tailored.testing.provenance import source
from tailored.testing.server_process import ServerProcess

RESULTS = Path(__file__).parent / "results" / "serve.json"
TARGETS = {"p99_ms_at_rate": 20.0, "rate_rps": 500, "ratio_to_healthz": 0.40, "peak_rss_mb": 2048}
BATCH = 10_000  # rows per upsert_many / record_many call (the engine's maximum)
CATEGORIES = 24
BRANDS = 60
KINDS = ("view", "add_to_cart", "purchase")
Request = tuple[str, str, bytes | None]  # method, path, JSON body
IntArray = npt.NDArray[np.int64]
PARAMETERS = (
    "backend", "items", "events", "workers", "connections", "seconds", "short_seconds", "rate",
    "rate_seconds", "rate_connections", "warm_up_seconds", "unknown_share", "list_size",
    "server_env", "seed",
)  # fmt: skip


class LoadFailed(SystemExit):
    """A request failed: the run stops without writing a report."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    add("--items", type=int, default=100_000)
    add("--events", type=int, default=1_000_000)
    add("--users", type=int, default=None, help="default: events / 20")
    add("--models", default="item_knn", help="recommend models, comma-separated; first: main")
    add("--workers", type=int, default=1, help="server worker processes")
    add("--connections", type=int, default=8, help="closed-loop connections")
    # Seconds may be fractions, for a smoke run.
    add("--seconds", type=float, default=20, help="closed loops of /healthz and user recs")
    add("--short-seconds", type=float, default=10, help="closed loops of the other requests")
    add("--rate", type=int, default=TARGETS["rate_rps"], help="fixed-rate requests/s")
    add("--rate-seconds", type=float, default=30)
    add("--rate-connections", type=int, default=16)
    add("--warm-up-seconds", type=float, default=2, help="each round of the warm-up")
    add("--unknown-share", type=float, default=0.2, help="requests for users never seen")
    add("--list-size", type=int, default=100_000, help="requests per list, never gone round")
    add("--client", default="auto", choices=["auto", "wrk", "python"], help="closed loops")
    add("--profile", type=Path, default=None, help="folder for a py-spy profile")
    add("--profile-seconds", type=int, default=15)
    add("--server-env", action="append", default=[], help="KEY=VALUE for the server")
    add("--seed", type=int, default=7)
    add("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    models = args.models.split(",")
    load_before, source_before = os.getloadavg(), source()
    client = (
        "wrk"
        if args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
        else "python"
    )
    if client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("--client wrk: wrk is not installed (apt-get install wrk)")

    shop = Shop.generate(
        args.items, args.events, args.users or max(100, args.events // 20), args.seed
    )
    with (
        database(args.backend) as url,
        tempfile.TemporaryDirectory(prefix="tailored-serve-") as tmp,
    ):
        setup = fill(url, shop, models, Path(tmp) / "models")
        print(json.dumps(setup, indent=2), flush=True)
        with Engine.open(url, migrate=False) as engine:
            key = engine.keys.create("benchmark", scopes=["serve", "ingest"]).secret
        mixes = shop.requests(
            np.random.default_rng(args.seed + 1), args.unknown_share, args.list_size
        )
        # Validation and warm-up draw their own requests: the measured lists stay unsent.
        checks = shop.requests(np.random.default_rng(args.seed + 2), args.unknown_share, 500)
        results = {}
        for model in models:
            print(f"== {model}", flush=True)
            env = dict(item.split("=", 1) for item in args.server_env)
            env |= {"TAILORED_RECOMMEND_MODEL": model, "TAILORED_MODELS_DIR": f"{tmp}/models"}
            with ServerProcess(url, workers=args.workers, env=env, startup_timeout=120) as server:
                try:
                    results[model] = measure(server, key, mixes, checks, client, args)
                except BaseException:
                    print(server.output()[-4000:], flush=True)
                    raise
            print(json.dumps(results[model], indent=2), flush=True)
        print(f"== {models[0]}, every answer computed", flush=True)
        env |= {"TAILORED_RECOMMEND_MODEL": models[0], "TAILORED_ANSWER_CACHE_SIZE": "0"}
        with ServerProcess(url, workers=args.workers, env=env, startup_timeout=120) as server:
            computed = measure_computed(server, key, mixes, checks, client, args)
        print(json.dumps(computed, indent=2), flush=True)

    main_result = results[models[0]]
    fixed = main_result["user_recommendations_fixed_rate"]
    report = {
        "benchmark": "serve",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "tailored": __version__,
        "source": {**source_before, "changed_during_run": source() != source_before},
        "machine": machine(),
        "parameters": {
            **{key: getattr(args, key) for key in PARAMETERS},
            "users": shop.users,
            "models": models,
        },
        "load_generator": {
            "closed_loop": wrk_version() + " (1 thread, Lua request list)"
            if client == "wrk"
            else "python threads, http.client keep-alive",
            "fixed_rate": "python threads, http.client keep-alive, open loop (latency from "
            "each request's intended send time)",
        },
        "load_average": {"start": load_before, "end": os.getloadavg()},
        "setup": setup,
        "results": results,
        "computed_without_answer_cache": computed,
        "targets": TARGETS,
        "targets_met": {
            "p99_ms_at_rate": fixed["p99_ms"] <= TARGETS["p99_ms_at_rate"]
            and fixed["rps"] >= 0.98 * TARGETS["rate_rps"]
            and args.rate >= TARGETS["rate_rps"],
            "ratio_to_healthz": main_result["ratio_to_healthz"] >= TARGETS["ratio_to_healthz"],
            "peak_rss_mb": main_result["server_memory"]["peak_rss_mb"] <= TARGETS["peak_rss_mb"],
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["targets_met"]), f"\nwritten to {args.output}")


# --- the synthetic shop ---


@dataclass(frozen=True)
class Shop:
    """A catalog and its events as arrays: event n is `kind[n]` by `user[n]` on `item[n]`
    at `time[n]` (unix seconds) in session `session[n]`."""

    items: int
    users: int
    user: IntArray
    item: IntArray
    kind: IntArray
    time: npt.NDArray[np.float64]
    session: IntArray

    @classmethod
    def generate(cls, items: int, events: int, users: int, seed: int) -> Shop:
        rng = np.random.default_rng(seed)
        lengths = 1 + rng.geometric(0.25, size=events)  # sessions of 5 events on average
        lengths = lengths[: int(np.searchsorted(np.cumsum(lengths), events)) + 1]
        lengths[-1] -= lengths.sum() - events
        session = np.repeat(np.arange(len(lengths)), lengths)
        user_of_session = rng.choice(users, size=len(lengths), p=zipf(users, 0.8, offset=20))
        category_p = zipf(CATEGORIES, 0.8)
        theme = rng.choice(CATEGORIES, size=len(lengths), p=category_p)[session]
        stray = rng.random(events) < 0.15  # off-theme items
        category = np.where(stray, rng.choice(CATEGORIES, size=events, p=category_p), theme)
        per_category = max(1, items // CATEGORIES)
        rank = rng.choice(per_category, size=events, p=zipf(per_category, 0.9))
        item = np.minimum(category + CATEGORIES * rank, items - 1)
        kind = rng.choice(len(KINDS), size=events, p=[0.8, 0.13, 0.07])
        start = datetime.now(UTC).timestamp() - 30 * 86_400
        begins = start + rng.uniform(0, 30 * 86_400 - 7_200, size=len(lengths))
        steps = rng.integers(5, 180, size=events).astype(np.float64)
        steps[np.r_[0, np.cumsum(lengths)[:-1]]] = 0.0
        offsets = np.cumsum(steps) - np.repeat(
            np.cumsum(steps)[np.cumsum(lengths) - lengths], lengths
        )
        times = np.minimum(begins[session] + offsets, start + 30 * 86_400 - 60)  # none ahead
        return cls(items, users, user_of_session[session], item, kind, times, session)

    def catalog_batches(self) -> list[list[dict[str, Any]]]:
        rng = np.random.default_rng(0)
        prices = np.round(np.exp(rng.normal(3.3, 0.8, self.items)), 0) - 0.01
        rows = []
        for i in range(self.items):
            category, brand = f"category-{i % CATEGORIES:02d}", f"brand-{i % BRANDS:02d}"
            rows.append(
                {
                    "id": item_id(i),
                    "title": f"{brand} {category} product {i}",
                    "categories": [category, "sale"] if i % 10 == 3 else [category],
                    "attributes": {"brand": brand, "price": float(prices[i])},
                    "available": i % 50 != 7,
                }
            )
        return [rows[n : n + BATCH] for n in range(0, len(rows), BATCH)]

    def event_batches(self) -> Iterator[list[dict[str, Any]]]:
        for start in range(0, len(self.user), BATCH):
            rows = []
            for n in range(start, min(start + BATCH, len(self.user))):
                row: dict[str, Any] = {
                    "event_id": f"e{n}",
                    "user_id": f"user-{self.user[n]}",
                    "item_id": item_id(int(self.item[n])),
                    "type": KINDS[self.kind[n]],
                    "timestamp": datetime.fromtimestamp(float(self.time[n]), UTC),
                    "context": {"session": f"s{self.session[n]}"},
                }
                if self.kind[n] == 2:
                    row["value"] = 29.99
                rows.append(row)
            yield rows

    def requests(
        self, rng: np.random.Generator, unknown_share: float, size: int
    ) -> dict[str, list[Request]]:
        """Request lists per endpoint: users and items drawn as often as they are active
        (a busy user visits more, a popular item's page is seen more). A list is long
        enough that a run never goes round it again: the server keeps answers while
        nothing behind them changes, and only a real repeat (a busy user back, a popular
        item's page) should find one. The mix also records events as shoppers browse."""

        def known_user() -> str:
            return f"user-{self.user[rng.integers(len(self.user))]}"

        def popular_item() -> str:
            return item_id(int(self.item[rng.integers(len(self.item))]))

        def some_user(k: int) -> str:
            return f"new-user-{k}" if rng.random() < unknown_share else known_user()

        def post(k: int) -> bytes:
            context = {
                "session_items": [popular_item(), popular_item()],
                "cart_items": [popular_item()],
                "device": "mobile" if k % 3 else "desktop",
            }
            return orjson.dumps({"user_id": some_user(k), "n": 10, "context": context})

        def event() -> bytes:
            view = {"user_id": known_user(), "type": "view", "item_id": popular_item()}
            return orjson.dumps(view)

        posts = size // 5  # each one is new: the session and cart differ every time
        mixes: dict[str, list[Request]] = {
            "healthz": [("GET", "/healthz", None)],
            "user_recommendations": [
                ("GET", f"/v1/users/{some_user(k)}/recommendations?n=10", None) for k in range(size)
            ],
            "similar": [
                ("GET", f"/v1/items/{popular_item()}/similar?n=10", None) for _ in range(size)
            ],
            "bought_together": [
                ("GET", f"/v1/items/{popular_item()}/bought-together?n=10", None)
                for _ in range(size)
            ],
            "post_context": [("POST", "/v1/recommendations", post(k)) for k in range(posts)],
        }
        share = {
            "user_recommendations": 0.45,
            "similar": 0.2,
            "bought_together": 0.1,
            "post_context": 0.15,
            "events": 0.1,
        }
        mixes["mix"] = [
            ("POST", "/v1/events", event())
            if name == "events"
            else mixes[name][int(rng.integers(len(mixes[name])))]
            for name in rng.choice(list(share), size=size, p=list(share.values()))
        ]
        return mixes


def repeat_share(requests: Sequence[Request]) -> float:
    """The share of requests asked before in the list (users never seen all ask the
    same): the most the server's answer cache can serve from memory."""
    keys = [
        re.sub(r"/new-user-\d+/", "/new-user/", path) + (body or b"").decode()
        for _, path, body in requests
    ]
    return round(1 - len(set(keys)) / len(keys), 3)


def zipf(size: int, exponent: float, *, offset: float = 1.0) -> npt.NDArray[np.float64]:
    """Probabilities of ranks 0..size-1 falling as (rank + offset) ** -exponent."""
    weights = (np.arange(size) + offset) ** -exponent
    return weights / weights.sum()


def item_id(position: int) -> str:
    return f"sku-{position:06d}"


def fill(url: str, shop: Shop, models: Sequence[str], models_dir: Path) -> dict[str, Any]:
    """Insert the shop through the engine's Python API and train; the seconds each took."""
    with Engine.open(url) as engine:
        started = time.perf_counter()
        for rows in shop.catalog_batches():
            checked(engine.items.upsert_many(rows), "items")
        catalog_s = time.perf_counter() - started
        print(f"catalog of {shop.items} items inserted in {catalog_s:.1f} s", flush=True)
        started = time.perf_counter()
        for rows in shop.event_batches():
            checked(engine.events.record_many(rows), "events")
        events_s = time.perf_counter() - started
        print(f"{len(shop.user)} events recorded in {events_s:.1f} s", flush=True)
        started = time.perf_counter()
        interactions = len(engine.training.interactions())
        read_s = time.perf_counter() - started
        training = {}
        for name in dict.fromkeys([*models, "item_knn", "cooccurrence"]):
            started = time.perf_counter()
            version = engine.training.train(name, tune=False, models_dir=models_dir)
            training[name] = {
                "seconds": round(time.perf_counter() - started, 2),
                "artifact_mb": round(Path(version.artifact).stat().st_size / 2**20, 1),
                "items": version.items,
            }
            print(f"trained {name} in {training[name]['seconds']} s", flush=True)
    return {
        "items": shop.items,
        "events": len(shop.user),
        "users": len(np.unique(shop.user)),
        "sessions": int(shop.session[-1]) + 1,
        "catalog_insert_s": round(catalog_s, 2),
        "events_insert_s": round(events_s, 2),
        "events_per_s": round(len(shop.user) / events_s),
        "interactions_read_s": round(read_s, 2),
        "interactions": interactions,
        "training": training,
        "note": "training runs train(name, tune=False): an evaluation fit on a temporal "
        "split, then the fit on everything",
    }


def checked(result: Any, what: str) -> None:
    if result.rejected:
        raise SystemExit(f"{what}: {len(result.rejected)} rows rejected, e.g. {result.rejected[0]}")


# --- measuring one server ---


def measure(
    server: ServerProcess,
    key: str,
    mixes: dict[str, list[Request]],
    checks: dict[str, list[Request]],
    client: str,
    args: argparse.Namespace,
) -> dict[str, Any]:
    base, auth = server.base_url, f"Bearer {key}"
    started = time.perf_counter()
    validation = validate(base, auth, checks)  # the first request loads catalog and models
    result: dict[str, Any] = {
        "validation": validation,
        "repeat_share": {name: repeat_share(requests) for name, requests in mixes.items()},
    }
    result["cold_first_request_s"] = validation.pop("first_request_s")
    result["validation_s"] = round(time.perf_counter() - started, 2)
    result["warm_up_s"] = warm_up(
        base, auth, checks["mix"], connections=args.connections, seconds=args.warm_up_seconds
    )
    result["server_memory_after_warmup"] = memory(server.pid)
    run = Unsent(server, key, mixes, client, args)
    result["user_recommendations_one_connection"] = run.closed(
        "user_recommendations", connections=1, seconds=args.short_seconds
    )
    runs = [("healthz", args.seconds), ("user_recommendations", args.seconds)]
    runs += [(name, args.short_seconds) for name in ("similar", "bought_together", "post_context")]
    for name, seconds in [*runs, ("mix", args.short_seconds)]:
        result[name] = run.closed(name, connections=args.connections, seconds=seconds)
        print(name, result[name], flush=True)
    result["user_recommendations_fixed_rate"] = run.fixed("user_recommendations")
    print("fixed rate", result["user_recommendations_fixed_rate"], flush=True)
    ratio = result["user_recommendations"]["rps"] / result["healthz"]["rps"]
    result["ratio_to_healthz"] = round(ratio, 3)
    result["server_memory"] = memory(server.pid)
    if args.profile is not None:
        seconds = args.profile_seconds
        load = partial(
            run.closed, "user_recommendations", connections=args.connections, seconds=seconds + 3
        )
        path = args.profile / f"serve-{server.env['TAILORED_RECOMMEND_MODEL']}.txt"
        result["profile"] = profile(server.pid, path, seconds, load)
    return result


def measure_computed(
    server: ServerProcess,
    key: str,
    mixes: dict[str, list[Request]],
    checks: dict[str, list[Request]],
    client: str,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """User recommendations from a server that keeps no answers: the cost of the
    ranking chain itself on every request."""
    base, auth = server.base_url, f"Bearer {key}"
    validate(base, auth, {"user_recommendations": checks["user_recommendations"]})
    warm_up(
        base,
        auth,
        checks["user_recommendations"],
        connections=args.connections,
        seconds=args.warm_up_seconds,
    )
    run = Unsent(server, key, mixes, client, args)
    name = "user_recommendations"
    return {
        "user_recommendations_one_connection": run.closed(
            name, connections=1, seconds=args.short_seconds
        ),
        "user_recommendations": run.closed(
            name, connections=args.connections, seconds=args.seconds
        ),
        "user_recommendations_fixed_rate": run.fixed(name),
        "server_memory": memory(server.pid),
    }


class Unsent:
    """Runs load on one server from the part of each list not yet sent to it, so that
    answers it keeps only count where the list itself repeats a request."""

    def __init__(
        self,
        server: ServerProcess,
        key: str,
        mixes: dict[str, list[Request]],
        client: str,
        args: argparse.Namespace,
    ) -> None:
        self.server, self.mixes, self.args = server, mixes, args
        self.auth = f"Bearer {key}"
        self.loader = wrk_load if client == "wrk" else python_load
        self.sent: Counter[str] = Counter()

    def closed(self, name: str, *, connections: int, seconds: float) -> dict[str, Any]:
        return self._run(name, partial(self.loader, connections=connections, seconds=seconds))

    def fixed(self, name: str) -> dict[str, Any]:
        load = partial(
            python_load, connections=self.args.rate_connections,
            seconds=self.args.rate_seconds, rate=self.args.rate,
        )  # fmt: skip
        return self._run(name, load)

    def _run(self, name: str, load: Callable[..., dict[str, Any]]) -> dict[str, Any]:
        requests = self.mixes[name]
        if name != "healthz":  # one request, repeated: the floor
            requests = requests[self.sent[name] :]
            if len(requests) < 1000:
                raise LoadFailed(f"the {name} list ran out: raise --list-size")
        figures = timed(self.server.pid, partial(load, self.server.base_url, self.auth, requests))
        self.sent[name] += figures["requests"]
        figures["went_round_the_list"] = name != "healthz" and figures["requests"] > len(requests)
        return figures


def warm_up(
    base: str, auth: str, requests: Sequence[Request], *, connections: int, seconds: float
) -> float:
    """Rounds of load (`seconds` each) on new connections until no answer takes a second:
    every worker process has loaded its serving state (each does so on its first
    request)."""
    started = time.perf_counter()
    for _ in range(60):
        rounds = python_load(base, auth, requests, connections=max(connections, 4), seconds=seconds)
        if rounds["max_ms"] < 1000:
            break
    return round(time.perf_counter() - started, 1)


def validate(base: str, auth: str, mixes: dict[str, list[Request]]) -> dict[str, Any]:
    """Every distinct request of a sample, checked in full: 200, a list of items, and
    known users personalized (a server that only ever falls back must not pass)."""
    counts: Counter[str] = Counter()
    with httpx.Client(base_url=base, headers={"Authorization": auth}, timeout=300) as http:
        started = time.perf_counter()
        send(http, ("GET", "/v1/users/user-0/recommendations?n=10", None))
        first_s = round(time.perf_counter() - started, 2)
        for name, requests in mixes.items():
            for request in requests[:100] if name != "mix" else []:
                answer = send(http, request)
                if name == "healthz":
                    continue
                if not answer["items"]:
                    raise LoadFailed(f"{request[0]} {request[1]}: an empty list")
                counts[f"{name}_requests"] += 1
                counts[f"{name}_personalized"] += bool(answer["personalized"])
                counts[f"{name}_from_{answer['source']}"] += 1
    if counts["user_recommendations_personalized"] == 0:
        raise LoadFailed(f"no user was personalized: the model is not served ({dict(counts)})")
    return {"first_request_s": first_s, **dict(sorted(counts.items()))}


def send(http: httpx.Client, request: Request) -> dict[str, Any]:
    method, path, body = request
    headers = {"Content-Type": "application/json"} if body else {}
    response = http.request(method, path, content=body, headers=headers)
    if response.status_code != 200:
        raise LoadFailed(f"{method} {path}: {response.status_code} {response.text[:300]}")
    answer: dict[str, Any] = response.json()
    return answer


def timed(pid: int, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The run's figures plus the server's CPU time per request (all its processes)."""
    before = cpu_seconds(pid)
    figures = run()
    used = cpu_seconds(pid) - before
    figures["server_cpu_ms_per_request"] = round(1000 * used / figures["requests"], 3)
    return figures


# --- load generators ---


def python_load(
    base: str,
    auth: str,
    requests: Sequence[Request],
    *,
    connections: int,
    seconds: float,
    rate: float | None = None,
) -> dict[str, Any]:
    """`connections` threads with a keep-alive connection each. Closed loop without
    `rate`; with it, open loop: request k is due at start + k / rate (spread round-robin
    over the threads) and its latency counts from then, so waiting for a slow answer to
    free the connection is charged to the server. Nothing is sent after `seconds`: a
    server that cannot keep up leaves requests unsent (counted) rather than stretching
    the run."""
    address = urlsplit(base)
    latencies: list[list[float]] = [[] for _ in range(connections)]
    service: list[list[float]] = [[] for _ in range(connections)]
    errors: list[str] = []
    start = time.perf_counter() + 0.05
    end = start + seconds
    finished = [start] * connections

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
        sent = 0
        while not errors:
            due = start + (k + sent * connections) / rate if rate else time.perf_counter()
            if due >= end or time.perf_counter() >= end:
                break
            if rate and due > time.perf_counter():
                time.sleep(due - time.perf_counter())
            method, path, body = requests[(k + sent * connections) % len(requests)]
            headers = {"Authorization": auth}
            if body:
                headers["Content-Type"] = "application/json"
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as error:
                errors.append(f"{method} {path}: {type(error).__name__}: {error}")
                break
            done = time.perf_counter()
            if response.status != 200:
                errors.append(f"{method} {path}: {response.status} {payload[:300]!r}")
                break
            latencies[k].append(done - due)
            service[k].append(done - began)
            finished[k] = done
            sent += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise LoadFailed(f"{len(errors)} failed requests, e.g. {errors[0]}")
    every = [x for part in latencies for x in part]
    wall = max(finished) - start
    figures = summary(len(every), wall, every, connections)
    figures["client"] = "python"
    if rate:
        figures["offered_rps"] = rate
        figures["unsent"] = max(0, round(rate * seconds) - len(every))
        figures["service_p99_ms"] = round(1000 * percentile([x for p in service for x in p], 99), 2)
    return figures


def summary(
    requests: int, seconds: float, latencies: Sequence[float], connections: int
) -> dict[str, Any]:
    if requests == 0:
        raise LoadFailed("no request completed")
    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1),
        "p50_ms": round(1000 * percentile(list(latencies), 50), 2),
        "p90_ms": round(1000 * percentile(list(latencies), 90), 2),
        "p99_ms": round(1000 * percentile(list(latencies), 99), 2),
        "max_ms": round(1000 * max(latencies), 2),
        "connections": connections,
    }


LUA = """
local auth = [==[%(auth)s]==]
local prepared = {}
local position = 0
not_200 = 0  -- a global: done() reads it from each thread
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 997)
  table.insert(threads, thread)
end

function init(args)
  -- One request per line: method, path and body (or '-') separated by tabs. Read from
  -- a file: a Lua table literal holds at most 65536 constants.
  for line in io.lines([==[%(requests)s]==]) do
    local method, path, body = line:match("^(%%S+)\t(%%S+)\t(.*)$")
    local headers = {["Authorization"] = auth}
    if body == "-" then body = nil else headers["Content-Type"] = "application/json" end
    table.insert(prepared, wrk.format(method, path, headers, body))
  end
  position = offset %% #prepared
end

function request()
  position = position %% #prepared + 1
  return prepared[position]
end

function response(status, headers, body)
  if status ~= 200 then not_200 = not_200 + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("not_200") end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "not_200": %%d, "p50_us": %%d, ' ..
    '"p90_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    bad, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def wrk_load(
    base: str, auth: str, requests: Sequence[Request], *, connections: int, seconds: float
) -> dict[str, Any]:
    """A closed loop by wrk with one thread, cycling through `requests`."""
    with tempfile.TemporaryDirectory(prefix="tailored-wrk-") as folder:
        listed = Path(folder) / "requests.tsv"
        listed.write_text(
            "".join(f"{m}\t{p}\t{b.decode() if b else '-'}\n" for m, p, b in requests)
        )
        script = Path(folder) / "load.lua"
        script.write_text(LUA % {"auth": auth, "requests": listed})
        duration = f"-d{max(1, math.ceil(seconds))}s"  # wrk counts whole seconds
        command = ["wrk", "-t1", f"-c{connections}", duration, "--timeout", "10s"]
        done = subprocess.run(
            [*command, "-s", str(script), f"{base}/"],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise LoadFailed(
            f"wrk failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}"
        )
    raw = json.loads(line.removeprefix("WRK_JSON "))
    failed = {
        k: raw[k] for k in ("connect", "read", "write", "status", "timeout", "not_200") if raw[k]
    }
    if failed:
        raise LoadFailed(
            f"wrk saw failed requests {failed} of {raw['requests']}: {requests[0][1]} ..."
        )
    if raw["requests"] == 0:
        raise LoadFailed(f"wrk: no request completed in {seconds} s: {requests[0][1]} ...")
    seconds_taken = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": round(seconds_taken, 2),
        "rps": round(raw["requests"] / seconds_taken, 1),
        **{f"p{q}_ms": round(raw[f"p{q}_us"] / 1000, 2) for q in (50, 90, 99)},
        "max_ms": round(raw["max_us"] / 1000, 2),
        "connections": connections,
        "client": "wrk",
    }


def wrk_version() -> str:
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return " ".join((done.stdout or done.stderr).split()[:2])


# --- the server process ---


def processes(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers when there are several)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (
                (task / "children").read_text().split() if (task / "children").exists() else []
            )
            queue += [int(c) for c in children]
    return found


def memory(pid: int) -> dict[str, Any]:
    """Peak and current resident memory (VmHWM, VmRSS) of the server's processes, MB,
    and their proportional set size (PSS: a page shared by two workers, such as the
    database file SQLite maps or the code, counts half in each), the memory they use
    between them."""
    each = []
    for number in processes(pid):
        status = dict(
            line.split(":", 1)
            for line in Path(f"/proc/{number}/status").read_text().splitlines()
            if ":" in line
        )
        mb = {k: round(int(status[k].split()[0]) / 1024, 1) for k in ("VmHWM", "VmRSS")}
        rollup = Path(f"/proc/{number}/smaps_rollup").read_text().splitlines()
        pss = next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        each.append(
            {
                "pid": number,
                "peak_rss_mb": mb["VmHWM"],
                "rss_mb": mb["VmRSS"],
                "pss_mb": round(pss / 1024, 1),
            }
        )
    return {
        "peak_rss_mb": round(sum(p["peak_rss_mb"] for p in each), 1),
        "rss_mb": round(sum(p["rss_mb"] for p in each), 1),
        "pss_mb": round(sum(p["pss_mb"] for p in each), 1),
        "processes": each,
    }


def cpu_seconds(pid: int) -> float:
    ticks = 0
    for number in processes(pid):
        fields = Path(f"/proc/{number}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def profile(pid: int, path: Path, seconds: int, load: Callable[[], Any]) -> dict[str, Any]:
    """py-spy samples the server while `load` runs (raw stacks written to `path`).
    Returned: our functions (tailored/...) by the share of samples they are on the
    stack, and any function by the share it is the one running ("self")."""
    spy_path = shutil.which("py-spy") or shutil.which("py-spy", path=Path(sys.executable).parent)
    if spy_path is None:
        return {"skipped": "py-spy is not installed (pip install py-spy)"}
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [spy_path, "record", "--pid", str(pid), "--duration", str(seconds), "--format", "raw"]
    spy = subprocess.Popen([*command, "--rate", "200", "--output", str(path), "--nonblocking"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    load()
    output = spy.communicate(timeout=seconds + 60)[0].decode(errors="replace")
    if spy.returncode != 0 or not path.exists():
        return {"skipped": f"py-spy failed: {output[-500:]}"}
    ours: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        # "Class.method (tailored/x/y.py:12)" -> "Class.method (tailored/x/y.py)"
        frames = [frame.rsplit(":", 1)[0] + ")" for frame in stack.split(";")]
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            if "(tailored/" in frame:
                ours[frame] += int(count)

    def top(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, round(n / total, 3)) for name, n in counter.most_common(25)]

    return {"file": str(path), "samples": total, "ours": top(ours), "self": top(own)}


if __name__ == "__main__":
    main()
