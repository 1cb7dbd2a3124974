"""Ctrl-C on ``stripstudio generate``: the job stops cleanly on every engine, nothing is left running."""

from __future__ import annotations

import json
import signal
import uuid

import pytest

from stripstudio.cli.cancelling import cancel_on_ctrl_c
from stripstudio.engines.comfyui.client import ComfyUIClient
from stripstudio.engines.comfyui.workflows import ServerNames, WorkflowOptions, build_workflow
from stripstudio.generation import GenerationRequest, ModelRef
from tests.waiting import wait_until

from ..engines.comfyui.fake_server import fake_comfyui
from .cli_process import CliProcess
from .test_render_command import EXAMPLE

NOTICE = "Cancelling: stopping the running job"


@pytest.fixture
def server():
    with fake_comfyui() as running:
        yield running


def generate_on(server, out, *options: str) -> list[str]:
    return [
        "generate",
        "a lighthouse",
        "--engine",
        "comfyui",
        "--comfyui-url",
        server.url,
        "--model",
        "tiny_sdxl",
        "--size",
        "64x64",
        "--out",
        str(out),
        *options,
    ]


def is_step(line: str) -> bool:
    return line.startswith("generate: step ")


def test_ctrl_c_interrupts_the_running_comfyui_prompt(server, tmp_path):
    server.script.next_prompt(step_delay=0.2)
    out = tmp_path / "out"
    cli = CliProcess(*generate_on(server, out, "--steps", "200"), data_dir=tmp_path / "data")
    try:
        cli.wait_for_line(is_step)
        cli.ctrl_c()
        assert cli.wait() == 130, cli.output
    finally:
        cli.kill()
    prompt_id = server.received.prompts[-1]["prompt_id"]
    assert server.received.interrupts == [{"prompt_id": prompt_id}]
    client = ComfyUIClient(server.url)
    assert client.queue() == {"queue_running": [], "queue_pending": []}
    history = client.history(prompt_id)
    assert history["status"]["status_str"] == "error"
    assert "execution_interrupted" in [kind for kind, _ in history["status"]["messages"]]
    assert f"Cancelled; the prompt was taken off the ComfyUI server {server.url}" in cli.output
    assert "saved" not in cli.output
    assert not out.exists() or not list(out.iterdir())


def test_ctrl_c_deletes_a_waiting_prompt_and_leaves_other_clients_prompts_running(server, tmp_path):
    server.script.next_prompt(step_delay=0.2)
    other = ComfyUIClient(server.url)
    theirs = other.submit(someone_elses_graph(), "someone-else", str(uuid.uuid4()))
    wait_until(lambda: other.queue_state(theirs) == "running")
    cli = CliProcess(*generate_on(server, tmp_path / "out", "--steps", "2"), data_dir=tmp_path / "data")
    try:
        wait_until(lambda: len(server.received.prompts) == 2)
        ours = server.received.prompts[-1]["prompt_id"]
        wait_until(lambda: other.queue_state(ours) == "pending")
        cli.ctrl_c()
        assert cli.wait() == 130, cli.output
    finally:
        cli.kill()
        other.interrupt(theirs)
    assert {"delete": [ours]} in server.received.queue_requests
    assert server.received.interrupts[:-1] == []  # only the clean-up above interrupted anything
    assert other.history(ours) is None
    assert f"Cancelled; the prompt was taken off the ComfyUI server {server.url}" in cli.output


def test_ctrl_c_on_render_keeps_the_finished_panels_and_interrupts_the_running_one(server, tmp_path):
    server.set_choices(
        "ControlNetLoader", "control_net_name", ["tiny_sdxl_controlnet.safetensors", "tiny_sdxl_sketch.safetensors"]
    )
    server.script.next_prompt()  # the first panel draws at once
    server.script.next_prompt(step_delay=0.2)  # the second is still drawing at Ctrl-C
    out = tmp_path / "render"
    cli = CliProcess(
        *("render", str(EXAMPLE), "--engine", "comfyui", "--comfyui-url", server.url, "--model", "tiny_sdxl"),
        *("--size", "64x64", "--steps", "100", "--candidates", "1", "--out", str(out)),
        data_dir=tmp_path / "data",
    )
    try:
        second = cli.wait_for_line(lambda line: ": step 1/100" in line and not line.startswith(first_panel(cli)))
        cli.ctrl_c()
        assert cli.wait() == 130, cli.output
    finally:
        cli.kill()
    prompt_id = server.received.prompts[-1]["prompt_id"]
    assert len(server.received.prompts) == 2 and server.received.interrupts == [{"prompt_id": prompt_id}]
    assert ComfyUIClient(server.url).queue_state(prompt_id) is None
    assert f"server {server.url}; panels finished before are in {out} (manifest.json)" in " ".join(cli.lines[second:])
    assert [panel["id"] for panel in json.loads((out / "manifest.json").read_text())["panels"]] == [first_panel(cli)]


def first_panel(cli: CliProcess) -> str:
    return cli.lines[cli.wait_for_line(lambda line: ": step " in line)].split(":")[0]


@pytest.mark.slow
def test_ctrl_c_stops_the_diffusers_engine_after_the_step_it_is_drawing(tmp_path):
    out = tmp_path / "out"
    cli = CliProcess(
        "generate",
        "a house",
        "--model",
        "tiny-random-sdxl",
        "--size",
        "256x256",
        "--num-images",
        "4",
        "--steps",
        "200",
        "--out",
        str(out),
        data_dir=tmp_path / "data",
    )
    try:
        cli.wait_for_line(is_step)  # the four candidates are drawn in one batch: steps count 4, 8, ...
        cli.ctrl_c()
        assert cli.wait() == 130, cli.output
    finally:
        cli.kill()
    notice = cli.wait_for_line(lambda line: NOTICE in line)
    steps = [line for line in cli.lines if is_step(line)]
    after = [line for line in cli.lines[notice:] if is_step(line)]
    assert len(after) <= 1, after  # the step being drawn ends, no other starts
    assert steps[-1] != "generate: step 800/800"
    assert "Cancelled by the user" in cli.output and not (out.exists() and list(out.iterdir()))


def someone_elses_graph() -> dict:
    request = GenerationRequest(
        model=ModelRef(checkpoint="tiny_sdxl"), prompt="a cat", width=64, height=64, num_inference_steps=200
    )
    names = ServerNames(checkpoint="tiny_sdxl.safetensors")
    return build_workflow(request, names, WorkflowOptions(sdxl_text_encode=True)).graph.to_api()


def test_the_first_ctrl_c_cancels_the_second_quits_and_the_handler_is_put_back():
    before = signal.getsignal(signal.SIGINT)
    with cancel_on_ctrl_c() as cancel:
        assert not cancel.is_set()
        signal.raise_signal(signal.SIGINT)
        assert cancel.is_set()
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before
