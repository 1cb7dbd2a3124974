"""Starting the studio: Django set up and migrated, the job runtime installed, then uvicorn.

``serve`` is the embedded default (SQLite, in-process worker); with ``redis_url`` set the same server
only queues jobs and ``stripstudio worker`` processes run them.
"""

from __future__ import annotations

import ipaddress
import logging

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


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1 and localhost: only this machine can reach the server."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(settings: StudioSettings, host: str, port: int, *, worker: bool | None = None, on_ready=None) -> None:
    """Run the studio until interrupted; ``worker`` (default: when embedded) runs jobs in this process."""
    import uvicorn

    runtime = prepare(settings)
    from django.core.asgi import get_asgi_application

    from stripstudio.jobs.worker import EmbeddedWorker

    embedded = EmbeddedWorker(runtime).start() if (worker if worker is not None else not settings.scaled) else None
    config = uvicorn.Config(
        get_asgi_application(), host=host, port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=3
    )
    server = uvicorn.Server(config)
    if on_ready:
        on_ready()
    try:
        server.run()
    finally:
        if embedded:
            embedded.stop()
