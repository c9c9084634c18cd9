"""Recommendation quality and speed: our models against `implicit`, on real and synthetic data.

Follows the "Offline evaluation protocol" of DESIGN.md for every model, ours and peers
alike: per-user temporal split, parameters tuned (`tailored.metrics.tune`) on a second
temporal split inside train, the winner refit on all of train and scored on the test
(NDCG@10, Recall@20, HR@10, coverage@10, tuning / fit / scoring seconds).

- MovieLens folders (`--movielens`, repeatable; `u.data`, `ratings.dat` or
  `ratings.csv`): every rating is one interaction of weight 1 at its unix time.
- Online Retail (`--retail`): customers x stock codes; each invoice line is one
  interaction of weight 1 at the invoice time (repeats add up), cancellations
  (invoice "C...", quantity <= 0) and lines without a customer dropped.
- `--scale`: a seeded synthetic matrix (100,000 users x 50,000 items x 5,000,000
  interactions, Zipf-like users and items); each model is fit in its own process
  (peak RSS per model) and scores 1,000 users.

Peers are `implicit` models (ALS, BPR, cosine and BM25 item-kNN), wrapped below as
`Recommender`s that score histories, like ours. They need `pip install 'tailored[bench]'`;
without it (or with `--peers none`) only our models run. Everything runs on one BLAS
thread and one implicit thread. Results go to benchmarks/results/recsys.json.

    python benchmarks/recsys.py                          # ml-100k and retail, all models
    python benchmarks/recsys.py --no-retail --models ease,ials --peers als
    python benchmarks/recsys.py --scale --no-movielens --no-retail
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import multiprocessing
import os
import platform
import resource
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import scipy
import scipy.sparse as sp

from tailored import __version__
from tailored.data import Histories, Interactions, Vocabulary, temporal_split
from tailored.errors import InvalidInput
from tailored.metrics import evaluate, tune
from tailored.models import MODELS, Recommender
from tailored.models.grids import GRIDS, grid
from tailored.testing.provenance import source

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results" / "recsys.json"
MOVIELENS = ROOT.parent / "shared" / "data" / "movielens" / "ml-100k"
RETAIL = ROOT.parent / "shared" / "data" / "retail" / "online-retail"
TARGETS = {
    "ml-100k_best_ndcg@10": 0.26,
    "ml-100k_pipeline_s": 180.0,
    "scale_fit_s": 300.0,
    "scale_peak_rss_mb": 4096.0,
}
SCALE_ITERATIONS = 15  # the iterations a projected iALS / ALS fit time is for
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # spawned children read it at start
os.environ.setdefault("MKL_NUM_THREADS", "1")


# --- peers: implicit's models behind our contract ---


class _Implicit(Recommender):
    """Shared plumbing: params as given, one implicit thread, nothing saved."""

    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise InvalidInput("params", f"{self.name} has no parameter {sorted(unknown)[0]!r}")
        self.params = {**self.defaults, **params}

    def get_params(self) -> dict[str, Any]:
        return dict(self.params)

    def _state(self) -> dict[str, npt.NDArray[Any]]:
        raise NotImplementedError("benchmark peers are not saved")

    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        raise NotImplementedError("benchmark peers are not saved")

    def _counts(self, data: Interactions) -> sp.csr_matrix:
        return data.matrix().astype(np.float32).tocsr()


class ImplicitALS(_Implicit):
    """implicit's ALS (conjugate gradient); histories folded in with `recalculate_user`."""

    name = "implicit_als"
    defaults: ClassVar[dict[str, Any]] = {
        "factors": 64,
        "regularization": 0.1,
        "alpha": 1.0,
        "iterations": 15,
        "seed": 0,
    }

    def _fit(self, data: Interactions) -> None:
        from implicit.cpu.als import AlternatingLeastSquares

        p = self.params
        self.model_ = AlternatingLeastSquares(
            factors=p["factors"],
            regularization=p["regularization"],
            alpha=p["alpha"],
            iterations=p["iterations"],
            random_state=p["seed"],
            num_threads=1,
        )
        self.model_.fit(self._counts(data), show_progress=False)

    def score(self, histories: Histories, *, now: float | None = None) -> npt.NDArray[np.float64]:
        h = histories.matrix(n_items=self.n_items).astype(np.float32).tocsr()
        users = self.model_.recalculate_user(np.arange(len(histories)), h)
        return np.asarray(users @ self.model_.item_factors.T, dtype=np.float64)


class ImplicitBPR(_Implicit):
    """implicit's BPR. It has no fold-in, so a history is scored with the factors of the
    training user it belongs to (the protocol scores exactly the fitted users' train
    histories); an empty history gets the item biases alone."""

    name = "implicit_bpr"
    defaults: ClassVar[dict[str, Any]] = {
        "factors": 64,
        "learning_rate": 0.01,
        "regularization": 0.01,
        "iterations": 100,
        "seed": 0,
    }

    def _fit(self, data: Interactions) -> None:
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        p = self.params
        self.model_ = BayesianPersonalizedRanking(
            factors=p["factors"],
            learning_rate=p["learning_rate"],
            regularization=p["regularization"],
            iterations=p["iterations"],
            random_state=p["seed"],
            num_threads=1,
        )
        self.model_.fit(self._counts(data), show_progress=False)
        fitted = data.histories()
        self.users_ = {
            _key(fitted, r): r
            for r in range(len(fitted))
            if fitted.indptr[r + 1] > fitted.indptr[r]
        }

    def score(self, histories: Histories, *, now: float | None = None) -> npt.NDArray[np.float64]:
        factors = np.zeros((len(histories), self.model_.user_factors.shape[1]), np.float32)
        factors[:, -1] = 1.0  # the bias column: empty histories rank by item bias
        for r in range(len(histories)):
            if len(histories.row(r)):
                user = self.users_.get(_key(histories, r))
                if user is None:
                    raise InvalidInput("histories", "implicit BPR scores only its training users")
                factors[r] = self.model_.user_factors[user]
        return np.asarray(factors @ self.model_.item_factors.T, dtype=np.float64)


def _key(histories: Histories, r: int) -> bytes:
    return histories.row(r).tobytes() + histories.row_times(r).tobytes()


class _ImplicitKNN(_Implicit):
    """An implicit item-item model: a history scores items by its weighted similarities."""

    def _fit(self, data: Interactions) -> None:
        self.model_ = self._make()
        with warnings.catch_warnings():  # its cosine / BM25 hand its own kNN a COO matrix
            warnings.filterwarnings("ignore", message="Method expects CSR input")
            self.model_.fit(self._counts(data), show_progress=False)
        self.similarity_ = self.model_.similarity.tocsr().astype(np.float64)

    def _make(self) -> Any:
        raise NotImplementedError

    def score(self, histories: Histories, *, now: float | None = None) -> npt.NDArray[np.float64]:
        h = histories.matrix(n_items=self.n_items)
        return np.asarray((h @ self.similarity_).toarray(), dtype=np.float64)


class ImplicitCosine(_ImplicitKNN):
    name = "implicit_cosine"
    defaults: ClassVar[dict[str, Any]] = {"K": 100}

    def _make(self) -> Any:
        from implicit.nearest_neighbours import CosineRecommender

        return CosineRecommender(K=self.params["K"], num_threads=1)


class ImplicitBM25(_ImplicitKNN):
    name = "implicit_bm25"
    defaults: ClassVar[dict[str, Any]] = {"K": 100, "K1": 1.2, "B": 0.75}

    def _make(self) -> Any:
        from implicit.nearest_neighbours import BM25Recommender

        p = self.params
        return BM25Recommender(K=p["K"], K1=p["K1"], B=p["B"], num_threads=1)


PEERS: dict[str, tuple[type[Recommender], list[dict[str, Any]]]] = {
    "als": (
        ImplicitALS,
        grid(
            factors=[32, 64, 128],
            regularization=[0.01, 0.1, 1.0],
            alpha=[1.0, 5.0, 20.0],
            iterations=[15],
        ),
    ),
    "bpr": (
        ImplicitBPR,
        grid(
            factors=[32, 64, 128],
            learning_rate=[0.01, 0.05],
            regularization=[0.001, 0.01],
            iterations=[100],
        ),
    ),
    "knn": (ImplicitCosine, grid(K=[50, 100, 200, 400])),
    "bm25": (ImplicitBM25, grid(K=[50, 100, 200, 400], B=[0.5, 0.75])),
}
# Grids trimmed on retail to keep the run within minutes (recorded in the results): our
# iALS fits in ~12 s there (a per-row Python loop), so 27 candidates would take ~6 min.
RETAIL_TRIMS: dict[str, list[dict[str, Any]]] = {
    "ials": grid(factors=[64], l2=[1.0, 10.0], alpha=[1.0, 5.0, 20.0]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--movielens", type=Path, action="append", help=f"default {MOVIELENS}")
    parser.add_argument("--no-movielens", action="store_true")
    parser.add_argument("--retail", type=Path, default=RETAIL)
    parser.add_argument("--no-retail", action="store_true")
    parser.add_argument("--models", default=",".join(MODELS), help="ours, comma-separated")
    parser.add_argument("--peers", default=",".join(PEERS), help=f"{','.join(PEERS)} or none")
    parser.add_argument("--scale", action="store_true", help="also run the synthetic scale test")
    parser.add_argument("--scale-users", type=int, default=100_000)
    parser.add_argument("--scale-items", type=int, default=50_000)
    parser.add_argument("--scale-interactions", type=int, default=5_000_000)
    parser.add_argument(
        "--scale-iterations", type=int, default=SCALE_ITERATIONS, help="our iALS at scale"
    )
    parser.add_argument("--scale-timeout", type=float, default=900.0, help="seconds per model")
    parser.add_argument("--scale-memory-limit-gb", type=float, default=12.0)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--merge",
        action="store_true",
        help="lay this run's results over those already in --output, model by model, "
        "instead of replacing the file",
    )
    args = parser.parse_args()
    blas_threads = limit_blas_threads()
    models = choose(args.models, list(MODELS), "--models")
    peers = peers_available(choose(args.peers, list(PEERS), "--peers"))

    report: dict[str, Any] = {
        "benchmark": "recsys",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "tailored": __version__,
        "machine": machine(blas_threads),
        "source": source(),
        "parameters": {"models": models, "peers": peers, "scale": args.scale},
        "protocol": "DESIGN.md 'Offline evaluation protocol'; tune() on a temporal split "
        "of train, refit on train, evaluate() on the test",
        "datasets": {},
    }
    folders = [] if args.no_movielens else (args.movielens or [MOVIELENS])
    for folder in folders:
        report["datasets"][folder.name] = run_dataset(
            folder.name, lambda f=folder: read_movielens(f), models, peers, {}
        )
    if not args.no_retail:
        report["datasets"][args.retail.name] = run_dataset(
            args.retail.name, lambda: read_retail(args.retail), models, peers, RETAIL_TRIMS
        )
    if args.scale:
        report["scale"] = run_scale(args, models, peers)
    if args.merge and args.output.exists():
        report = merge(json.loads(args.output.read_text()), report)
    report["targets"] = TARGETS
    report["targets_met"] = targets_met(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["targets_met"], indent=2))
    print(f"written to {args.output}")


def choose(value: str, known: list[str], option: str) -> list[str]:
    if value.strip().lower() == "none":
        return []
    names = [name.strip() for name in value.split(",") if name.strip()]
    for name in names:
        if name not in known:
            raise SystemExit(f"{option}: unknown name {name!r} (known: {', '.join(known)})")
    return names


def peers_available(peers: list[str]) -> list[str]:
    if not peers:
        return []
    try:
        import implicit  # noqa: F401
    except ImportError:
        print(
            "implicit is not installed, so the peers are skipped: "
            "pip install 'tailored[bench]' (or pass --peers none)",
            file=sys.stderr,
        )
        return []
    return peers


def limit_blas_threads() -> int | None:
    """One BLAS thread for everyone (implicit asks for it; the comparison stays fair)."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return None
    threadpool_limits(1, "blas")
    return max(
        (i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"), default=None
    )


# --- data ---


def read_movielens(folder: Path) -> Interactions:
    """u.data (ml-100k), ratings.dat (ml-1m, '::') or ratings.csv (ml-latest, header)."""
    if (folder / "u.data").exists():
        rows = np.loadtxt(folder / "u.data", dtype=np.int64, ndmin=2)
    elif (folder / "ratings.dat").exists():
        text = (folder / "ratings.dat").read_text(encoding="latin-1").replace("::", "\t")
        rows = np.loadtxt(text.splitlines(), dtype=np.float64, ndmin=2).astype(np.int64)
    elif (folder / "ratings.csv").exists():
        rows = np.loadtxt(folder / "ratings.csv", delimiter=",", skiprows=1, ndmin=2)
        rows = rows.astype(np.int64)
    else:
        raise SystemExit(f"--movielens {folder}: no u.data, ratings.dat or ratings.csv")
    return Interactions.from_ids(
        rows[:, 0].astype(str).tolist(), rows[:, 1].astype(str).tolist(), times=rows[:, 3]
    )


def read_retail(folder: Path) -> Interactions:
    path = folder / "online_retail.csv.gz"
    if not path.exists():
        raise SystemExit(f"--retail {folder}: no online_retail.csv.gz")
    customers, codes, dates = [], [], []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if row["InvoiceNo"].startswith("C") or not row["CustomerID"]:
                continue
            if int(row["Quantity"]) <= 0:
                continue
            customers.append(row["CustomerID"].removesuffix(".0"))
            codes.append(row["StockCode"])
            dates.append(row["InvoiceDate"])
    times = np.array(dates, dtype="datetime64[s]").astype(np.int64)
    return Interactions.from_ids(customers, codes, times=times)


def synthetic(n_users: int, n_items: int, n_interactions: int, *, seed: int) -> Interactions:
    """Distinct (user, item) pairs: user activity ~ rank^-0.5 (the busiest users hold a
    few thousand items, as in MovieLens 20M), item popularity ~ rank^-0.9; times
    uniform over 180 days. Ids are "0".."n-1" (natural order = dense index)."""
    rng = np.random.default_rng(seed)
    user_p = _zipf(n_users, 0.5, rng)
    item_p = _zipf(n_items, 0.9, rng)
    keys = np.zeros(0, dtype=np.int64)
    while len(keys) < n_interactions:
        draw = int((n_interactions - len(keys)) * 1.2) + 1000
        users = rng.choice(n_users, draw, p=user_p)
        items = rng.choice(n_items, draw, p=item_p)
        keys = np.unique(np.concatenate((keys, users.astype(np.int64) * n_items + items)))
    keys = np.sort(rng.choice(keys, n_interactions, replace=False))
    times = rng.uniform(0, 180 * 86_400, n_interactions).round()
    return Interactions(
        Vocabulary(map(str, range(n_users))),
        Vocabulary(map(str, range(n_items))),
        keys // n_items,
        keys % n_items,
        times,
        np.ones(n_interactions),
    )


def _zipf(n: int, exponent: float, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    p = np.arange(1, n + 1, dtype=np.float64) ** -exponent
    return rng.permutation(p / p.sum())  # popularity unrelated to the id


# --- quality ---


def run_dataset(
    name: str,
    read: Callable[[], Interactions],
    models: list[str],
    peers: list[str],
    trims: Mapping[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    print(f"== {name}", flush=True)
    started = time.perf_counter()
    data = read()
    train, test = temporal_split(data)
    loaded = time.perf_counter() - started
    result: dict[str, Any] = {
        "users": len(data.users),
        "items": len(data.items),
        "interactions": len(data),
        "train": len(train),
        "test": len(test),
        "load_split_s": round(loaded, 2),
        "models": {},
        "grids_trimmed": {},
    }
    runs = [(name, MODELS[name], GRIDS[name]) for name in models]
    runs += [(PEERS[p][0].name, PEERS[p][0], PEERS[p][1]) for p in peers]
    for model, make, full_grid in runs:
        chosen = list(trims.get(model, full_grid))
        if len(chosen) != len(full_grid):
            result["grids_trimmed"][model] = {"from": len(full_grid), "to": chosen}
        result["models"][model] = run_model(make, chosen, train, test)
        print(f"   {model}: {summary(result['models'][model])}", flush=True)
    ours = [result["models"][m]["total_s"] for m in models if "total_s" in result["models"][m]]
    result["ours_pipeline_s"] = round(loaded + sum(ours), 1)
    print_table(name, result)
    return result


def run_model(
    make: Callable[..., Recommender],
    candidates: list[dict[str, Any]],
    train: Interactions,
    test: Interactions,
) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        best, validation = tune(make, candidates, train)
        tuned = time.perf_counter()
        result = evaluate(make(**best), train, test).as_dict()
    except InvalidInput as error:  # e.g. EASE refusing a catalog beyond its limit
        return {"error": str(error)}
    total = time.perf_counter() - started
    chosen = validation[candidates.index(best)]
    return {
        **result,
        "params": dict(best),
        "val_ndcg@10": round(chosen.ndcg_at_10, 4),
        "grid_size": len(candidates),
        "tune_s": round(tuned - started, 2),
        "total_s": round(total, 2),
    }


def summary(result: Mapping[str, Any]) -> str:
    if "error" in result:
        return "error: " + result["error"]
    return (
        f"ndcg@10 {result['ndcg@10']:.4f} (val {result['val_ndcg@10']:.4f}) "
        f"in {result['total_s']:.1f} s, {result['params']}"
    )


def print_table(name: str, result: Mapping[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{name}: {result['users']} users x {result['items']} items, "
        f"{result['interactions']} interactions"
    )
    columns = [
        "model",
        "val ndcg@10",
        "ndcg@10",
        "recall@20",
        "hr@10",
        "cov@10",
        "tune s",
        "fit s",
        "score s",
        "params",
    ]
    for column in columns:
        table.add_column(column, justify="left" if column in ("model", "params") else "right")
    for model, r in result["models"].items():
        if "error" in r:
            table.add_row(model, *["-"] * 8, r["error"][:60])
            continue
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items())
        table.add_row(
            model,
            f"{r['val_ndcg@10']:.4f}",
            f"{r['ndcg@10']:.4f}",
            f"{r['recall@20']:.4f}",
            f"{r['hr@10']:.4f}",
            f"{r['coverage@10']:.3f}",
            f"{r['tune_s']:.1f}",
            f"{r['fit_s']:.2f}",
            f"{r['score_s']:.2f}",
            params,
        )
    Console(width=200).print(table)


# --- scale ---

SCALE_PEERS = ("implicit_als", "implicit_cosine")  # peers run at scale (default params)
PEER_CLASSES: dict[str, type[Recommender]] = {cls.name: cls for cls, _ in PEERS.values()}


def run_scale(args: argparse.Namespace, models: list[str], peers: list[str]) -> dict[str, Any]:
    shape = (args.scale_users, args.scale_items, args.scale_interactions)
    print(f"== scale: {shape[0]} users x {shape[1]} items x {shape[2]} interactions", flush=True)
    names = models + [PEERS[p][0].name for p in peers if PEERS[p][0].name in SCALE_PEERS]
    context = multiprocessing.get_context("spawn")
    results: dict[str, Any] = {}
    for name in names:
        params = {"iterations": args.scale_iterations} if name == "ials" else {}
        receiver, sender = context.Pipe(duplex=False)
        limit = int(args.scale_memory_limit_gb * 2**30)
        child = context.Process(target=scale_child, args=(name, params, shape, limit, sender))
        child.start()
        sender.close()
        if receiver.poll(args.scale_timeout):
            try:
                results[name] = receiver.recv()
            except EOFError:  # the child died (killed for memory, say)
                child.join()
                results[name] = {"error": f"process died, exit code {child.exitcode}"}
        else:
            results[name] = {
                "error": f"no result within {args.scale_timeout:.0f} s",
                "params": params,
            }
        child.join(10)
        if child.is_alive():
            child.terminate()
            child.join()
        if "iterations" in params and "fit_s" in results[name]:
            per = results[name]["fit_s"] / params["iterations"]
            results[name]["projected_fit_s_at_15_iterations"] = round(per * SCALE_ITERATIONS, 1)
        print(f"   {name}: {results[name]}", flush=True)
    return {
        "users": shape[0],
        "items": shape[1],
        "interactions": shape[2],
        "scored_users": 1000,
        "generator": "synthetic(): user activity ~ rank^-0.5, item popularity ~ rank^-0.9, seed 7",
        "models": results,
        "notes": [
            "each model in its own spawned process; peak_rss_mb = ru_maxrss of that "
            "process (data generation included; data_rss_mb is the peak after it)",
            f"our iALS runs {args.scale_iterations} iterations (--scale-iterations); "
            f"projected_fit_s_at_15_iterations scales its fit time linearly to {SCALE_ITERATIONS}",
            "default hyper-parameters for every model (no tuning at scale)",
        ],
    }


def scale_child(
    name: str, params: dict[str, Any], shape: tuple[int, int, int], limit: int, out: Any
) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # fail alone, not the machine
    limit_blas_threads()
    try:
        data = synthetic(*shape, seed=7)
        result: dict[str, Any] = {"params": params, "data_rss_mb": peak_rss_mb()}
        make = MODELS.get(name) or PEER_CLASSES[name]
        model = make(**params)
        started = time.perf_counter()
        model.fit(data)
        result["fit_s"] = round(time.perf_counter() - started, 2)
        users = np.random.default_rng(1).choice(shape[0], 1000, replace=False)
        histories = data.histories().take(users)
        started = time.perf_counter()
        scores = model.score(histories)
        result["score_1000_s"] = round(time.perf_counter() - started, 2)
        result["scores_finite"] = bool(np.isfinite(scores).all())
    except (InvalidInput, MemoryError) as error:
        result = {"params": params, "error": f"{type(error).__name__}: {error}"}
    result["peak_rss_mb"] = peak_rss_mb()
    out.send(result)
    out.close()


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


# --- report ---


def merge(previous: Mapping[str, Any], report: Mapping[str, Any]) -> dict[str, Any]:
    """`report` laid over a `previous` results file: each model this run measured
    replaces its old entry (per dataset, and at scale), every other entry is kept, the
    pipeline time is summed again, and the run is listed under "merged_runs"."""
    merged: dict[str, Any] = json.loads(json.dumps(previous))  # a deep copy
    merged.setdefault("merged_runs", []).append(
        {
            "date": report["date"],
            "tailored": report["tailored"],
            "machine": report["machine"],
            "parameters": report["parameters"],
            "datasets": list(report["datasets"]),
        }
    )
    parameters = merged["parameters"]
    for key in ("models", "peers"):
        parameters[key] += [n for n in report["parameters"][key] if n not in parameters[key]]
    parameters["scale"] = bool(parameters["scale"] or report["parameters"]["scale"])
    for name, new in report["datasets"].items():
        old = merged["datasets"].setdefault(name, new)
        if old is new:
            continue
        old["models"].update(new["models"])
        trimmed = {m: t for m, t in old["grids_trimmed"].items() if m not in new["models"]}
        old["grids_trimmed"] = trimmed | new["grids_trimmed"]
        ours = [old["models"].get(m, {}).get("total_s", 0.0) for m in parameters["models"]]
        old["ours_pipeline_s"] = round(old["load_split_s"] + sum(ours), 1)
    if "scale" in report:
        scale = merged.setdefault("scale", report["scale"])
        scale["models"].update(report["scale"]["models"])
        scale["notes"] = report["scale"]["notes"]
    return merged


def targets_met(report: Mapping[str, Any]) -> dict[str, Any]:
    met: dict[str, Any] = {}
    ml = report["datasets"].get("ml-100k")
    ours = report["parameters"]["models"]
    if ml is not None:
        scored = {m: ml["models"][m]["ndcg@10"] for m in ours if "ndcg@10" in ml["models"][m]}
        if scored:
            best = max(scored, key=lambda m: scored[m])
            met["ml-100k_best_model"] = best
            met["ml-100k_best_ndcg@10"] = scored[best] >= TARGETS["ml-100k_best_ndcg@10"]
        met["ml-100k_pipeline_s"] = ml["ours_pipeline_s"] <= TARGETS["ml-100k_pipeline_s"]
    if "scale" in report:
        for name, r in report["scale"]["models"].items():
            if name in ours and "error" in r:
                met.setdefault("scale_not_run", {})[name] = r["error"]
            if name not in ours or "error" in r:
                continue
            fit = r.get("projected_fit_s_at_15_iterations", r["fit_s"])
            met[f"scale_{name}_fit_s"] = fit <= TARGETS["scale_fit_s"]
            met[f"scale_{name}_peak_rss_mb"] = r["peak_rss_mb"] <= TARGETS["scale_peak_rss_mb"]
    return met


def machine(blas_threads: int | None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "blas_threads": blas_threads,
    }
    try:
        import implicit

        info["implicit"] = implicit.__version__
    except ImportError:
        info["implicit"] = None
    return info


if __name__ == "__main__":
    main()
