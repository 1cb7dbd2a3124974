"""Ctrl-C as a cancel signal: the running job stops cleanly (its engine takes back what it started)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

NOTICE = b"Cancelling: stopping the running job (press Ctrl-C again to quit at once)\n"


@contextmanager
def cancel_on_ctrl_c() -> Iterator[threading.Event]:
    """A cancel signal that the first Ctrl-C (SIGINT) sets; the second one quits at once.

    Engines poll the signal, so the first Ctrl-C lets a ComfyUI engine take its prompt off the
    server and the diffusers engine stop after the step it is drawing. Outside the main thread
    (where Python cannot install signal handlers) the signal is only set by whoever holds it.
    """
    cancel = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield cancel
        return

    def on_sigint(signum: int, frame) -> None:
        if cancel.is_set():
            signal.default_int_handler(signum, frame)
        cancel.set()
        # A plain write: the handler may run while the progress display holds its own lock.
        os.write(sys.stderr.fileno(), NOTICE)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)
