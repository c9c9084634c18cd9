"""`tailored demo`: a generated store in a local database, served on localhost.

The demo is the only server with the storefront (`/store`), whose shopper is whoever a
cookie names: anyone who reaches it can act as any user. So it serves on a loopback
address only; `tailored serve` is the server for others to reach.
"""

from __future__ import annotations

import ipaddress
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import TaskID

from tailored.cli.common import console, ensure_port_free, errors, fail, progress_bar
from tailored.config import Settings
from tailored.demo.prepare import DemoDataRejected, prepare_demo
from tailored.engine import Engine

if TYPE_CHECKING:
    from tailored.demo.storefront import Storefront

DEMO_KEY_NAME = "demo-admin"


def demo(
    directory: Annotated[Path, typer.Option("--dir", help="where the demo database lives")] = Path(
        "tailored-demo"
    ),
    host: Annotated[
        str, typer.Option(help="a loopback address (127.0.0.1, ::1, localhost)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to serve on", min=1, max=65535)] = 8000,
    reset: Annotated[bool, typer.Option(help="delete the demo data, start over")] = False,
    shoppers: Annotated[int, typer.Option(help="generated shoppers", min=10, max=5000)] = 200,
    serve: Annotated[bool, typer.Option(help="serve after preparing (--no-serve to stop)")] = True,
) -> None:
    """Create (or reuse) a demo store, then serve it on this machine: the storefront, the
    console, the API, its docs, an admin key."""
    if not is_loopback(host):
        errors.print(  # one line, however narrow the terminal
            f"[bold red]error:[/] --host {host}: the demo store lets anyone act as any "
            "shopper, so it serves only on a loopback address (127.0.0.1, ::1, localhost); "
            "`tailored serve` is the server others may reach",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    if serve:  # before minutes of preparing, not after
        ensure_port_free(host, port)
    if reset and directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    settings = demo_settings(directory)
    with Engine.open(settings=settings) as engine:
        if engine.items.count() == 0:
            _prepare(engine, shoppers=shoppers)
        else:
            console.print(f"reusing the demo store in {directory}/ (--reset starts over)")
        key = _fresh_admin_key(engine)
        summary = (engine.items.count(), engine.events.count())
        base = base_url(host, port)
        # The store reaches this same server through the Python client, with a key of
        # its own (ingest + serve): the key stays on the server side, never in a page.
        store = _storefront(engine, base) if serve else None
    console.print(
        f"\n[bold]tailored demo[/] - {summary[0]} items, {summary[1]} events\n"
        f"  store      {base}/store\n"
        f"  console    {base}/console   (log in with the admin key)\n"
        f"  API        {base}/v1/items\n"
        f"  API docs   {base}/docs\n"
        f"  admin key  [bold]{key}[/]\n"
        f"  try        curl -H 'Authorization: Bearer {key}' {base}/v1/users/shopper-001\n",
        soft_wrap=True,  # keep the key and the curl line copyable
    )
    if not serve:
        return
    import uvicorn

    from tailored.demo.app import demo_app

    console.print("Ctrl-C stops the demo.")
    app = demo_app(settings=settings, store=store)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        if store is not None:
            store.client.close()


def demo_settings(directory: Path) -> Settings:
    """Everything the demo writes lives under `directory` (the database and the trained
    model files), so that `--reset`, or deleting it, leaves nothing behind. Its coffee is
    bought again and again: a coffee a shopper bought may be recommended again."""
    folder = directory.resolve()
    return Settings(
        database_url=f"sqlite:///{folder / 'demo.db'}",
        models_dir=folder / "models",
        repeat_purchase_categories=("coffee",),
    )


def base_url(host: str, port: int) -> str:
    """Where the demo answers: ``http://host:port``, an IPv6 address in brackets.

    >>> base_url("127.0.0.1", 8000), base_url("::1", 8000), base_url("localhost", 80)
    ('http://127.0.0.1:8000', 'http://[::1]:8000', 'http://localhost:80')
    """
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only: 'localhost' or a loopback address.

    >>> [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "127.9.9.9")]
    [True, True, True, True]
    >>> [is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "example.com", "")]
    [False, False, False, False, False]
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve anywhere
        return False


def _prepare(engine: Engine, *, shoppers: int) -> None:
    with progress_bar() as progress:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(f"demo {step}", total=total)
            progress.update(tasks[step], completed=done)

        try:
            prepare_demo(engine, shoppers=shoppers, now=datetime.now(UTC), progress=report)
        except DemoDataRejected as error:  # generated data must be valid: say so loudly
            fail(f"demo data rejected: {error}")


def _storefront(engine: Engine, base: str) -> Storefront:
    from tailored.demo.app import STORE_KEY_NAME, storefront_for  # the web stack: lazily

    # One live storefront key at a time, as for the admin key.
    for key in engine.keys.list():
        if key.name == STORE_KEY_NAME and key.active:
            engine.keys.revoke(key.id)
    return storefront_for(engine, base)


def _fresh_admin_key(engine: Engine) -> str:
    # One live demo key at a time: older ones from previous runs are revoked.
    for key in engine.keys.list():
        if key.name == DEMO_KEY_NAME and key.active:
            engine.keys.revoke(key.id)
    return engine.keys.create(DEMO_KEY_NAME, scopes=["admin"]).secret
