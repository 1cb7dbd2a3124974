"""Signals of the jobs app, so the apps that define kinds of jobs can react to a job's life without the
jobs app knowing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once when a job has ended for good (its final state is saved and being announced), with the
# keyword arguments ``job_id`` (str), ``kind`` and ``status`` (succeeded, failed or cancelled). Not sent
# when a worker hands a job back or a retry is queued: that job runs again.
job_ended = Signal()
