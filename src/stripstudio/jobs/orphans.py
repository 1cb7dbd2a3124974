"""Jobs left running by a process of this machine that no longer exists: their leases end at once.

A worker is named ``host:pid:thread`` on the jobs it runs. When the studio starts again after a
crash (``kill -9``, a power cut), the jobs its previous process was running still hold leases that
last up to ``job_lease_seconds``; waiting for them would only delay the retries. A process id that
names no process on this host is certainly dead, so those leases end now and the supervisor takes the
jobs back as usual. A process id that another process has taken since counts as alive: that job's
lease then simply runs out, as it would have anyway.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from django.utils import timezone

from stripstudio.jobs.models import Job

log = logging.getLogger(__name__)


def end_leases_of_dead_processes() -> int:
    """End the leases of running jobs whose worker was a process of this host that is gone; returns how many."""
    host = socket.gethostname()
    running = Job.objects.filter(status=Job.Status.RUNNING, worker__startswith=f"{host}:")
    ended = 0
    for job_id, worker, attempt in running.values_list("pk", "worker", "attempts"):
        pid = _pid(worker)
        if pid is None or _process_exists(pid):
            continue
        # Conditional, like every change to a job: only if that worker still holds that attempt.
        held = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, worker=worker, attempts=attempt)
        if held.update(lease_expires_at=timezone.now() - timedelta(microseconds=1)):
            log.warning("job %s: its worker %s is gone; it is taken back now", job_id, worker)
            ended += 1
    return ended


def _pid(worker: str) -> int | None:
    parts = worker.split(":")
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
