"""The console's session, on every backend: the browser holds a random session secret,
never the API key; the server keeps only its digest, ends it at logout, when it is idle
or old (the default limits), and when its key is revoked; every form that changes
something needs the session's CSRF token; pages carry the security headers."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.console.forms import csrf_token, login, post

from tailored import Engine
from tailored.config import Settings
from tailored.server import create_app
from tailored.server.headers import DOCS_POLICY
from tailored.storage.tables import console_sessions

COOKIE = "tailored_console"


def _set_cookie(response: Any, name: str) -> str:
    """The Set-Cookie header of `name` (lower-cased, to read its attributes)."""
    found = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(found) == 1, response.headers.get_list("set-cookie")
    return str(found[0]).lower()


def _admin(engine: Engine) -> tuple[str, str]:
    new = engine.keys.create("console", scopes=["admin"])
    return new.key.id, new.secret


def _stored_digests(engine: Engine) -> list[str]:
    with engine.db.reading() as conn:
        return list(conn.execute(select(console_sessions.c.token_hash)).scalars())


def test_the_cookie_is_a_session_secret_stored_only_hashed(engine: Engine) -> None:
    _, key = _admin(engine)
    client = TestClient(create_app(engine))
    response = login(client, key)
    assert response.status_code == 303
    secret = response.cookies[COOKIE]
    assert secret != key and key not in str(response.headers)
    assert _stored_digests(engine) == [hashlib.sha256(secret.encode()).hexdigest()]
    cookie = _set_cookie(response, COOKIE)
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie
    assert "secure" not in cookie  # plain HTTP (a local test): a Secure cookie never returns
    assert client.get("/console", follow_redirects=False).status_code == 200


def test_logging_in_again_replaces_the_browsers_session(engine: Engine) -> None:
    _, key = _admin(engine)
    client = TestClient(create_app(engine))
    first = login(client, key).cookies[COOKIE]
    second = login(client, key).cookies[COOKIE]
    assert first != second
    assert _stored_digests(engine) == [hashlib.sha256(second.encode()).hexdigest()]


def test_over_https_the_cookie_is_secure(engine: Engine) -> None:
    _, key = _admin(engine)
    client = TestClient(create_app(engine), base_url="https://testserver")
    response = login(client, key)
    assert response.status_code == 303
    assert "; secure" in _set_cookie(response, COOKIE)
    assert client.get("/console", follow_redirects=False).status_code == 200


def test_the_api_key_itself_is_no_longer_a_console_cookie(engine: Engine) -> None:
    _, key = _admin(engine)
    client = TestClient(create_app(engine))
    client.cookies.set(COOKIE, key, path="/console")
    assert client.get("/console", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set("tailored_admin", key)  # what earlier versions stored
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_on_the_server(engine: Engine) -> None:
    _, key = _admin(engine)
    client = TestClient(create_app(engine))
    secret = login(client, key).cookies[COOKIE]
    response = post(client, "/console/logout", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"
    assert "max-age=0" in _set_cookie(response, COOKIE)
    assert _stored_digests(engine) == []
    # The cookie, copied before the logout, opens nothing any more.
    thief = TestClient(create_app(engine))
    thief.cookies.set(COOKIE, secret, path="/console")
    assert thief.get("/console", follow_redirects=False).status_code == 303


def test_logins_and_logouts_are_in_the_audit_log(engine: Engine) -> None:
    key_id, key = _admin(engine)
    client = TestClient(create_app(engine))
    login(client, key)
    post(client, "/console/logout", follow_redirects=False)
    entries = engine.audit.list(actor=key_id).items
    assert [(e.action, e.target, e.actor.kind, e.actor.ip) for e in entries] == [
        ("console.logout", key_id, "console", "testclient"),
        ("console.login", key_id, "console", "testclient"),
    ]
    # A wrong key logs nobody in and records nothing.
    login(TestClient(create_app(engine)), "tk_wrong_key")
    assert len(engine.audit.list(action="console.login").items) == 1


def test_revoking_the_key_ends_its_sessions(engine: Engine) -> None:
    key_id, key = _admin(engine)
    _, other_key = _admin(engine)
    client, other = TestClient(create_app(engine)), TestClient(create_app(engine))
    login(client, key)
    login(other, other_key)
    assert client.get("/console", follow_redirects=False).status_code == 200
    engine.keys.revoke(key_id)
    assert engine.console_sessions.count(key_id) == 0  # gone with the revocation
    assert client.get("/console", follow_redirects=False).status_code == 303
    assert other.get("/console", follow_redirects=False).status_code == 200


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clocked(engine: Engine) -> tuple[Engine, Clock]:
    """An engine on the test database whose clock the test moves, with the settings
    users get (the default session limits)."""
    clock = Clock()
    assert engine.settings.console_session_idle_minutes == Settings().console_session_idle_minutes
    return Engine(engine.db, engine.settings, clock=clock), clock


def test_a_session_ends_after_two_idle_hours_by_default(
    clocked: tuple[Engine, Clock],
) -> None:
    engine, clock = clocked
    _, key = _admin(engine)
    client = TestClient(create_app(engine))
    login(client, key)
    clock.now += timedelta(minutes=119)
    assert client.get("/console/configurators", follow_redirects=False).status_code == 200
    clock.now += timedelta(minutes=119)  # used 119 minutes ago: still fine
    assert client.get("/console/configurators", follow_redirects=False).status_code == 200
    clock.now += timedelta(minutes=121)
    response = client.get("/console/configurators", follow_redirects=False)
    assert response.status_code == 303 and "/console/login" in response.headers["location"]
    assert _stored_digests(engine) == []


def test_a_session_ends_twelve_hours_after_login_however_busy(
    clocked: tuple[Engine, Clock],
) -> None:
    engine, clock = clocked
    _, key = _admin(engine)
    client = TestClient(create_app(engine))
    login(client, key)
    for _ in range(11):
        clock.now += timedelta(hours=1)
        assert client.get("/console/configurators", follow_redirects=False).status_code == 200
    clock.now += timedelta(minutes=59)
    assert client.get("/console/configurators", follow_redirects=False).status_code == 200
    clock.now += timedelta(minutes=2)  # 12 h 1 min after the login
    assert client.get("/console/configurators", follow_redirects=False).status_code == 303


# --- CSRF ------------------------------------------------------------------------------


@pytest.fixture
def console(shop: Engine) -> TestClient:
    shop.training.train("item_knn", tune=False)
    client = TestClient(create_app(shop))
    assert login(client, _admin(shop)[1]).status_code == 303
    return client


@pytest.mark.parametrize("token", [None, "", "0" * 64, "forged"])
def test_a_form_without_the_sessions_token_is_refused_and_changes_nothing(
    console: TestClient, shop: Engine, token: str | None
) -> None:
    version = shop.training.train("item_knn", tune=False)
    older = shop.training.versions()[-1]
    extra = {} if token is None else {"csrf_token": token}
    forms: list[tuple[str, dict[str, str]]] = [
        ("/console/models/retrain", {"model": "popular"}),
        (f"/console/models/{older.id}/activate", {}),
        ("/console/logout", {}),
    ]
    for path, form in forms:
        response = console.post(path, data={**form, **extra}, follow_redirects=False)
        assert response.status_code == 403, path
        assert response.headers["content-type"].startswith("text/html")
        assert "security token is missing or out of date" in response.text
        assert "Go back, reload the page and send it again" in response.text
    assert shop.jobs.list() == []
    assert shop.training.active("item_knn").id == version.id  # type: ignore[union-attr]
    assert console.get("/console", follow_redirects=False).status_code == 200  # not logged out


def test_another_sessions_token_does_not_do(console: TestClient, shop: Engine) -> None:
    other = TestClient(create_app(shop))
    login(other, _admin(shop)[1])
    foreign = csrf_token(other.get("/console/models"))
    assert foreign != csrf_token(console.get("/console/models"))
    response = console.post("/console/models/retrain", data={"model": "popular",
                                                             "csrf_token": foreign})  # fmt: skip
    assert response.status_code == 403 and shop.jobs.list() == []


def test_the_login_form_needs_its_token_too(engine: Engine) -> None:
    _, key = _admin(engine)
    client = TestClient(create_app(engine))
    response = client.post("/console/login", data={"key": key}, follow_redirects=False)
    assert response.status_code == 403 and "security token" in response.text
    assert COOKIE not in response.cookies and _stored_digests(engine) == []
    # The page it answers with has a fresh form that works.
    form = {"key": key, "csrf_token": csrf_token(response)}
    assert client.post("/console/login", data=form, follow_redirects=False).status_code == 303


def test_a_login_without_a_key_is_the_login_page_again(engine: Engine) -> None:
    client = TestClient(create_app(engine))
    token = csrf_token(client.get("/console/login"))
    response = client.post("/console/login", data={"csrf_token": token})
    assert response.status_code == 401 and "not an active admin key" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert COOKIE not in response.cookies and _stored_digests(engine) == []


def test_activating_a_version_id_no_database_can_hold_is_a_404_page(console: TestClient) -> None:
    for version_id in ("9223372036854775808", "99999999999999999999999", "-1", "x"):
        response = post(console, f"/console/models/{version_id}/activate")
        assert response.status_code == 404, (version_id, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        assert "There is no model version" in response.text
    largest = post(console, "/console/models/9223372036854775807/activate")
    assert largest.status_code == 404


# --- headers ---------------------------------------------------------------------------


def _policy(response: Any) -> dict[str, str]:
    header = response.headers["content-security-policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def _check_page_headers(response: Any) -> None:
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    policy = _policy(response)
    assert policy["default-src"] == "default-src 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/console", "/console/models", "/console/users/camper0",
                                  "/console/configurators"])  # fmt: skip
def test_console_pages_carry_the_security_headers_and_are_not_cached(
    console: TestClient, path: str
) -> None:
    response = console.get(path)
    assert response.status_code == 200
    _check_page_headers(response)
    assert response.headers["cache-control"] == "no-store"


def test_the_login_the_api_and_the_docs_carry_them_too(engine: Engine) -> None:
    client = TestClient(create_app(engine))
    _check_page_headers(client.get("/console/login"))
    _check_page_headers(client.get("/v1/items"))  # a 401 of the API
    _check_page_headers(client.get("/healthz"))
    docs = client.get("/docs")  # Swagger UI starts from an inline script, from 'self' only
    assert docs.status_code == 200 and docs.headers["x-frame-options"] == "DENY"
    assert docs.headers["content-security-policy"] == DOCS_POLICY
    assert "default-src 'self'" in DOCS_POLICY and "frame-ancestors 'none'" in DOCS_POLICY
