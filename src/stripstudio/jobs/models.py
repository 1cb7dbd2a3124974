"""The job table. The row is the truth about a job: the queue carries only its id.

A job names the comic and panel it works on by id only (``comic_id``, ``panel_id``): this app knows
nothing of the studio's tables, and the studio removes a comic's or panel's jobs when it deletes one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from stripstudio.jobs.payloads import JobPayload, parse_payload


class Job(models.Model):
    """Queued work of one author: what to do (``request``), its state, progress and results."""

    class Kind(models.TextChoices):
        GENERATE = "generate"
        EXPORT = "export"
        TRAIN = "train"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    FINAL = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    comic_id = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="The comic worked on.")
    panel_id = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="The panel drawn.")
    request = models.JSONField(default=dict, help_text="What to do: the job's payload, by kind (see payloads).")
    progress = models.FloatField(default=0.0)
    step = models.IntegerField(null=True, blank=True)
    total = models.IntegerField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True, default="")
    error_type = models.CharField(max_length=100, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    attempts = models.IntegerField(default=0)
    max_attempts = models.IntegerField(default=3)
    worker = models.CharField(max_length=200, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    cancel_requested = models.BooleanField(default=False)
    results = models.JSONField(default=list, help_text="Files this attempt has written so far.")
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} job {self.id} ({self.status})"

    @property
    def is_final(self) -> bool:
        """True once the job succeeded, failed or was cancelled."""
        return self.status in self.FINAL

    def payload(self) -> JobPayload:
        """What the job is asked to do, validated for its kind; InvalidJobPayload naming what is wrong."""
        return parse_payload(self.kind, self.request)
