"""Stopping a worker without leaving work behind: the running jobs are cancelled, so each engine
takes back what it started (a ComfyUI prompt is deleted or interrupted on its server), and are
then handed back to the queue the way a dead worker's jobs are (retried while attempts remain)."""

from __future__ import annotations

import logging
import threading

from huey.consumer import Consumer

log = logging.getLogger(__name__)
SHUTDOWN_WAIT_SECONDS = 30.0  # how long a stopping worker waits for its cancelled jobs to end


class RunningJobs:
    """The cancel signals of the jobs this process is running, and whether it is stopping."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._cancels: dict[str, threading.Event] = {}
        self._changed = threading.Condition()

    def add(self, job_id: str, cancel: threading.Event) -> None:
        """Register a starting job (cancelled at once if the worker is already stopping)."""
        with self._changed:
            self._cancels[job_id] = cancel
            if self.stopping.is_set():
                cancel.set()

    def discard(self, job_id: str) -> None:
        """The job has ended, whichever way."""
        with self._changed:
            self._cancels.pop(job_id, None)
            self._changed.notify_all()

    def cancel_all(self) -> int:
        """Mark the worker as stopping and cancel every running job; returns how many there were."""
        with self._changed:
            self.stopping.set()
            for cancel in self._cancels.values():
                cancel.set()
            return len(self._cancels)

    def wait_until_idle(self, timeout: float = SHUTDOWN_WAIT_SECONDS) -> bool:
        """Wait (at most ``timeout`` s) for the running jobs to end; True when none is left."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._cancels, timeout)


class StoppingConsumer(Consumer):
    """A Huey consumer whose stop (SIGINT, SIGTERM, or the server stopping) first cancels the
    running jobs and waits a bounded time for them, instead of abandoning them mid-step."""

    running: RunningJobs | None = None

    def stop(self, graceful: bool = False) -> None:
        """Cancel the running jobs, wait for them, then stop as Huey does."""
        if self.running is not None and self.running.cancel_all():
            log.info("stopping: cancelling the running jobs")
            if not self.running.wait_until_idle():
                log.warning("stopping: jobs still running after %.0f s are abandoned", SHUTDOWN_WAIT_SECONDS)
        super().stop(graceful=graceful)
