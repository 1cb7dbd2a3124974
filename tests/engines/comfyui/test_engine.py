"""The ComfyUI engine and its client against a protocol-faithful local server."""

from __future__ import annotations

import contextlib
import io
import json
import socket
import threading
from pathlib import Path

import pytest
from PIL import Image

from stripstudio.engines.comfyui.client import ComfyUIClient
from stripstudio.engines.comfyui.engine import ComfyUIEngine
from stripstudio.engines.comfyui.errors import ServerLost
from stripstudio.engines.comfyui.execution import WaitLimits
from stripstudio.engines.comfyui.workflows import ServerNames, WorkflowOptions, build_workflow
from stripstudio.generation import (
    EngineUnavailable,
    EventKind,
    GenerationRequest,
    InvalidRequest,
    JobCancelled,
    LoraSpec,
    MaskSpec,
    ModelRef,
    OutpaintSpec,
    ReferenceSpec,
    Region,
    Task,
)
from stripstudio.generation.capabilities import check_request, problems_for
from stripstudio.generation.running import run_job
from stripstudio.settings import StudioSettings
from tests.waiting import wait_until

from .fake_script import ExecutionError
from .fake_server import fake_comfyui
from .impact_pack import impact_pack_nodes
from .ipadapter_pack import ipadapter_nodes

RECORDED = json.loads((Path(__file__).parent / "recorded" / "recorded-exchanges.json").read_text())
FAST = WaitLimits(timeout=20.0, poll=0.05, silence_check=0.5, reconnect_attempts=2, reconnect_delay=0.05)


@pytest.fixture
def server():
    with fake_comfyui() as running:
        yield running


def engine_for(*urls: str, limits: WaitLimits = FAST) -> ComfyUIEngine:
    settings = StudioSettings(comfyui_urls=list(urls), comfyui_text_encode="sdxl")
    return ComfyUIEngine(settings, limits=limits)


def request(**fields) -> GenerationRequest:
    base = dict(
        model=ModelRef(checkpoint="tiny_sdxl"),
        prompt="((cartoon style)), a young man",
        width=64,
        height=64,
        num_images=2,
        num_inference_steps=3,
        seed=7,
    )
    return GenerationRequest(**{**base, **fields})


def free_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_a_request_runs_and_each_candidate_carries_its_own_workflow(server):
    events = []
    images = run_job(engine_for(server.url), request(), events.append)
    kinds = [e.kind for e in events]
    assert kinds[0] is EventKind.STARTED and kinds[-1] is EventKind.SUCCEEDED
    assert kinds.count(EventKind.PROGRESS) == 6 and kinds.count(EventKind.IMAGE) == 2
    progress = [(e.step, e.total, e.candidate) for e in events if e.kind is EventKind.PROGRESS]
    assert progress == [(1, 6, 0), (2, 6, 0), (3, 6, 0), (4, 6, 1), (5, 6, 1), (6, 6, 1)]
    assert [image.seed for image in images] == [7, 8] and images[0].image.size == (64, 64)
    assert images[0].image.tobytes() != images[1].image.tobytes()
    graph = json.loads(images[1].extra_text["prompt"])
    assert [n["inputs"]["seed"] for n in graph.values() if n["class_type"] == "KSampler"] == [8]
    body = server.received.prompts[-1]
    assert body["client_id"] and body["prompt_id"]
    assert "Sampler: DPM++ 2M" in images[0].parameters


def test_progress_counts_up_when_the_server_runs_the_last_candidate_first(server):
    server.script.next_prompt(outputs_reversed=True)
    events = []
    images = run_job(engine_for(server.url), request(), events.append)
    progress = [(e.step, e.total, e.candidate) for e in events if e.kind is EventKind.PROGRESS]
    assert progress == [(1, 6, 1), (2, 6, 1), (3, 6, 1), (4, 6, 0), (5, 6, 0), (6, 6, 0)]
    assert [image.seed for image in images] == [7, 8]
    assert [e.candidate for e in events if e.kind is EventKind.IMAGE] == [1, 0]


def test_saved_images_keep_comfyuis_prompt_next_to_our_metadata(server, tmp_path):
    image = engine_for(server.url).run(request(num_images=1), lambda event: None)[0]
    path = image.save(tmp_path / "out.png")
    with Image.open(path) as saved:
        assert set(saved.text) >= {"parameters", "stripstudio", "prompt"}
        assert GenerationRequest.from_json(saved.text["stripstudio"]) == image.request
        assert json.loads(saved.text["prompt"])["1"]["class_type"] == "CheckpointLoaderSimple"


def test_input_images_are_uploaded_under_content_addressed_names(server, tmp_path):
    picture, mask = tmp_path / "panel.png", tmp_path / "mask.png"
    Image.new("RGB", (64, 64), "gray").save(picture)
    Image.new("L", (64, 64), 255).save(mask)
    inpaint = request(task=Task.INPAINT, init_image=str(picture), mask=MaskSpec(image=str(mask)), num_images=1)
    engine_for(server.url).run(inpaint, lambda event: None)
    uploads = server.received.uploads
    assert len(uploads) == 2 and all(u.subfolder == "stripstudio" and len(u.name) == 24 for u in uploads)
    graph = server.received.prompts[-1]["prompt"]
    loaded = {n["inputs"]["image"] for n in graph.values() if n["class_type"] in ("LoadImage", "LoadImageMask")}
    assert loaded == {f"stripstudio/{u.name}" for u in uploads}


def test_a_two_character_panel_runs_with_its_painted_region_mask_uploaded(server, tmp_path):
    mask = tmp_path / "leo.png"
    Image.new("L", (64, 64), 255).save(mask)
    regions = (Region(prompt="Mia", box=(0, 0, 0.5, 1)), Region(prompt="Leo", mask=str(mask)))
    images = engine_for(server.url).run(request(regions=regions, num_images=1), lambda event: None)
    assert len(images) == 1
    (upload,) = server.received.uploads
    graph = server.received.prompts[-1]["prompt"]
    (masked,) = [n for n in graph.values() if n["class_type"] == "LoadImageMask"]
    assert masked["inputs"]["image"] == f"stripstudio/{upload.name}"
    assert sum(n["class_type"] == "ConditioningCombine" for n in graph.values()) == 2


def test_reference_pictures_are_uploaded_and_drawn_through_the_ipadapter_nodes(server, tmp_path):
    portrait = tmp_path / "mia.png"
    Image.new("RGB", (64, 64), "pink").save(portrait)
    asked = request(reference_images=(ReferenceSpec(images=(str(portrait),), strength=0.6),), num_images=1)
    with pytest.raises(InvalidRequest, match="ComfyUI_IPAdapter_plus"):
        engine_for(server.url).run(asked, lambda event: None)
    assert server.received.prompts == [] and server.received.uploads == []  # refused before anything was sent
    server.add_nodes(ipadapter_nodes(server.object_info()))
    images = engine_for(server.url).run(asked, lambda event: None)
    assert len(images) == 1
    (upload,) = server.received.uploads
    graph = server.received.prompts[-1]["prompt"]
    (adapter,) = [n for n in graph.values() if n["class_type"] == "IPAdapterAdvanced"]
    assert graph[adapter["inputs"]["image"][0]]["inputs"]["image"] == f"stripstudio/{upload.name}"


def test_a_validation_refusal_names_node_input_and_allowed_values(server):
    recorded = RECORDED["error_validation"]
    client = ComfyUIClient(server.url)
    graph = {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny_sd15.safetensors"}},
        "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["1", 1], "text": "a cat"}},
        "5": {
            "class_type": "KSampler",
            "inputs": {
                "model": ["1", 0],
                "seed": 1,
                "steps": 0,
                "cfg": 8.0,
                "sampler_name": "no_such_sampler",
                "scheduler": "karras",
                "positive": ["2", 0],
                "negative": ["2", 0],
                "latent_image": ["4", 0],
                "denoise": 1.0,
            },
        },
        "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0]}},
        "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "x"}},
    }
    with pytest.raises(InvalidRequest) as caught:
        client.submit(graph, "c", "p")
    message = str(caught.value)
    assert recorded["http_status"] == 400
    assert "node 5 (KSampler): sampler_name: Value not in list (got 'no_such_sampler')" in message
    assert "allowed: euler" in message and "dpmpp_2m" in message
    assert "steps: Value 0 smaller than min of 1" in message
    assert "node 6 (VAEDecode): vae: Required input is missing" in message


def test_what_the_server_lacks_is_reported_before_queueing(server):
    with pytest.raises(InvalidRequest) as caught:
        engine_for(server.url).run(request(loras=(LoraSpec(name="leo-character"),)), lambda event: None)
    assert "LoRA 'leo-character' is not on the ComfyUI server" in str(caught.value)
    assert "tiny_sdxl_lora.safetensors" in str(caught.value)
    with pytest.raises(InvalidRequest, match="sampler_name 'dpmpp_9m' is not available"):
        engine_for(server.url).run(request(sampler="dpmpp_9m"), lambda event: None)
    assert server.received.prompts == []


def test_an_execution_error_fails_the_job_with_the_servers_exception(server):
    server.script.next_prompt(
        error=ExecutionError("CLIPTextEncodeSDXL", exception_type="KeyError", exception_message="'g'")
    )
    events = []
    with pytest.raises(Exception, match="KeyError: 'g'"):
        run_job(engine_for(server.url), request(), events.append)
    assert (events[-1].kind, events[-1].error_type) == (EventKind.FAILED, "KeyError")
    assert "CLIPTextEncodeSDXL" in events[-1].message
    # That is what a real server answers when CLIPTextEncodeSDXL gets an SD 1.x checkpoint: say what to do.
    assert "not SDXL" in events[-1].message and "STRIPSTUDIO_COMFYUI_TEXT_ENCODE=plain" in events[-1].message


def test_other_execution_errors_carry_no_model_family_hint(server):
    server.script.next_prompt(error=ExecutionError("KSampler", exception_type="KeyError", exception_message="'g'"))
    events = []
    with pytest.raises(Exception, match="KeyError: 'g'"):
        run_job(engine_for(server.url), request(), events.append)
    assert "STRIPSTUDIO_COMFYUI_TEXT_ENCODE" not in events[-1].message


def test_a_server_that_goes_away_hands_the_job_to_another(server):
    with fake_comfyui() as second:
        server.script.next_prompt(drop_at_step=2)
        second.received.clear()
        events = []
        engine = engine_for(server.url, second.url)
        images = engine.run(request(), events.append)
        assert len(images) == 2 and len(second.received.prompts) == 1
        assert any("went away" in e.message for e in events if e.kind is EventKind.STARTED)


def test_a_lone_server_that_goes_away_fails_the_job_with_the_reason(server):
    server.script.next_prompt(drop_at_step=1)
    with pytest.raises(EngineUnavailable, match=f"{server.url}.*went away"):
        engine_for(server.url).run(request(), lambda event: None)


def test_a_server_never_reached_is_not_one_that_went_away():
    url = free_port_url()
    with pytest.raises(EngineUnavailable) as caught:
        engine_for(url).run(request(), lambda event: None)
    message = str(caught.value)
    assert f"no ComfyUI server could run the job ({url}: could not reach the ComfyUI server at {url}" in message
    assert "check the URL and that the server is running" in message and "refused" in message
    assert "went away" not in message


def test_a_server_that_answered_and_then_stopped_went_away(server):
    client = ComfyUIClient(server.url)
    client.queue()
    server.stop()
    with pytest.raises(ServerLost, match=f"ComfyUI server {server.url} went away: ConnectError"):
        client.queue()


def test_a_slow_server_is_stopped_at_the_timeout_and_nothing_hangs(server):
    server.script.next_prompt(step_delay=5.0)
    limits = WaitLimits(timeout=0.6, poll=0.05, silence_check=0.2)
    with pytest.raises(EngineUnavailable, match="did not finish within 1 s; the prompt was taken off the server"):
        engine_for(server.url, limits=limits).run(request(), lambda event: None)
    prompt_id = server.received.prompts[-1]["prompt_id"]
    assert server.received.interrupts == [{"prompt_id": prompt_id}]
    assert_taken_off(server, prompt_id, interrupted=True)


def test_a_timeout_while_waiting_deletes_the_prompt_and_spares_the_running_one(server):
    server.script.next_prompt(step_delay=0.2)
    other = ComfyUIClient(server.url)
    theirs = other.submit(_graph_of(request(num_images=1, num_inference_steps=200)), "someone-else", "theirs")
    wait_until(lambda: other.queue_state(theirs) == "running")
    limits = WaitLimits(timeout=0.5, poll=0.05, silence_check=0.2)
    with pytest.raises(EngineUnavailable, match="the prompt was taken off the server"):
        engine_for(server.url, limits=limits).run(request(), lambda event: None)
    ours = server.received.prompts[-1]["prompt_id"]
    assert server.received.queue_requests == [{"delete": [ours]}] and server.received.interrupts == []
    assert other.queue_state(theirs) == "running" and other.history(ours) is None
    other.interrupt(theirs)


def test_cancel_while_waiting_deletes_the_prompt_from_the_queue(server):
    server.script.next_prompt(hang=True)
    blocker = ComfyUIClient(server.url)
    blocker.submit(_graph_of(request(num_images=1)), "someone-else", "blocker")
    cancel = threading.Event()
    events = []

    def cancel_once_queued(event):
        events.append(event)
        if event.kind is EventKind.STARTED:
            threading.Thread(target=lambda: (wait_until(lambda: blocker.load() == 2), cancel.set())).start()

    with pytest.raises(JobCancelled):
        run_job(engine_for(server.url), request(), cancel_once_queued, cancel)
    ours = server.received.prompts[-1]["prompt_id"]
    assert {"delete": [ours]} in server.received.queue_requests and server.received.interrupts == []
    assert blocker.queue_state(ours) is None and blocker.queue_state("blocker") == "pending"
    assert events[-1].kind is EventKind.CANCELLED


def assert_taken_off(server, prompt_id: str, interrupted: bool) -> None:
    client = ComfyUIClient(server.url)
    assert client.queue_state(prompt_id) is None
    history = client.history(prompt_id)
    if interrupted:
        assert history["status"]["status_str"] == "error"
        assert "execution_interrupted" in [kind for kind, _ in history["status"]["messages"]]
    else:
        assert history is None


def _graph_of(job: GenerationRequest) -> dict:
    names = ServerNames(checkpoint="tiny_sdxl.safetensors")
    return build_workflow(job, names, WorkflowOptions(sdxl_text_encode=True)).graph.to_api()


@pytest.mark.parametrize(
    ("task", "inputs", "size"),
    [
        (Task.IMAGE_TO_IMAGE, {"strength": 0.6}, (64, 64)),
        (Task.OUTPAINT, {"outpaint": OutpaintSpec(right=20, top=8)}, (88, 56)),
    ],
)
def test_image_to_image_and_outpaint_run_on_the_server(server, tmp_path, task, inputs, size):
    picture = tmp_path / "panel.png"
    Image.new("RGB", (64, 48), "gray").save(picture)
    events = []
    images = run_job(engine_for(server.url), request(task=task, init_image=str(picture), **inputs), events.append)
    assert [image.image.size for image in images] == [size, size] and [image.seed for image in images] == [7, 8]
    assert [e.step for e in events if e.kind is EventKind.PROGRESS] == [1, 2, 3, 4, 5, 6]
    assert events[-1].kind is EventKind.SUCCEEDED
    graph = server.received.prompts[-1]["prompt"]
    loaded = [n["inputs"]["image"] for n in graph.values() if n["class_type"] == "LoadImage"]
    assert loaded == [f"stripstudio/{server.received.uploads[-1].name}"]
    if task is Task.OUTPAINT:
        pad = next(n["inputs"] for n in graph.values() if n["class_type"] == "ImagePadForOutpaint")
        assert (pad["left"], pad["top"], pad["right"], pad["bottom"]) == (0, 8, 24, 0)
    else:
        samplers = [n["inputs"] for n in graph.values() if n["class_type"] == "KSampler"]
        assert [s["denoise"] for s in samplers] == [0.6, 0.6]


def test_cancel_interrupts_the_running_prompt(server):
    server.script.next_prompt(step_delay=0.2)
    cancel = threading.Event()

    def on_event(event):
        if event.kind is EventKind.PROGRESS and event.step == 2:
            cancel.set()

    events = []
    with pytest.raises(JobCancelled):
        run_job(
            engine_for(server.url), request(num_inference_steps=20), lambda e: (events.append(e), on_event(e)), cancel
        )
    prompt_id = server.received.prompts[-1]["prompt_id"]
    assert server.received.interrupts == [{"prompt_id": prompt_id}]
    assert_taken_off(server, prompt_id, interrupted=True)
    assert events[-1].kind is EventKind.CANCELLED
    assert max(e.step for e in events if e.kind is EventKind.PROGRESS) < 5


def test_jobs_go_to_the_least_busy_server(server):
    with fake_comfyui() as idle:
        server.script.next_prompt(hang=True)
        blocker = ComfyUIClient(server.url)
        hung = request(num_images=1, seed=99)
        threading.Thread(
            target=lambda: _quietly(engine_for(server.url, limits=WaitLimits(timeout=3)), hung), daemon=True
        ).start()
        wait_until(lambda: blocker.load() == 1)
        engine_for(server.url, idle.url).run(request(num_images=1), lambda event: None)
        assert len(idle.received.prompts) == 1


def test_previews_arrive_as_preview_events(server):
    server.script.next_prompt(previews=True)
    events = []
    engine_for(server.url).run(request(num_images=1, previews=True), events.append)
    previews = [e.preview for e in events if e.kind is EventKind.PREVIEW]
    assert previews and all(p.startswith(b"\x89PNG") for p in previews)
    server.script.next_prompt(previews=True)
    unasked = []
    engine_for(server.url).run(request(num_images=1, seed=8), unasked.append)
    assert not [e for e in unasked if e.kind is EventKind.PREVIEW]


def test_capabilities_follow_the_servers_nodes(server):
    capabilities = engine_for(server.url).capabilities()
    assert Task.FACE_DETAIL not in capabilities.tasks and Task.TEXT_TO_IMAGE in capabilities.tasks
    assert any("FaceDetailer" in note for note in capabilities.notes)
    assert "tiny_sdxl.safetensors" in capabilities.models
    server.add_nodes(impact_pack_nodes(server.object_info()))
    assert Task.FACE_DETAIL in engine_for(server.url).capabilities().tasks


def test_the_servers_samplers_bound_the_capabilities(server):
    capabilities = engine_for(server.url).capabilities()
    assert "dpmpp_2m" in capabilities.samplers and "karras" in capabilities.schedulers
    problems = problems_for(request(sampler="dpmpp_9m"), capabilities)
    assert [p.field for p in problems] == ["sampler"] and "dpmpp_2m" in problems[0].message


def test_a_request_is_checked_against_the_server_before_it_is_queued(server):
    engine = engine_for(server.url)
    assert check_request(engine, request()) == []
    problems = check_request(engine, request(loras=(LoraSpec(name="leo-character"),)))
    assert [p.field for p in problems] == ["loras[0]"] and "tiny_sdxl_lora.safetensors" in problems[0].message
    tagged = check_request(engine, request(prompt="a young man <lora:leo-character:0.5>"))
    assert [p.field for p in tagged] == ["prompt"]
    assert server.received.prompts == []


def test_an_unreachable_server_is_said_so_quickly_at_the_check():
    engine = engine_for(free_port_url())
    assert engine.capabilities().tasks  # what the graphs can do, with the reason as a note
    with pytest.raises(EngineUnavailable, match="no ComfyUI server answered within 3 s") as caught:
        check_request(engine, request())
    assert "STRIPSTUDIO_COMFYUI_URLS" in str(caught.value)


def test_what_the_graphs_cannot_honour_is_refused_before_a_server_is_asked(server):
    asked = request(model=ModelRef(checkpoint="tiny_sdxl", config="/configs/sdxl"), negative_prompt="<lora:x:1>")
    with pytest.raises(InvalidRequest) as caught:
        engine_for(server.url).run(asked, lambda event: None)
    assert [p.field for p in caught.value.problems] == ["model.config", "negative_prompt"]
    assert server.received.prompts == []


def test_face_detail_runs_where_the_impact_pack_is(server, tmp_path):
    server.add_nodes(impact_pack_nodes(server.object_info()))
    picture = tmp_path / "panel.png"
    Image.new("RGB", (64, 64), "gray").save(picture)
    events = []
    images = engine_for(server.url).run(
        request(task=Task.FACE_DETAIL, init_image=str(picture), strength=0.45, num_images=1), events.append
    )
    assert images[0].image.size == (64, 64)
    assert [e.step for e in events if e.kind is EventKind.PROGRESS] == [1, 2, 3]


def _quietly(engine: ComfyUIEngine, job: GenerationRequest) -> None:
    with contextlib.suppress(Exception):  # the blocking job only holds the queue; how it ends does not matter
        engine.run(job, lambda event: None)


def test_client_reads_the_servers_state_and_uploads_masks(server):
    client = ComfyUIClient(server.url)
    assert client.system_stats()["system"]["comfyui_version"] == "0.3.64"
    assert client.queue() == {"queue_running": [], "queue_pending": []} and client.load() == 0
    assert "KSampler" in client.object_info()
    picture, mask = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (8, 8), "gray").save(picture, format="PNG")
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(mask, format="PNG")
    name = client.upload_image(picture.getvalue(), "panel.png")
    masked = client.upload_mask(mask.getvalue(), "panel_mask.png", name)
    assert (name, masked) == ("stripstudio/panel.png", "stripstudio/panel_mask.png")
    upload = server.received.uploads[-1]
    assert upload.route == "mask" and upload.original_ref["filename"] == "panel.png"


def test_a_refined_request_runs_through_the_server(server):
    from stripstudio.generation import RefinerSpec

    asked = request(refiner=RefinerSpec(checkpoint="tiny_sd15", switch=0.5), num_images=1)
    events = []
    (image,) = engine_for(server.url).run(asked, events.append)
    graph = server.received.prompts[-1]["prompt"]
    assert [n["class_type"] for n in graph.values()].count("KSamplerAdvanced") == 2
    assert image.request.refiner == asked.refiner
