"""Running the studio as real processes: ``stripstudio serve`` and ``stripstudio worker`` subprocesses.

Each process runs in its own process group (so stopping it also stops anything it started), writes
its output to a log file the caller names, and gets a parent-death signal on Linux so that it goes
away even when the test process is killed outright. :class:`StudioProcesses` keeps track of every
process it started and stops them all in :meth:`StudioProcesses.stop_all` (call it from a fixture
finalizer, so it also runs when the test fails).

Used by the scaled tests (tests/scale) and by the benchmarks in benchmarks/.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

__all__ = [
    "StudioProcess",
    "StudioProcesses",
    "free_port",
    "stripstudio_command",
    "studio_env",
    "wait_until_answers",
]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the kernel picks it; it is released before returning)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def stripstudio_command() -> list[str]:
    """The ``stripstudio`` console script of this interpreter's environment (``python -m stripstudio`` without one).

    The console script is a Python script, so the process it starts is the Python process itself: its
    pid is the pid a worker shows in a job's ``worker`` field.
    """
    script = Path(sys.executable).parent / "stripstudio"
    return [str(script)] if script.exists() else [sys.executable, "-m", "stripstudio"]


def studio_env(
    data_dir: Path,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    lease_seconds: float | None = None,
    max_attempts: int | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a studio process: this one's, minus any ``STRIPSTUDIO_*``, plus the given settings.

    The tiny random model is the default and the hub is never contacted; torch uses one thread
    (several processes share a few cores).
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("STRIPSTUDIO_")}
    env.update(
        STRIPSTUDIO_DATA_DIR=str(data_dir),
        STRIPSTUDIO_DEFAULT_MODEL="tiny-random-sdxl",
        STRIPSTUDIO_OFFLINE="1",
        HF_HUB_OFFLINE="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["STRIPSTUDIO_DATABASE_URL"] = database_url
    if redis_url:
        env["STRIPSTUDIO_REDIS_URL"] = redis_url
    if lease_seconds is not None:
        env["STRIPSTUDIO_JOB_LEASE_SECONDS"] = str(lease_seconds)
    if max_attempts is not None:
        env["STRIPSTUDIO_JOB_MAX_ATTEMPTS"] = str(max_attempts)
    env.update(extra or {})
    return env


def wait_until_answers(
    url: str, process: StudioProcess | None = None, timeout: float = 90.0, path: str = "/api/auth/csrf"
) -> float:
    """Poll ``url + path`` until it answers 200; returns the seconds it took.

    Raises AssertionError (with the process's log) when ``process`` exits first or ``timeout`` passes.
    """
    start = time.monotonic()
    deadline = start + timeout
    delay = 0.05
    with httpx.Client(timeout=5) as client:
        while True:
            if process is not None and not process.running:
                raise AssertionError(f"{process.name} exited with {process.popen.returncode}\n{process.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(url + path).status_code == 200:
                    return time.monotonic() - start
            if time.monotonic() > deadline:
                tail = process.log_tail() if process is not None else ""
                raise AssertionError(f"{url} did not answer within {timeout:.0f} s\n{tail}")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)
