"""Errors a training run ends with, each telling the user what happened and what to do."""

from __future__ import annotations

from stripstudio.generation.errors import InvalidRequest, JobCancelled


class TrainingCancelled(JobCancelled):
    """Training stopped because ``should_stop()`` said so. ``step`` is the last finished optimizer step;
    the run continues from the last saved epoch when ``train()`` is called again on the same folder."""

    def __init__(self, step: int, resumable_from: int):
        where = f"step {resumable_from}" if resumable_from else "the start"
        super().__init__(f"cancelled after step {step}; training again on the same folder continues from {where}")
        self.step = step
        self.resumable_from = resumable_from


class InvalidTraining(InvalidRequest):
    """The dataset, the settings or the output folder cannot be trained as given; ``field`` names the culprit."""
