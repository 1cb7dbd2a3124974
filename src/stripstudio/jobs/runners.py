"""The runner registry: which function runs each kind of job.

The jobs app runs jobs without knowing what they do: the app that defines a kind registers its
runner at start-up (the studio registers "generate" and "export" in its ``AppConfig.ready``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Outcome:
    """What a runner produced: ``commit`` writes its results (run inside the job's final transaction)."""

    commit: Callable[[], None]
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)


Runner = Callable[..., Outcome]  # (runtime, job, payload, report, cancel) -> Outcome; payload: job.payload()


class UnknownJobKind(LookupError):
    """No runner is registered for a job's kind: the job fails with this error, the worker goes on."""

    type_name = "UnknownJobKind"


_runners: dict[str, Runner] = {}
_lock = threading.Lock()


def register_runner(kind: str, runner: Runner) -> None:
    """Make ``runner`` the runner of jobs of ``kind`` (registering again replaces it)."""
    with _lock:
        _runners[kind] = runner


def runner_for(kind: str) -> Runner:
    """The runner of ``kind``; :class:`UnknownJobKind` naming the kinds there are when none is registered."""
    with _lock:
        runner = _runners.get(kind)
        known = sorted(_runners)
    if runner is None:
        raise UnknownJobKind(
            f"no runner for jobs of kind {kind!r} on this worker (it runs: {', '.join(known) or 'none'})"
        )
    return runner


def registered_kinds() -> list[str]:
    """The kinds this process can run."""
    with _lock:
        return sorted(_runners)
