"""GET /v1/users/{id}/export: JSON or a zip of CSV files, admin only, streamed."""

from __future__ import annotations

import io
import json
import zipfile

from tests.conftest import Api

from tailored import Engine


def _person(engine: Engine) -> None:
    engine.items.upsert({"id": "mug", "title": "Mug"})
    engine.users.upsert("ann", {"city": "Oslo"})
    engine.events.record({"user_id": "ann", "type": "view", "item_id": "mug"})
    engine.events.record({"user_id": "anon-1", "type": "view", "item_id": "mug"})
    engine.users.merge("ann", "anon-1")


def test_export_as_json_and_as_zip(api: Api, engine: Engine) -> None:
    _person(engine)
    answer = api.client.get("/v1/users/ann/export", headers=api.admin)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert 'filename="export-ann.json"' in answer.headers["content-disposition"]
    data = answer.json()["data"]
    assert len(data["events"]) == 2 and data["merged_ids"][0]["anonymous_id"] == "anon-1"

    for asked in ({"params": {"format": "zip"}}, {"headers": {"Accept": "application/zip"}}):
        headers = {**api.admin, **asked.get("headers", {})}
        zipped = api.client.get("/v1/users/ann/export", headers=headers, params=asked.get("params"))
        assert zipped.status_code == 200, zipped.text
        assert zipped.headers["content-type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(zipped.content))
        assert "README.txt" in archive.namelist()
        assert archive.read("events.csv").decode().count("\n") == 3  # header + 2 rows
    # An explicit format wins over Accept.
    plain = api.client.get(
        "/v1/users/ann/export",
        params={"format": "json"},
        headers={**api.admin, "Accept": "application/zip"},
    )
    assert json.loads(plain.content)["user_id"] == "ann"


def test_export_errors(api: Api, engine: Engine) -> None:
    _person(engine)
    for key in (api.ingest, api.serve):
        assert api.client.get("/v1/users/ann/export", headers=key).status_code == 403
    missing = api.client.get("/v1/users/nobody/export", headers=api.admin)
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "user 'nobody' not found"
    merged = api.client.get("/v1/users/anon-1/export", headers=api.admin)
    assert merged.status_code == 409
    error = merged.json()["error"]
    assert error["code"] == "merged" and "merged into 'ann'" in error["message"]
    bad = api.client.get("/v1/users/ann/export", params={"format": "xml"}, headers=api.admin)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "query.format"


def test_an_id_of_any_characters_names_the_download(api: Api, engine: Engine) -> None:
    """An id outside Latin-1 in the file name once made the answer a 500 (the fuzzer)."""
    engine.users.upsert('é漢😀"x', {"city": "Oslo"})
    answer = api.client.get('/v1/users/é漢😀"x/export', headers=api.admin)
    assert answer.status_code == 200, answer.text
    disposition = answer.headers["content-disposition"]
    assert 'filename="export-____x.json"' in disposition
    assert "filename*=UTF-8''export-%C3%A9%E6%BC%A2%F0%9F%98%80%22x.json" in disposition
    assert answer.json()["user_id"] == 'é漢😀"x'
