"""What a process that serves or runs jobs holds: settings, the queue, the event bus and its engines.

Built once at start-up (``stripstudio serve`` / ``stripstudio worker`` / tests) and installed, so
API views and queue tasks reach the same objects without reading settings themselves.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from stripstudio.generation.engine import Engine
from stripstudio.jobs.events import EventBus, InProcessBus, RedisBus
from stripstudio.jobs.queue import JobQueue
from stripstudio.jobs.shutdown import RunningJobs
from stripstudio.settings import StudioSettings

EngineFactory = Callable[[StudioSettings, str | None], Engine]
log = logging.getLogger(__name__)


class JobRuntime:
    """Settings, queue, bus, a cache of engines (one per engine name, built on first use) and the
    jobs running in this process."""

    def __init__(self, settings: StudioSettings, engine_factory: EngineFactory | None = None) -> None:
        from stripstudio.jobs.execution import execute_job

        self.settings = settings
        self.bus: EventBus = RedisBus(settings.redis_url) if settings.redis_url else InProcessBus()
        self.queue = JobQueue(settings, lambda job_id: execute_job(self, job_id))
        self._engine_factory = engine_factory or _registry_engine
        self._engines: dict[str, Engine] = {}
        self._engines_lock = threading.Lock()
        self.running = RunningJobs()

    @property
    def lease_seconds(self) -> float:
        """How long a worker's claim on a job lasts without renewal."""
        return self.settings.job_lease_seconds

    def engine(self, name: str | None = None) -> Engine:
        """The engine called ``name`` (default: the settings'), built once per process."""
        name = name or self.settings.default_engine
        with self._engines_lock:
            if name not in self._engines:
                self._engines[name] = self._engine_factory(self.settings, name)
            return self._engines[name]

    def warm_up(self) -> list[tuple[int, int]]:
        """Let the default engine prepare for the configured panel sizes (``warmup_sizes``), e.g. compile
        its kernels, before the first job; returns the sizes it drew. Engines without a ``warm_up``
        skip it, and a failing warm-up is logged: jobs still run, only their first one is slower."""
        sizes = list(self.settings.warmup_sizes)
        if not sizes:
            return []
        try:
            warm = getattr(self.engine(), "warm_up", None)
            return list(warm(sizes)) if callable(warm) else []
        except Exception:
            log.exception("warm-up failed; the first job of each size compiles instead")
            return []


def _registry_engine(settings: StudioSettings, name: str | None) -> Engine:
    from stripstudio.generation.registry import default_registry

    return default_registry().create(name or settings.default_engine, settings)


_installed: JobRuntime | None = None


def install_runtime(runtime: JobRuntime) -> JobRuntime:
    """Make ``runtime`` the one this process uses (called by the composition root)."""
    global _installed
    _installed = runtime
    return runtime


def current_runtime() -> JobRuntime:
    """The installed runtime; RuntimeError when the process was started without one."""
    if _installed is None:
        raise RuntimeError("no job runtime: start the studio with `stripstudio serve` or `stripstudio worker`")
    return _installed
