"""Worker processes and the embedded worker: a Huey consumer plus the supervisor of stale jobs."""

from __future__ import annotations

import logging
import threading

from stripstudio.jobs.orphans import end_leases_of_dead_processes
from stripstudio.jobs.runtime import JobRuntime
from stripstudio.jobs.shutdown import StoppingConsumer
from stripstudio.jobs.supervision import Supervisor, recover_stale_jobs

log = logging.getLogger(__name__)


class EmbeddedConsumer(StoppingConsumer):
    """A consumer that runs beside the web server: the server owns the process's signals."""

    def _set_signal_handlers(self) -> None:
        pass


class EmbeddedWorker:
    """The in-process worker of ``stripstudio serve``: consumer threads and a supervisor.

    With ``warm_up`` the default engine warms up in the background (the server answers at once;
    jobs wait for the engine while it compiles)."""

    def __init__(self, runtime: JobRuntime, threads: int = 1, *, warm_up: bool = False) -> None:
        self.runtime = runtime
        self.warm_up = warm_up
        self.consumer = EmbeddedConsumer(runtime.queue.huey, **runtime.queue.consumer_options(threads))
        self.consumer.running = runtime.running
        self.supervisor = Supervisor(runtime)

    def start(self) -> EmbeddedWorker:
        """Take back jobs a previous run left (at once when its process is gone), then start working."""
        end_leases_of_dead_processes()
        recover_stale_jobs(self.runtime)
        if self.warm_up:
            threading.Thread(target=self.runtime.warm_up, name="engine-warm-up", daemon=True).start()
        self.consumer.start()
        self.supervisor.start()
        return self

    def stop(self) -> None:
        """Cancel the running jobs (their engines clean up), hand them back to the queue, and stop."""
        self.supervisor.stop()
        self.consumer.stop(graceful=True)
        recover_stale_jobs(self.runtime)


def run_worker(runtime: JobRuntime, threads: int = 1) -> None:
    """Run a worker in the foreground until SIGINT/SIGTERM (``stripstudio worker``).

    The engine warms up for the configured sizes first, so the common drawings (one or two candidates
    of those sizes) wait for no compilation."""
    warmed = runtime.warm_up()
    if warmed:
        log.info("warmed up for %s", ", ".join(f"{width}x{height}" for width, height in warmed))
    supervisor = Supervisor(runtime).start()
    consumer = StoppingConsumer(runtime.queue.huey, **runtime.queue.consumer_options(threads))
    consumer.running = runtime.running
    log.info("worker ready: %d thread(s), queue %s", threads, runtime.settings.redis_url or "SQLite")
    try:
        consumer.run()
    finally:
        supervisor.stop()
        recover_stale_jobs(runtime)  # the jobs cancelled by the stop go back to the queue now
