"""`tailored keys ...`: API keys."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, cast

import typer
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, open_engine
from tailored.domain.keys import ApiKey, Per, RateLimit
from tailored.types import SCOPES

app = App(help="API keys (stored hashed; a key is shown once).", no_args_is_help=True)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^(\d+)([smhd]?)$")
_RATE = re.compile(r"^(\d+)/(s|sec|second|m|min|minute)$")


def parse_duration(text: str, *, option: str) -> int:
    """Seconds in ``90``, ``90s``, ``15m``, ``1h`` or ``30d``.

    >>> parse_duration("1h", option="--overlap"), parse_duration("45", option="--overlap")
    (3600, 45)
    """
    found = _DURATION.match(text.strip().lower())
    if not found:
        raise typer.BadParameter(
            f"{text!r} is not a duration: use e.g. 3600, 30m, 1h or 90d", param_hint=option
        )
    return int(found[1]) * _UNITS[found[2] or "s"]


def parse_expiry(text: str, *, now: datetime) -> datetime:
    """A moment: a duration from now (``90d``) or an ISO date or time (UTC if no zone)."""
    if _DURATION.match(text.strip().lower()):
        return now + timedelta(seconds=parse_duration(text, option="--expires"))
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is neither a duration (90d) nor a date (2027-01-31)",
            param_hint="--expires",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_rate(text: str, burst: int | None) -> RateLimit:
    """``10/s`` or ``600/min``; the burst defaults to one period's worth (at least 1)."""
    found = _RATE.match(text.strip().lower())
    if not found:
        raise typer.BadParameter(
            f"{text!r} is not a rate: use e.g. 10/s or 600/min", param_hint="--rate"
        )
    per = cast(Per, "second" if found[2].startswith("s") else "minute")
    requests = int(found[1])
    return RateLimit(requests, per, burst if burst is not None else max(1, requests))


@app.command()
def create(
    name: Annotated[str, typer.Argument(help="what the key is for, e.g. storefront")],
    scope: Annotated[
        list[str], typer.Option("--scope", "-s", help=f"repeatable: {', '.join(SCOPES)}")
    ],
    expires: Annotated[
        str | None,
        typer.Option(
            "--expires", help="when it stops working: in 90d, 12h, ... or on 2027-01-31 (UTC)"
        ),
    ] = None,
    rate: Annotated[
        str | None,
        typer.Option("--rate", help="a rate limit per server worker: 10/s or 600/min"),
    ] = None,
    burst: Annotated[
        int | None,
        typer.Option("--burst", help="requests allowed at once under --rate (default: the rate)"),
    ] = None,
    database_url: DatabaseOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print only the key")] = False,
) -> None:
    """Create a key and print it (this is the only time it is shown)."""
    if burst is not None and rate is None:
        raise typer.BadParameter("--burst needs --rate", param_hint="--burst")
    limit = parse_rate(rate, burst) if rate is not None else None
    with open_engine(database_url, create=True) as engine:
        expires_at = parse_expiry(expires, now=engine.keys.clock()) if expires else None
        new = engine.keys.create(name, scopes=scope, expires_at=expires_at, rate_limit=limit)
    if quiet:
        print(new.secret)
        return
    console.print(f"key [bold]{new.key.id}[/] ({', '.join(new.key.scopes)}) for {name}:")
    print(new.secret)
    console.print("[dim]Store it now: only its hash is kept.[/]")


@app.command("list")
def list_keys(database_url: DatabaseOption = None) -> None:
    """List keys (ids, names, scopes, expiry, rate limit, state), never the secrets."""
    with open_engine(database_url) as engine:
        keys = engine.keys.list()
        now = engine.keys.clock()
    table = Table("id", "name", "scopes", "created", "expires", "rate limit", "state")
    for key in keys:
        table.add_row(
            key.id,
            key.name,
            " ".join(key.scopes),
            f"{key.created_at:%Y-%m-%d %H:%M}",
            f"{key.expires_at:%Y-%m-%d %H:%M}" if key.expires_at else "never",
            str(key.rate_limit) if key.rate_limit else "none",
            _state(key, now),
        )
    console.print(table)


def _state(key: ApiKey, now: datetime) -> str:
    state = key.state(now)
    if state == "revoked":
        assert key.revoked_at is not None
        return f"revoked {key.revoked_at:%Y-%m-%d %H:%M}"
    if state == "expired":
        return "expired"
    until = key.previous_secret_until
    if until is not None and until > now:
        return f"active (old secret until {until:%Y-%m-%d %H:%M:%S})"
    return "active"


@app.command()
def rotate(
    key_id: Annotated[str, typer.Argument(help="the id shown by 'keys list'")],
    overlap: Annotated[
        str,
        typer.Option(
            "--overlap", help="how long the old secret keeps working: 0, 30m, 1h, 7d, ..."
        ),
    ] = "0",
    database_url: DatabaseOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print only the new key")] = False,
) -> None:
    """Give a key a new secret (same id, name, scopes); print it (shown this once)."""
    seconds = parse_duration(overlap, option="--overlap")
    with open_engine(database_url) as engine:
        new = engine.keys.rotate(key_id, overlap_seconds=seconds)
    if quiet:
        print(new.secret)
        return
    until = new.key.previous_secret_until
    console.print(f"new secret for key [bold]{key_id}[/]:")
    print(new.secret)
    if until is not None:
        console.print(f"[dim]The old secret works until {until:%Y-%m-%d %H:%M:%S} UTC.[/]")
    else:
        console.print("[dim]The old secret has stopped working.[/]")


@app.command()
def revoke(
    key_id: Annotated[str, typer.Argument(help="the id shown by 'keys list'")],
    database_url: DatabaseOption = None,
) -> None:
    """Revoke a key: it stops working at once (within 1 s in every server worker)."""
    with open_engine(database_url) as engine:
        engine.keys.revoke(key_id)
    console.print(f"revoked {key_id}")
