"""The job queue (Huey): SQLite in the data folder when embedded, Redis with priorities when scaled.

Queue messages carry only the job id; the job row holds the rest. Generation outranks exports,
exports outrank training, so an author waiting for a panel is served first.
"""

from __future__ import annotations

from collections.abc import Callable

from huey import PriorityRedisHuey, SqliteHuey
from huey.api import Huey

from stripstudio.settings import StudioSettings

PRIORITY = {"generate": 30, "export": 20, "train": 10}
# Idle consumers look for work this often at most (Huey backs off between empty polls).
POLL_INITIAL_SECONDS = 0.05
POLL_MAX_SECONDS = 0.5


def build_huey(settings: StudioSettings) -> Huey:
    """PriorityRedisHuey on ``redis_url`` when set, else SqliteHuey in the data folder."""
    if settings.redis_url:
        return PriorityRedisHuey("stripstudio", url=settings.redis_url, results=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("stripstudio", filename=str(settings.data_dir / "queue.sqlite3"), results=False)


class JobQueue:
    """Huey with one task per job kind; ``enqueue`` sends a job id at its kind's priority."""

    def __init__(self, settings: StudioSettings, execute: Callable[[str], None]) -> None:
        self.huey = build_huey(settings)
        self._tasks = {
            kind: self.huey.task(priority=priority, name=f"stripstudio.{kind}")(execute)
            for kind, priority in PRIORITY.items()
        }

    def enqueue(self, kind: str, job_id: str) -> None:
        """Put ``job_id`` on the queue for a worker that handles ``kind``."""
        self._tasks[kind](str(job_id))

    @staticmethod
    def consumer_options(threads: int = 1) -> dict:
        """Huey consumer options: ``threads`` job threads polling the queue often when idle."""
        return {
            "workers": threads,
            "worker_type": "thread",
            "periodic": False,
            "initial_delay": POLL_INITIAL_SECONDS,
            "max_delay": POLL_MAX_SECONDS,
            "check_worker_health": True,
        }
