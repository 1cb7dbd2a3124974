"""Training jobs on the tiny SDXL model: live progress events, the test grid of every saved epoch, cancel
within a step, a stop that keeps the epochs saved so far, the working folder gone once a job ends for
good, and a worker killed (or stopped) mid-training whose retry resumes from the last saved epoch.

Each job trains 10 small photos, 1 repeat, 2 epochs (both saved): 20 steps, 10 an epoch.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image
from safetensors import safe_open

from stripstudio.jobs.events import job_channel
from stripstudio.jobs.execution import _run, execute_job
from stripstudio.jobs.lifecycle import claim
from stripstudio.jobs.models import Job
from stripstudio.jobs.orphans import end_leases_of_dead_processes
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from stripstudio.jobs.storage import stored_path
from stripstudio.jobs.supervision import recover_stale_jobs
from stripstudio.web.studio import models
from stripstudio.web.studio.runners import training as training_runner
from tests.jobs.jobs_helpers import RecordingQueue
from tests.web.django_api import DjangoApi
from tests.web.test_training_api import new_dataset, signed_in

pytestmark = pytest.mark.slow

SETTINGS = {
    "model": "tiny-random-sdxl",
    "resolution": 64,
    "epochs": 2,
    "save_every_n_epochs": 1,
    "network_dim": 4,
    "network_alpha": 4,
    "optimizer": "adamw",
    "mixed_precision": "no",
}
TOTAL = 20
GRID_ROWS = 3


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: unwinds past every ``except Exception`` without ending the job."""


@pytest.fixture
def runtime(transactional_db):
    runtime = install_runtime(JobRuntime(settings.STRIPSTUDIO))
    runtime.queue = RecordingQueue()  # type: ignore[assignment]
    return runtime


@pytest.fixture
def queued(runtime) -> tuple[Job, models.TrainingRun]:
    """A queued training job of 10 photos, through the API."""
    api = signed_in("trainer")
    comic = api.call(
        "POST", "/api/comics", 201, json={"title": "T", "generation": {"width": 64, "height": 64, "steps": 2}}
    )
    character = api.call("POST", f"/api/comics/{comic['id']}/characters", 201, json={"name": "Rc"})
    dataset = new_dataset(api, character, repeats=1)
    run = api.call("POST", f"/api/training-datasets/{dataset['id']}/runs", 202, json={"settings": SETTINGS})
    assert run["total_steps"] == TOTAL
    return Job.objects.get(pk=run["job"]["id"]), models.TrainingRun.objects.get(pk=run["id"])


def events(runtime, job: Job) -> list:
    return [event.message for event in runtime.bus.read(job_channel(job.pk), None, 0)]


def trained_steps(messages, attempt: int | None = None) -> list[int]:
    return [m.step for m in messages if m.data.get("phase") == "train" and (attempt is None or m.attempt == attempt)]


def stop_at(monkeypatch, step: int, action) -> None:
    """Run ``action`` once the runner has reported ``step``."""
    relay = training_runner.ProgressRelay.trained

    def trained(self, progress):
        relay(self, progress)
        if progress.step == step:
            action()

    monkeypatch.setattr(training_runner.ProgressRelay, "trained", trained)


def test_a_training_job_reports_progress_and_keeps_each_epochs_lora_and_test_grid(runtime, queued):
    job, run = queued
    execute_job(runtime, str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    messages = events(runtime, job)
    assert [m.type for m in messages][:2] == ["queued", "started"] and messages[-1].type == "succeeded"
    assert trained_steps(messages) == list(range(1, TOTAL + 1))
    last = next(m for m in reversed(messages) if m.data.get("phase") == "train")
    assert last.data["epoch"] == 2 and last.data["epochs"] == 2 and last.data["loss"] > 0
    assert last.data["steps_per_second"] > 0 and last.data["eta_seconds"] >= 0 and "gpu_memory_bytes" in last.data
    assert "loss" in last.message and "it/s" in last.message
    assert [m.data["epoch"] for m in messages if m.data.get("phase") == "epoch"] == [1, 2]
    grid = [m for m in messages if m.data.get("phase") == "grid"]
    assert [(m.step, m.total) for m in grid] == [(TOTAL + n, TOTAL + 2 * GRID_ROWS) for n in range(1, 7)]

    epochs = list(run.epochs.all())
    assert [(e.epoch, e.step) for e in epochs] == [(1, 10), (2, 20)]
    for epoch in epochs:
        with safe_open(stored_path(epoch.lora_file.name), "pt") as lora:
            assert any(key.startswith("lora_unet_") for key in lora.keys())  # noqa: SIM118 (safe_open is no mapping)
            assert lora.metadata()["ss_network_dim"] == "4"
        assert [picture["row"] for picture in epoch.grid] == [0, 1, 2]
        for picture in epoch.grid:
            with Image.open(stored_path(picture["file"])) as drawn:
                assert drawn.size == (64, 64)
    # The same prompts and seed drawn with two different LoRAs: the epochs' pictures differ.
    first, second = (stored_path(e.grid[0]["file"]).read_bytes() for e in epochs)
    assert first != second
    assert not training_runner.run_folder(settings.STRIPSTUDIO, job.pk).exists()  # nothing half-kept


def author(job: Job) -> DjangoApi:
    client = Client()
    client.force_login(job.owner)
    return DjangoApi(client)


def keeper() -> SimpleNamespace:
    """What the runner gets of the lease keeper: its cancel flag (raised when the author cancels)."""
    return SimpleNamespace(cancel=threading.Event(), lost=False)


def test_a_cancel_stops_the_training_within_one_step_and_keeps_nothing(runtime, queued, monkeypatch):
    job, run = queued
    folder = training_runner.run_folder(settings.STRIPSTUDIO, job.pk)
    lease = claim(str(job.pk), "test-worker", 30)
    lease_keeper = keeper()
    stop_at(monkeypatch, 3, lease_keeper.cancel.set)  # as the lease keeper does when the author cancels
    _run(runtime, job, lease, lease_keeper)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert trained_steps(events(runtime, job)) == [1, 2, 3]
    assert not run.epochs.exists() and job.results == []
    assert training_runner.run_folder(settings.STRIPSTUDIO, job.pk) == folder and not folder.exists()


def test_stopping_early_keeps_the_epochs_saved_so_far_draws_their_grid_and_succeeds(runtime, queued, monkeypatch):
    job, run = queued
    api = author(job)
    # Asked during epoch 1, before anything is saved: training goes on until epoch 1 is, then ends.
    stop_at(monkeypatch, 3, lambda: api.call("POST", f"/api/training-runs/{run.pk}/stop-early"))
    execute_job(runtime, str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.message == "stopped early after epoch 1: 1 epoch(s) saved"
    messages = events(runtime, job)
    assert trained_steps(messages) == list(range(1, 11))  # no step of epoch 2
    assert messages[-1].type == "succeeded" and messages[-1].data == {"epochs": [1], "stopped_early_after": 1}
    assert [m.data["epoch"] for m in messages if m.data.get("phase") == "epoch"] == [1]

    epochs = list(run.epochs.all())
    assert [(e.epoch, e.step) for e in epochs] == [(1, 10)]
    assert [picture["row"] for picture in epochs[0].grid] == [0, 1, 2]
    for picture in epochs[0].grid:
        with Image.open(stored_path(picture["file"])) as drawn:
            assert drawn.size == (64, 64)
    assert not training_runner.run_folder(settings.STRIPSTUDIO, job.pk).exists()
    shown = api.call("GET", f"/api/training-runs/{run.pk}")
    assert [e["epoch"] for e in shown["epochs"]] == [1] and len(shown["epochs"][0]["grid"]) == GRID_ROWS
    assert api.call("POST", f"/api/training-runs/{run.pk}/epochs/1/pick")["run"]["picked_epoch"] == 1


def test_the_stop_mark_is_read_from_the_database_at_most_once_an_interval(runtime, queued):
    job, run = queued
    rarely, always = training_runner.StopRequest(job.pk, interval=3600), training_runner.StopRequest(job.pk, 0)
    assert rarely() is False and always() is False
    models.TrainingRun.objects.filter(pk=run.pk).update(stop_requested=True)
    assert rarely() is False  # not read again within its interval
    assert always() is True and always.heard


def test_a_failed_training_job_removes_its_working_folder(runtime, queued, monkeypatch):
    job, _run_row = queued
    folder = training_runner.run_folder(settings.STRIPSTUDIO, job.pk)
    seen: list[bool] = []

    def fail():
        seen.append((folder / "dataset").is_dir())  # the copy the run trains on
        raise OSError("no space left on device")

    stop_at(monkeypatch, 3, fail)
    execute_job(runtime, str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "no space left" in job.error_message
    assert seen == [True] and not folder.exists()


def test_a_job_handed_back_by_a_stopping_worker_keeps_its_folder_until_it_is_cancelled(runtime, queued, monkeypatch):
    job, run = queued
    folder = training_runner.run_folder(settings.STRIPSTUDIO, job.pk)
    lease = claim(str(job.pk), "test-worker", 30)
    lease_keeper = keeper()

    def worker_stops():
        runtime.running.add(str(job.pk), lease_keeper.cancel)
        runtime.running.cancel_all()  # as the worker's stop does (SIGTERM)

    stop_at(monkeypatch, 13, worker_stops)  # after epoch 1 was saved
    _run(runtime, job, lease, lease_keeper)
    assert (folder / "dataset").is_dir() and list((folder / "lora").glob("*.safetensors"))  # a retry resumes here
    assert recover_stale_jobs(runtime) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and folder.exists()

    author(job).call("POST", f"/api/training-runs/{run.pk}/cancel")  # while it waits for its retry
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and not folder.exists()


@pytest.fixture
def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_worker_killed_mid_training_leaves_the_job_to_a_retry_that_resumes_from_the_saved_epoch(
    runtime, queued, monkeypatch, dead_pid
):
    job, run = queued

    def kill():
        raise WorkerKilled

    stop_at(monkeypatch, 13, kill)  # three steps into epoch 2, after epoch 1 was saved
    with pytest.raises(WorkerKilled):
        execute_job(runtime, str(job.pk))
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.attempts == 1
    folder = training_runner.run_folder(settings.STRIPSTUDIO, job.pk)
    assert not [path for path in folder.rglob("*") if ".partial" in path.name or path.suffix == ".tmp"]
    # The process that ran it is gone: a restarted studio takes the job back and queues a retry.
    Job.objects.filter(pk=job.pk).update(worker=f"{socket.gethostname()}:{dead_pid}:Worker-1")
    assert end_leases_of_dead_processes() == 1 and recover_stale_jobs(runtime) == 1
    assert runtime.queue.sent[-1] == ("train", str(job.pk))

    execute_job(runtime, str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2, job.error_message
    messages = events(runtime, job)
    assert trained_steps(messages, attempt=1) == list(range(1, 14))
    assert trained_steps(messages, attempt=2) == list(range(11, TOTAL + 1))  # epoch 2 again, not from zero
    assert [(e.epoch, e.step) for e in run.epochs.all()] == [(1, 10), (2, 20)]
    assert all(len(e.grid) == GRID_ROWS for e in run.epochs.all())
