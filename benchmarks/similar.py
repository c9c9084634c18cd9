"""Similar items: are they similar in kind, and do they still predict what comes next?

For item_knn (behaviour), content (the catalog's words) and similar_blend (its defaults
and a few other settings), each item's similar items are what serving shows: its top 10 with
evidence (`related`, a similarity above 0), the item itself never.

- Demo store (`tailored.demo` generates it, events through the engine's own
  weighting): the share of similar items in the query item's top-level (first)
  category, and sharing any category.
- MovieLens 100K: the mean Jaccard overlap of genres between an item and its similar
  items.
- On both, "similar" as next-item prediction: each user's latest interaction is held
  out, the model fit on the rest, and the similar items of the user's latest remaining
  item (less the items they already had) are scored against it: HR@10 and NDCG@10.
- Fitting content on a synthetic catalog of `--scale-items` items (0: skipped).

Items listed: every item in the catalog, also those without behaviour (item_knn gives
them nothing; `with_list` says for how many items a model has any similar item).
Results go to benchmarks/results/similar.json.

    python benchmarks/similar.py
    python benchmarks/similar.py --shoppers 40 --scale-items 0    # a quick run
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ingest import machine  # benchmarks/ingest.py, beside this file
from tailored import Engine, __version__
from tailored.config import Settings
from tailored.data import Interactions, Vocabulary
from tailored.data.features import ItemFeatures, ItemText
from tailored.data.interactions import natural_order
from tailored.demo.data import generate_store
from tailored.domain.catalog import Item
from tailored.models import Content, ItemKNN, Recommender, SimilarBlend
from tailored.readers.movielens import MovieLensFolder
from tailored.readers.rows import ERROR_KEY
from tailored.testing.provenance import source
from tailored.workflows.evaluation import read_movielens

RESULTS = Path(__file__).parent / "results" / "similar.json"
ML_100K = Path(__file__).parents[2] / "shared" / "data" / "movielens" / "ml-100k"
K = 10
# similar_blend's settings besides its defaults: content's share, and behaviour between
# items that share no category counted in full (cross_category 1) instead of not at all.
VARIANTS: dict[str, dict[str, float]] = {
    "weight=0.5": {"weight": 0.5},
    "cross_category=1": {"cross_category": 1.0},
    "weight=0.5 cross_category=1": {"weight": 0.5, "cross_category": 1.0},
}
NOW = datetime(2026, 11, 20, tzinfo=UTC)  # the demo's clock: the same store every run
Kinds = dict[str, tuple[str, ...]]


def models() -> dict[str, Callable[[], Recommender]]:
    made: dict[str, Callable[[], Recommender]] = {
        "item_knn": ItemKNN,
        "content": Content,
        "similar_blend": SimilarBlend,
    }
    for name, params in VARIANTS.items():
        made[f"similar_blend {name}"] = lambda p=params: SimilarBlend(**p)  # type: ignore[arg-type]
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shoppers", type=int, default=200, help="demo store shoppers")
    parser.add_argument("--movielens", type=Path, default=ML_100K)
    parser.add_argument("--scale-items", type=int, default=100_000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    started = time.perf_counter()
    results: dict[str, Any] = {"demo": demo(args.shoppers)}
    print(json.dumps(results["demo"], indent=2), flush=True)
    results["ml-100k"] = movielens(args.movielens)
    print(json.dumps(results["ml-100k"], indent=2), flush=True)
    if args.scale_items:
        results["scale"] = scale(args.scale_items)
        print(json.dumps(results["scale"], indent=2), flush=True)
    report = {
        "benchmark": "similar",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "tailored": __version__,
        "machine": machine(),
        "source": source(),
        "protocol": f"top {K} similar items with evidence (related > 0) of every catalog "
        "item; next item: each user's latest interaction held out, the similar items of "
        "their latest remaining item (less what they had) scored against it",
        "parameters": {"shoppers": args.shoppers, "variants": VARIANTS, "k": K},
        "results": results,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {args.output}")


# --- the two data sets -----------------------------------------------------------------


def demo(shoppers: int) -> dict[str, Any]:
    """The demo store loaded into an engine; interactions and features as training
    builds them."""
    store = generate_store(n_shoppers=shoppers, now=NOW)
    settings = Settings(serving_refresh_seconds=0)
    with Engine.open("sqlite://", settings=settings, clock=lambda: NOW) as engine:
        assert not engine.items.upsert_many(list(store.items)).rejected
        for start in range(0, len(store.events), 10_000):
            engine.events.record_many(list(store.events[start : start + 10_000]))
        features = engine.training.item_features()
        data = engine.training.interactions(catalog=features)
    kinds = {row["id"]: tuple(row["categories"]) for row in store.items}
    figures = {}
    for name, make in models().items():
        model = make().fit(data, features=features)
        figures[name] = {
            **kind_shares(model, kinds),
            **next_item(make, data, features),
        }
    return {"items": len(kinds), "interactions": len(data), "models": figures}


def movielens(path: Path) -> dict[str, Any]:
    folder = MovieLensFolder.open(path)
    rows = [row for _, row in folder.rows("items") if ERROR_KEY not in row]
    features = ItemFeatures.of(
        Item(row["id"], row["title"], categories=tuple(row["categories"]),
             attributes=row["attributes"])
        for row in rows
    )  # fmt: skip
    ratings, _ = read_movielens(path)
    data = with_items(ratings, features.ids)
    genres = {row["id"]: tuple(row["categories"]) for row in rows}
    figures = {}
    for name, make in models().items():
        model = make().fit(data, features=features)
        figures[name] = {**genre_overlap(model, genres), **next_item(make, data, features)}
    return {"items": len(genres), "interactions": len(data), "models": figures}


def scale(n_items: int) -> dict[str, Any]:
    """Content's fit on a synthetic catalog: 60 categories (Zipf), 100 product nouns,
    40 brands, 15 colours, 3 genders, 4 seasons, one currency."""
    rng = np.random.default_rng(1)
    share = 1 / np.arange(1, 61)
    category = rng.choice(60, size=n_items, p=share / share.sum())
    texts = []
    for i in range(n_items):
        brand, colour = f"brand{rng.integers(40)}", f"colour{rng.integers(15)}"
        noun = f"noun{(category[i] * 7 + rng.integers(3)) % 100}"
        attributes = (("brand", brand), ("colour", colour), ("gender", "mwu"[i % 3]),
                      ("season", "swap"[i % 4]), ("currency", "EUR"))  # fmt: skip
        texts.append(
            ItemText(f"i{i}", f"{brand} {noun} {colour}", (f"c{category[i]}",), attributes)
        )
    features = ItemFeatures(tuple(texts))
    data = with_items(Interactions.from_ids(["u"], ["i0"]), features.ids)
    started = time.perf_counter()
    model = Content().fit(data, features=features)
    return {
        "items": n_items,
        "content_fit_s": round(time.perf_counter() - started, 1),
        "neighbours_kept": int(model.similarity_.nnz),
    }


# --- the measures ------------------------------------------------------------------------


def similar_lists(model: Recommender) -> list[tuple[int, list[int]]]:
    """(item, its top K related items) for every item of the model."""
    lists = []
    for item in range(model.n_items):
        found, scores = model.related(item)
        order = np.lexsort((found, -scores))[:K]
        lists.append((item, found[order].tolist()))
    return lists


def kind_shares(model: Recommender, kinds: Kinds) -> dict[str, Any]:
    ids = model.items_.ids.tolist()
    same_top, same_any, listed, with_list = 0, 0, 0, 0
    for item, similar in similar_lists(model):
        query = kinds.get(ids[item], ())
        if not query or not similar:
            continue
        with_list += 1
        for other in similar:
            theirs = kinds.get(ids[other], ())
            listed += 1
            same_top += bool(theirs) and theirs[0] == query[0]
            same_any += not set(theirs).isdisjoint(query)
    return {
        "same_top_category": round(same_top / max(listed, 1), 4),
        "same_any_category": round(same_any / max(listed, 1), 4),
        "with_list": round(with_list / len(kinds), 4),
    }


def genre_overlap(model: Recommender, genres: Kinds) -> dict[str, Any]:
    ids = model.items_.ids.tolist()
    overlaps, with_list = [], 0
    for item, similar in similar_lists(model):
        query = set(genres.get(ids[item], ()))
        if not query or not similar:
            continue
        with_list += 1
        for other in similar:
            theirs = set(genres.get(ids[other], ()))
            overlaps.append(len(query & theirs) / len(query | theirs))
    return {
        "genre_jaccard": round(float(np.mean(overlaps)), 4) if overlaps else 0.0,
        "with_list": round(with_list / len(genres), 4),
    }


def next_item(
    make: Callable[[], Recommender], data: Interactions, features: ItemFeatures
) -> dict[str, Any]:
    """Leave the latest interaction of each user with 3 or more out; rank the similar
    items of their latest remaining one."""
    order = np.lexsort((data.item, data.time, data.user))
    user, item = data.user[order], data.item[order]
    last = np.flatnonzero(np.r_[user[1:] != user[:-1], True])
    counts = np.bincount(user, minlength=len(data.users))
    held = last[counts[user[last]] >= 3]
    keep = np.ones(len(order), dtype=np.bool_)
    keep[held] = False
    rows = order[keep]
    train = Interactions.from_indices(
        data.users, data.items, data.user[rows], data.item[rows], data.time[rows],
        data.weight[rows],
    )  # fmt: skip
    model = make().fit(train, features=features)
    had: dict[int, set[int]] = {}
    for u, i in zip(train.user.tolist(), train.item.tolist(), strict=True):
        had.setdefault(u, set()).add(i)
    ndcg, hits = [], []
    for position in held:
        u = int(user[position])
        query = int(item[position - 1])  # the latest remaining (the rows are in time order)
        found, scores = model.related(query)
        ranked = [int(found[j]) for j in np.lexsort((found, -scores)) if found[j] not in had[u]]
        rank = ranked[:K].index(int(item[position])) if int(item[position]) in ranked[:K] else -1
        hits.append(rank >= 0)
        ndcg.append(1 / np.log2(rank + 2) if rank >= 0 else 0.0)
    return {
        "next_item_hr@10": round(float(np.mean(hits)), 4),
        "next_item_ndcg@10": round(float(np.mean(ndcg)), 4),
        "next_item_users": len(held),
    }


def with_items(data: Interactions, ids: Sequence[str]) -> Interactions:
    """`data` with every catalog item in its vocabulary, as training does for models
    that read the catalog."""
    items = Vocabulary(natural_order([*data.items.ids.tolist(), *ids]))
    index = items.index(data.items.ids)[data.item]
    return Interactions.from_indices(data.users, items, data.user, index, data.time, data.weight)


if __name__ == "__main__":
    main()
