"""The runner registry: which function runs each kind of job, and which kinds run several jobs at once.

The jobs app runs jobs without knowing what they do: the app that defines a kind registers its
runner at start-up (the studio registers "generate" and "export" in its ``AppConfig.ready``). A kind
may also register a :class:`Batching`: how to tell which jobs may run together, and how to run them.
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


@dataclass
class RunningJob:
    """One job of a batch as its runner sees it: the row, its payload, its event sink and cancel signal."""

    job: Any
    payload: Any
    report: Any
    cancel: Any


@dataclass(frozen=True)
class Batching:
    """How a kind runs several queued jobs together.

    ``key(job)``: jobs with equal keys may share a run (None: the job runs alone).
    ``run(runtime, jobs)``: runs them; one :class:`Outcome` or exception per job, in order, so that
    one job's error never ends the others.
    """

    key: Callable[[Any], str | None]
    run: Callable[[Any, list[RunningJob]], list[Outcome | BaseException]]


class UnknownJobKind(LookupError):
    """No runner is registered for a job's kind: the job fails with this error, the worker goes on."""

    type_name = "UnknownJobKind"


_runners: dict[str, Runner] = {}
_batching: dict[str, Batching] = {}
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


def register_batching(kind: str, batching: Batching) -> None:
    """Let a worker run queued jobs of ``kind`` together as ``batching`` says."""
    with _lock:
        _batching[kind] = batching


def batching_for(kind: str) -> Batching | None:
    """How jobs of ``kind`` run together; None when they always run one at a time."""
    with _lock:
        return _batching.get(kind)
