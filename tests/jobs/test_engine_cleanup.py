"""Every way a job ends early takes its prompt off the ComfyUI server: an author's cancel, the
engine's timeout and a worker that stops (whose job then goes back to the queue)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from stripstudio.engines.comfyui.client import ComfyUIClient
from stripstudio.engines.comfyui.engine import ComfyUIEngine
from stripstudio.engines.comfyui.execution import WaitLimits
from stripstudio.generation import GenerationRequest, ModelRef
from stripstudio.jobs.execution import execute_job
from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import GeneratePayload
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from stripstudio.jobs.submit import request_cancel, submit_job
from stripstudio.jobs.worker import EmbeddedWorker
from tests.waiting import wait_until

from ..engines.comfyui.fake_server import fake_comfyui

Status = Job.Status
FAST = WaitLimits(timeout=60.0, poll=0.05, silence_check=0.5, reconnect_attempts=2, reconnect_delay=0.05)


@pytest.fixture
def server():
    with fake_comfyui() as running:
        running.script.always(step_delay=0.2)
        yield running


def runtime_on(server, limits: WaitLimits = FAST) -> JobRuntime:
    studio = settings.STRIPSTUDIO.model_copy(update={"comfyui_urls": [server.url], "comfyui_text_encode": "sdxl"})
    return install_runtime(JobRuntime(studio, lambda s, name: ComfyUIEngine(s, limits=limits)))


def submit(steps: int = 200) -> Job:
    owner = get_user_model().objects.create_user(f"author-{Job.objects.count()}")
    request = GenerationRequest(
        model=ModelRef(checkpoint="tiny_sdxl"), prompt="a lighthouse", width=64, height=64, num_inference_steps=steps
    )
    return submit_job(owner, GeneratePayload(generation=request, engine="comfyui"))


def running_prompt(server) -> str:
    """The id of our prompt, once the server is running it."""
    client = ComfyUIClient(server.url)
    wait_until(lambda: server.received.prompts and client.queue_state(server.received.prompts[-1]["prompt_id"]))
    prompt_id = server.received.prompts[-1]["prompt_id"]
    wait_until(lambda: client.queue_state(prompt_id) == "running")
    return prompt_id


def assert_interrupted(server, prompt_id: str) -> None:
    client = ComfyUIClient(server.url)
    assert server.received.interrupts == [{"prompt_id": prompt_id}]
    assert client.queue() == {"queue_running": [], "queue_pending": []}
    messages = client.history(prompt_id)["status"]["messages"]
    assert "execution_interrupted" in [kind for kind, _ in messages]


def test_an_authors_cancel_interrupts_the_prompt(server, transactional_db):
    runtime = runtime_on(server)
    job = submit()
    worker = threading.Thread(target=execute_job, args=(runtime, str(job.pk)))
    worker.start()
    prompt_id = running_prompt(server)
    request_cancel(job)
    worker.join(60)
    assert not worker.is_alive()
    assert Job.objects.get(pk=job.pk).status == Status.CANCELLED
    assert_interrupted(server, prompt_id)


def test_a_job_past_the_engines_timeout_fails_and_its_prompt_is_interrupted(server, transactional_db):
    runtime = runtime_on(server, limits=WaitLimits(timeout=1.0, poll=0.05, silence_check=0.5))
    job = submit()
    execute_job(runtime, str(job.pk))
    failed = Job.objects.get(pk=job.pk)
    assert failed.status == Status.FAILED and failed.error_type == "EngineUnavailable"
    assert "did not finish within 1 s; the prompt was taken off the server" in failed.error_message
    assert_interrupted(server, server.received.prompts[-1]["prompt_id"])


def test_a_stopping_worker_interrupts_the_prompt_and_requeues_the_job(server, transactional_db):
    runtime = runtime_on(server)
    worker = EmbeddedWorker(runtime).start()
    try:
        job = submit()
        prompt_id = running_prompt(server)
    finally:
        worker.stop()
    assert_interrupted(server, prompt_id)
    requeued = Job.objects.get(pk=job.pk)
    assert (requeued.status, requeued.attempts) == (Status.QUEUED, 1)
    assert "stopped answering" in requeued.message and runtime.queue.huey.pending_count() == 1

    server.script.reset()
    again = EmbeddedWorker(runtime_on(server)).start()
    try:
        wait_until(lambda: Job.objects.get(pk=job.pk).status == Status.SUCCEEDED)
    finally:
        again.stop()
    assert Job.objects.get(pk=job.pk).attempts == 2 and len(server.received.prompts) == 2
