"""The studio's job runners: drawing a panel's candidates, exporting a comic, training a character LoRA."""

from __future__ import annotations


def register_studio_runners() -> None:
    """Register the runners of the studio's job kinds with the jobs app."""
    from stripstudio.jobs.models import Job
    from stripstudio.jobs.runners import Batching, register_batching, register_runner
    from stripstudio.web.studio.runners.exporting import run_export
    from stripstudio.web.studio.runners.generating import generation_batch_key, run_generation, run_generation_batch
    from stripstudio.web.studio.runners.training import run_training

    register_runner(Job.Kind.GENERATE, run_generation)
    register_batching(Job.Kind.GENERATE, Batching(key=generation_batch_key, run=run_generation_batch))
    register_runner(Job.Kind.EXPORT, run_export)
    register_runner(Job.Kind.TRAIN, run_training)
