"""``stripstudio serve`` and ``stripstudio worker``: the studio server and its job workers."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from stripstudio.cli.common import console
from stripstudio.cli.environment import load_settings


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 for every network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    worker: Annotated[
        bool | None,
        typer.Option("--worker/--no-worker", help="Run jobs in this process (default: yes unless Redis is set)."),
    ] = None,
    auto_login: Annotated[
        bool | None,
        typer.Option(
            "--auto-login/--no-auto-login",
            help="Sign requests from this machine in as the local author (only on 127.0.0.1; default: off).",
        ),
    ] = None,
) -> None:
    """Run the browser studio: migrates the database in STRIPSTUDIO_DATA_DIR, starts the worker, prints the URL."""
    from stripstudio.web.accounts.autologin import is_loopback
    from stripstudio.web.server import serve as run_server

    local = is_loopback(host)
    settings = load_settings(auto_login=auto_login)
    if settings.auto_login and not local:
        raise typer.BadParameter(
            "--auto-login (STRIPSTUDIO_AUTO_LOGIN) only works on 127.0.0.1: anyone on the network would be you; "
            "pass --no-auto-login or unset STRIPSTUDIO_AUTO_LOGIN"
        )
    if "allowed_hosts" not in settings.model_fields_set:  # STRIPSTUDIO_ALLOWED_HOSTS, when set, always wins
        hosts = ["127.0.0.1", "localhost", "[::1]"] if local else ["*"]
        settings = settings.model_copy(update={"allowed_hosts": hosts})
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"

    def ready() -> None:
        console.print(f"stripstudio is running at [bold]{url}[/] (data: {settings.data_dir}); Ctrl+C stops it.")
        if settings.auto_login:
            console.print(
                "[bold red]AUTO-LOGIN IS ON[/]: every request from this machine is signed in as the local author "
                "'author'. Never put a reverse proxy in front of this server; use --no-auto-login."
            )
        if "*" in settings.allowed_hosts:
            console.print("Answering any host name: set STRIPSTUDIO_ALLOWED_HOSTS to the names it is served at.")

    run_server(settings, host, port, worker=worker, on_ready=ready)


def openapi(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of printing.")] = None,
) -> None:
    """Print the API's OpenAPI schema (the browser studio's client is generated from it)."""
    import json
    import tempfile

    from stripstudio.web.config import setup_django

    setup_django(load_settings(data_dir=Path(tempfile.mkdtemp(prefix="stripstudio-openapi-"))))
    from stripstudio.web.api import api

    text = json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


def worker(
    threads: Annotated[int, typer.Option(min=1, help="Jobs run at once in this process (one per GPU is usual).")] = 1,
) -> None:
    """Run jobs from the shared queue (needs STRIPSTUDIO_REDIS_URL and STRIPSTUDIO_DATABASE_URL)."""
    from stripstudio.web.server import prepare

    settings = load_settings()
    if not settings.redis_url:
        raise typer.BadParameter(
            "set STRIPSTUDIO_REDIS_URL (and STRIPSTUDIO_DATABASE_URL): a separate worker needs the shared queue; "
            "`stripstudio serve` already runs jobs itself"
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    runtime = prepare(settings, migrate=False)
    from stripstudio.jobs.worker import run_worker  # it imports the models: only once Django is set up

    run_worker(runtime, threads)
