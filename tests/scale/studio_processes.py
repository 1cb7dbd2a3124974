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
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.services import parent_death_preexec

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


@dataclass
class StudioProcess:
    """One started process (its own process group) with its log file."""

    name: str
    args: list[str]
    log_path: Path
    popen: subprocess.Popen[bytes] = field(repr=False)

    @property
    def pid(self) -> int:
        """The process id (also its process group id)."""
        return self.popen.pid

    @property
    def running(self) -> bool:
        """True while the process has not exited."""
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group at once (a crash: nothing gets to clean up) and reap it."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)

    def terminate(self) -> None:
        """Send SIGTERM to the process group (a polite stop) without waiting."""
        if self.running:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGTERM)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL whatever is left of the group; idempotent."""
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=timeout)
        self.kill()  # anything the process left behind in its group

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the process's output, for failure messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as error:
            return f"(no log at {self.log_path}: {error})"
        return f"--- last lines of {self.name} ({self.log_path}) ---\n" + "\n".join(text.splitlines()[-lines:])


class StudioProcesses:
    """Starts studio processes and remembers them, so :meth:`stop_all` can stop every one."""

    def __init__(self, log_dir: Path, env: Mapping[str, str], cwd: Path | None = None) -> None:
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.env = dict(env)
        self.cwd = cwd
        self.processes: list[StudioProcess] = []

    def start(self, name: str, args: list[str]) -> StudioProcess:
        """Start ``args`` as ``name`` (output to ``log_dir/name.log``) in a new process group."""
        log_path = self.log_dir / f"{name}.log"
        with open(log_path, "ab") as log:
            popen = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
                preexec_fn=parent_death_preexec(signal.SIGKILL),
            )
        process = StudioProcess(name, args, log_path, popen)
        self.processes.append(process)
        return process

    def serve(self, port: int, *, worker: bool = False, name: str = "serve") -> StudioProcess:
        """``stripstudio serve`` on 127.0.0.1:``port`` (``--no-worker`` unless ``worker``)."""
        flag = "--worker" if worker else "--no-worker"
        return self.start(name, [*stripstudio_command(), "serve", "--host", "127.0.0.1", "--port", str(port), flag])

    def worker(self, name: str, threads: int = 1) -> StudioProcess:
        """``stripstudio worker`` with ``threads`` job threads."""
        return self.start(name, [*stripstudio_command(), "worker", "--threads", str(threads)])

    def by_pid(self, pid: int) -> StudioProcess | None:
        """The started process with this pid, if any."""
        return next((p for p in self.processes if p.pid == pid), None)

    def logs(self, lines: int = 40) -> str:
        """The tails of every process's log, for failure messages."""
        return "\n".join(p.log_tail(lines) for p in self.processes)

    def stop_all(self, timeout: float = 10.0) -> None:
        """Stop every process started here, all at once (SIGTERM, then SIGKILL after ``timeout`` seconds
        for those still running); safe to call more than once."""
        for process in reversed(self.processes):
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in reversed(self.processes):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
            process.kill()


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
