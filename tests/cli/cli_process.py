"""``stripstudio`` in a subprocess whose output is read line by line while it runs, for Ctrl-C tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

WAIT_SECONDS = 120.0


class CliProcess:
    """A running ``python -m stripstudio …``: stdout and stderr as one stream of lines, in order."""

    def __init__(self, *args: str, data_dir: Path):
        env = {**os.environ, "STRIPSTUDIO_DATA_DIR": str(data_dir), "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stripstudio", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        """Everything printed so far."""
        with self._changed:
            return "\n".join(self.lines)

    def wait_for_line(self, predicate: Callable[[str], bool], timeout: float = WAIT_SECONDS) -> int:
        """The index of the first line for which ``predicate`` holds, waiting for it to be printed."""
        with self._changed:
            found = self._changed.wait_for(
                lambda: any(map(predicate, self.lines)) or not self._reader.is_alive(), timeout
            )
            hits = [index for index, line in enumerate(self.lines) if predicate(line)]
        if not found or not hits:
            self.process.kill()
            raise AssertionError(f"no such line was printed; the output was:\n{self.output}")
        return hits[0]

    def ctrl_c(self) -> None:
        """Send SIGINT, as a terminal does on Ctrl-C."""
        self.process.send_signal(signal.SIGINT)

    def wait(self, timeout: float = WAIT_SECONDS) -> int:
        """The exit status, once the process has ended and all its output was read."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        self._reader.join(timeout)
        return code

    def kill(self) -> None:
        """Stop the process if it still runs."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
