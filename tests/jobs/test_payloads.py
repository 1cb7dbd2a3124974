"""Typed job payloads: what submit stores reads back as the same object; a stored payload that does
not fit its kind fails that job with the error kept, and the worker goes on."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from stripstudio.generation.request import GenerationRequest, ModelRef
from stripstudio.jobs import runners
from stripstudio.jobs.execution import execute_job
from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import ExportPayload, GeneratePayload, InvalidJobPayload, TrainPayload, parse_payload
from stripstudio.jobs.runners import Outcome
from stripstudio.jobs.runtime import JobRuntime
from stripstudio.training.spec import TrainingSettings
from stripstudio.training.test_grid import TestGrid, grid_prompts

REQUEST = GenerationRequest(
    model=ModelRef(checkpoint="tiny-random-sdxl"), prompt="a lighthouse", width=64, height=64, num_inference_steps=2
)

TRAIN_PAYLOAD = TrainPayload(
    dataset="/data/training/datasets/1",
    trigger="rc_test",
    class_word="man",
    repeats=2,
    settings=TrainingSettings(model="tiny-random-sdxl", resolution=64, epochs=2, save_every_n_epochs=1),
    grid=TestGrid(prompts=grid_prompts("rc_test", "man"), template=REQUEST),
)
TRAIN = TRAIN_PAYLOAD.model_dump(mode="json")


@pytest.fixture
def owner(transactional_db):
    return get_user_model().objects.create_user("payloads")


def test_a_payload_round_trips_through_the_job_row(owner):
    payload = GeneratePayload(engine="diffusers", generation=REQUEST)
    job = Job.objects.create(owner=owner, kind=payload.kind, request=payload.model_dump(mode="json"))
    job.refresh_from_db()
    assert job.payload() == payload
    assert Job(kind="export", request={"formats": ["pdf", "cbz"]}).payload() == ExportPayload(formats=("pdf", "cbz"))
    assert Job(kind="train", request=TRAIN).payload() == TRAIN_PAYLOAD


@pytest.mark.parametrize(
    ("kind", "stored", "named"),
    [
        ("generate", {"engine": "diffusers"}, "generation: Field required"),
        (
            "generate",
            {"generation": {**REQUEST.model_dump(mode="json"), "num_inference_steps": "many"}},
            "generation.num_inference_steps",
        ),
        ("export", {"formats": ["gif"]}, "formats.0"),
        ("export", {"formats": [], "dpi": 1200}, "dpi: Extra inputs are not permitted"),
        ("train", {}, "settings: Field required"),
        ("train", {**TRAIN, "settings": {**TRAIN["settings"], "network_dim": 0}}, "settings.network_dim"),
        ("train", {**TRAIN, "settings": {**TRAIN["settings"], "epochs": 2, "save_every_n_epochs": 3}}, "settings:"),
        ("train", {**TRAIN, "trigger": ""}, "trigger"),
        ("train", {**TRAIN, "grid": {**TRAIN["grid"], "prompts": []}}, "grid.prompts"),
        ("sing", {}, "'sing' cannot be run here"),
    ],
)
def test_a_payload_that_does_not_fit_its_kind_is_refused_naming_the_field(kind, stored, named):
    with pytest.raises(InvalidJobPayload) as raised:
        parse_payload(kind, stored)
    assert named in str(raised.value)


def test_a_malformed_stored_payload_fails_its_job_and_the_next_job_runs(owner, monkeypatch):
    runtime = JobRuntime(settings.STRIPSTUDIO)
    ran = []
    monkeypatch.setitem(
        runners._runners, "export", lambda rt, job, payload, *_: ran.append(payload) or Outcome(lambda: None)
    )
    broken = Job.objects.create(owner=owner, kind=Job.Kind.EXPORT, request={"formats": "everything"})
    execute_job(runtime, str(broken.pk))
    broken.refresh_from_db()
    assert broken.status == Job.Status.FAILED and broken.attempts == 1
    assert broken.error_type == "InvalidJobPayload"
    assert "formats" in broken.error_message and "export job's stored payload" in broken.error_message

    good = Job.objects.create(owner=owner, kind=Job.Kind.EXPORT, request={"formats": ["pdf"]})
    execute_job(runtime, str(good.pk))
    good.refresh_from_db()
    assert good.status == Job.Status.SUCCEEDED and ran == [ExportPayload(formats=("pdf",))]
