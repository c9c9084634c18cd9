"""`tailored evaluate`: the offline protocol on a MovieLens folder or the stored events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app
from tailored.models import MODELS

ML_100K = Path("/work/shared/data/movielens/ml-100k")


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def write_pairs(folder: Path, *, users: int = 60, pairs: int = 25) -> Path:
    """A u.data where items come in pairs (2k, 2k+1): each user rates 4 pairs in time
    order, one half right after the other, so the latest ratings (the test) are
    predictable from the earlier ones by a model that learns the pairs."""
    lines = []
    for user in range(1, users + 1):
        for step in range(4):
            pair = (user + 7 * step) % pairs
            for half in (0, 1):
                stamp = 880_000_000 + 3600 * step + 60 * half
                lines.append(f"{user}\t{2 * pair + half + 1}\t{1 + (user % 5)}\t{stamp}")
    folder.mkdir(parents=True)
    (folder / "u.data").write_text("\n".join(lines) + "\n")
    return folder


def _json(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(path.read_text())
    return result


def test_a_folder_is_evaluated_with_tuning_and_the_results_written(tmp_path: Path) -> None:
    folder = write_pairs(tmp_path / "ml-pairs")
    out = tmp_path / "results.json"
    result = _run("evaluate", str(folder), "--models", "popular,item_knn", "--json", str(out))
    assert result.exit_code == 0, result.output
    for heading in ("NDCG@10", "Recall@20", "HR@10", "cov@10", "fit s", "score s"):
        assert heading in result.output
    assert "60 users x 50 items, 480 interactions (360 train / 120 test)" in result.output
    assert "item_knn params: neighbors=" in result.output
    report = _json(out)
    assert report["tuned"] is True
    assert list(report["models"]) == ["popular", "item_knn"]
    knn, popular = report["models"]["item_knn"], report["models"]["popular"]
    assert knn["candidates"] == 12 and popular["candidates"] == 4
    assert knn["users"] == 60
    assert 0 <= popular["ndcg@10"] < knn["ndcg@10"] <= 1  # the pairs are learnable
    assert knn["hr@10"] == 1.0  # the partner of the last pair is always in the top 10
    assert set(knn["params"]) == {"neighbors", "shrinkage"}


def write_movies(folder: Path, *, items: int = 50) -> None:
    """A u.item for `write_pairs`' items: each pair shares a genre (of the 19 flags)."""
    lines = []
    for item in range(1, items + 1):
        flags = ["0"] * 19
        flags[1 + (item - 1) // 2 % 18] = "1"
        lines.append(f"{item}|Movie {item} (1995)|01-Jan-1995||http://x/{item}|" + "|".join(flags))
    (folder / "u.item").write_text("\n".join(lines) + "\n")


def test_without_tuning_every_model_runs_with_its_defaults(tmp_path: Path) -> None:
    folder = write_pairs(tmp_path / "ml-pairs")
    write_movies(folder)  # the catalog the content models read
    out = tmp_path / "results.json"
    result = _run("evaluate", str(folder), "--no-tune", "--json", str(out))
    assert result.exit_code == 0, result.output
    report = _json(out)
    assert report["tuned"] is False and "not tuned" in result.output
    assert list(report["models"]) == list(MODELS)
    for name, model in report["models"].items():
        assert model["candidates"] == 0, name
        assert model["params"] == MODELS[name]().get_params(), name


def test_models_that_read_the_catalog_are_skipped_without_one(tmp_path: Path) -> None:
    folder = write_pairs(tmp_path / "ml-pairs")  # ratings only: no u.item
    out = tmp_path / "results.json"
    result = _run(
        "evaluate", str(folder), "-m", "item_knn,content", "--no-tune", "--json", str(out)
    )
    assert result.exit_code == 0, result.output
    report = _json(out)
    assert report["models"]["item_knn"]["candidates"] == 0
    assert report["models"]["content"] == {
        "skipped": "it reads the catalog (titles, categories), none given"
    }
    assert "content skipped: it reads the catalog" in result.output


def test_a_model_that_refuses_the_catalog_size_is_skipped_with_a_note(tmp_path: Path) -> None:
    folder = tmp_path / "wide"
    folder.mkdir()
    rows = [f"{1 + n % 50}\t{n + 1}\t4\t{880_000_000 + n}" for n in range(20_050)]
    (folder / "u.data").write_text("\n".join(rows) + "\n")
    out = tmp_path / "results.json"
    result = _run("evaluate", str(folder), "-m", "popular,ease", "--no-tune", "--json", str(out))
    assert result.exit_code == 0, result.output
    assert "ease skipped: the catalog has 20050 items, over ease's limit of 20000" in result.output
    report = _json(out)
    assert "skipped" in report["models"]["ease"]
    assert "ndcg@10" in report["models"]["popular"]
    alone = _run("evaluate", str(folder), "-m", "ease", "--no-tune")
    assert alone.exit_code == 1
    assert "no model could be evaluated" in alone.output


def test_the_stored_events_can_be_evaluated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:
        rows = [
            {"user_id": f"u{u}", "item_id": f"i{(u + k) % 30}", "type": "view",
             "timestamp": 1_700_000_000 + 60 * k}
            for u in range(20)
            for k in range(5)
        ]  # fmt: skip
        assert not engine.events.record_many(rows).rejected
    out = tmp_path / "results.json"
    result = _run("evaluate", "--store", "-d", url, "-m", "popular,ease", "--json", str(out))
    assert result.exit_code == 0, result.output
    report = _json(out)
    assert report["source"].startswith("store (sqlite:///")
    assert report["data"] == {"users": 20, "items": 24, "interactions": 100, "train": 80,
                              "test": 20}  # fmt: skip
    assert report["models"]["ease"]["candidates"] == 6


def test_stored_events_too_few_for_an_honest_evaluation_are_not_given_a_number(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Engine.open(url) as engine:  # the README's client example: 2 items, 3 events
        rows = [
            {"user_id": "u42", "type": kind, "item_id": item, "timestamp": 1_700_000_000 + s}
            for s, (kind, item) in enumerate(
                [("view", "beans"), ("purchase", "beans"), ("purchase", "filter")]
            )
        ]
        assert not engine.events.record_many(rows).rejected
    result = _run("evaluate", "--store", "-d", url, "-m", "popular", "--no-tune")
    assert result.exit_code == 1, result.output
    assert "too little data for an honest offline evaluation: 1 user" in result.output
    assert "NDCG@10" not in result.output and "0.6309" not in result.output


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--models", "popular"], 2, "give a MovieLens FOLDER or --store"),
        (["{folder}", "--store"], 2, "give a MovieLens FOLDER or --store"),
        (["{tmp}"], 2, "not a MovieLens folder"),
        (["{tmp}/missing"], 2, "is not a directory"),
        (["{folder}", "--models", "popular,deep"], 2, "unknown model 'deep'"),
        (["{folder}", "--models", " , "], 2, "name at least one model"),
        (["--store", "-d", "sqlite:///{tmp}/empty.db"], 1, "the store has no events"),
        (["{folder}", "-m", "popular", "--json", "{tmp}/no/such/dir/x.json"], 1, "--json"),
    ],
)
def test_mistakes_get_a_message_and_an_exit_code_not_a_traceback(
    tmp_path: Path, args: list[str], code: int, says: str
) -> None:
    folder = write_pairs(tmp_path / "ml-pairs")
    if "--store" in args and "-d" in args:  # an empty store (readers refuse a missing file)
        Engine.open(f"sqlite:///{tmp_path}/empty.db").close()
    filled = [a.format(folder=folder, tmp=tmp_path) for a in args]
    result = _run("evaluate", *filled)
    assert result.exit_code == code, result.output
    assert says in result.output
    assert "Traceback" not in result.output
    if code == 2:
        option = "--models" if "model" in says else "FOLDER"
        assert option in result.output


@pytest.mark.skipif(not ML_100K.is_dir(), reason=f"{ML_100K} is not here")
def test_real_movielens_100k(tmp_path: Path) -> None:
    out = tmp_path / "ml-100k.json"
    result = _run("evaluate", str(ML_100K), "--models", "popular,ease", "--no-tune",
                  "--json", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    report = _json(out)
    assert report["data"]["users"] == 943 and report["data"]["interactions"] == 100_000
    ease, popular = report["models"]["ease"], report["models"]["popular"]
    # The benchmark's figures on this protocol: EASE ~0.19, popularity ~0.1.
    assert 0.15 < ease["ndcg@10"] < 0.25
    assert popular["ndcg@10"] < ease["ndcg@10"]
    assert ease["users"] == 943
