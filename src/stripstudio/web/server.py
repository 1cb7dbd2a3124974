"""Starting the studio: Django set up and migrated, the job runtime installed, then uvicorn.

``serve`` is the embedded default (SQLite, in-process worker); with ``redis_url`` set the same server
only queues jobs and ``stripstudio worker`` processes run them.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator

from stripstudio.jobs.runtime import JobRuntime, install_runtime
from stripstudio.settings import StudioSettings

log = logging.getLogger(__name__)


def prepare(settings: StudioSettings, *, migrate: bool = True, engine_factory=None) -> JobRuntime:
    """Configure Django (migrating the database when asked) and install the job runtime."""
    from stripstudio.web.config import setup_django

    setup_django(settings)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    return install_runtime(JobRuntime(settings, engine_factory))


def serve(settings: StudioSettings, host: str, port: int, *, worker: bool | None = None, on_ready=None) -> None:
    """Run the studio until interrupted; ``worker`` (default: when embedded) runs jobs in this process."""
    import uvicorn

    runtime = prepare(settings)
    _close_connections_after_each_request()
    from stripstudio.jobs.worker import EmbeddedWorker
    from stripstudio.web.asgi import application_for_settings
    from stripstudio.web.studio.storage_gc import StorageCollector

    embedded = (
        EmbeddedWorker(runtime, warm_up=True).start()
        if (worker if worker is not None else not settings.scaled)
        else None
    )
    collector = StorageCollector(
        settings.files_dir, settings.storage_gc_grace_seconds, settings.storage_gc_interval_seconds
    ).start()
    config = uvicorn.Config(
        application_for_settings(settings),
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    if on_ready:
        on_ready()
    try:
        with _sigterm_exits():
            server.run()
    finally:
        collector.stop()
        if embedded:
            embedded.stop()


@contextlib.contextmanager
def _sigterm_exits() -> Iterator[None]:
    """While the server runs, SIGTERM stops it the way Ctrl+C does.

    uvicorn shuts down gracefully on SIGTERM and then raises the signal again; with the default action
    that kills the process before the ``finally`` of :func:`serve` stops the embedded worker. Here it
    becomes ``SystemExit(143)``, so the worker finishes and the exit status still says "terminated".
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def exit_(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, exit_)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _close_connections_after_each_request() -> None:
    """No persistent database connections in the web server: each request closes the one it opened.

    Under ASGI, Django runs a request's sync code (views, signals) in a thread made for that request,
    and database connections belong to threads. A connection kept for reuse (``CONN_MAX_AGE`` > 0) is
    never reused, and stays open until its thread's objects are garbage collected: under load
    PostgreSQL soon refuses new clients ("too many clients already"). With ``CONN_MAX_AGE`` 0 the
    end of each request closes its connection (the embedded worker's threads then open one per job;
    ``stripstudio worker`` processes keep theirs).
    """
    from django.db import connections

    for alias in connections:
        connections.settings[alias]["CONN_MAX_AGE"] = 0
    connections.close_all()  # the one migrate opened in this thread
