"""The fake ComfyUI server reproduces the recorded shapes of a real ComfyUI 0.3.64 server.

Plain HTTP (httpx) and WebSocket (websockets) calls only, so what is checked here is the wire
protocol that a client sees, compared with ``recorded/recorded-exchanges.json``.
"""

from __future__ import annotations

import io
import json
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from .fake_script import ExecutionError
from .fake_server import FakeComfyUI, fake_comfyui
from .impact_pack import impact_pack_nodes

RECORDED = json.loads((Path(__file__).parent / "recorded" / "recorded-exchanges.json").read_text())
CLIENT_ID = "94f5471fa56a41d49b687dbf37a3f368"
MAIN_EVENTS = {"execution_start", "execution_cached", "executing", "progress", "executed", "execution_success"}


# -- helpers -----------------------------------------------------------------------------------
def t2i_graph(seed: int = 1, steps: int = 4, width: int = 64, height: int = 64) -> dict[str, Any]:
    """The recorded t2i_sd15 workflow: checkpoint, two prompts, empty latent, KSampler, decode, save."""
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny_sd15.safetensors"}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["1", 1]}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "ugly", "clip": ["1", 1]}},
        "4": {"class_type": "EmptyLatentImage", "inputs": {"width": width, "height": height, "batch_size": 1}},
        "5": {
            "class_type": "KSampler",
            "inputs": {
                "model": ["1", 0],
                "seed": seed,
                "steps": steps,
                "cfg": 7.0,
                "sampler_name": "euler",
                "scheduler": "normal",
                "positive": ["2", 0],
                "negative": ["3", 0],
                "latent_image": ["4", 0],
                "denoise": 1.0,
            },
        },
        "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
        "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "smoke/t2i_sd15"}},
    }


def png(width: int = 32, height: int = 24, color: tuple = (200, 10, 10, 255)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


@contextmanager
def open_socket(server: FakeComfyUI, client_id: str | None = CLIENT_ID) -> Iterator[ClientConnection]:
    """A /ws connection whose greeting has been read.

    ``max_queue=None``: with the default bounded queue, closing a socket with many unread frames
    waits for the close timeout.
    """
    query = f"?clientId={client_id}" if client_id else ""
    with connect(f"ws://127.0.0.1:{server.port}/ws{query}", max_size=None, max_queue=None) as socket:
        greeting = json.loads(socket.recv(timeout=5))
        assert greeting["type"] == "status"
        yield socket


def submit(server: FakeComfyUI, graph: dict[str, Any], client_id: str | None = CLIENT_ID, **body: Any) -> dict:
    payload = {"prompt": graph, **({"client_id": client_id} if client_id else {}), **body}
    response = httpx.post(f"{server.url}/prompt", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def messages_until_done(socket: ClientConnection, prompt_id: str, timeout: float = 5.0) -> list[Any]:
    """Every message (dicts for text, bytes for binary frames) up to ``executing`` null for ``prompt_id``."""
    received, deadline = [], time.monotonic() + timeout
    while True:
        raw = socket.recv(timeout=max(0.01, deadline - time.monotonic()))
        message = raw if isinstance(raw, bytes) else json.loads(raw)
        received.append(message)
        if (
            isinstance(message, dict)
            and message["type"] == "executing"
            and message["data"]["node"] is None
            and message["data"]["prompt_id"] == prompt_id
        ):
            return received


def types(messages: list[Any]) -> list[str]:
    return [m["type"] for m in messages if isinstance(m, dict)]


def of_type(messages: list[Any], kind: str) -> list[dict]:
    return [m["data"] for m in messages if isinstance(m, dict) and m["type"] == kind]


def history(server: FakeComfyUI, prompt_id: str) -> dict[str, Any]:
    return httpx.get(f"{server.url}/api/history/{prompt_id}").json()


def assert_shapes_like_recorded(messages: list[Any]) -> None:
    """Every text message has the keys of the recorded sample of its type."""
    samples = RECORDED["ws_message_samples"]
    for message in messages:
        kind, data = message["type"], message["data"]
        if kind == "executing" and data["node"] is None:
            assert set(data) == {"node", "prompt_id"}
        elif kind == "status":
            assert set(data) == {"status"} and set(data["status"]) == {"exec_info"}
        else:
            assert set(data) == set(samples[kind]["data"]), kind
        if kind == "progress_state":
            [sample_node] = samples[kind]["data"]["nodes"].values()
            assert all(set(node) == set(sample_node) for node in data["nodes"].values())


@pytest.fixture
def server() -> Iterator[FakeComfyUI]:
    with fake_comfyui() as running:
        yield running


# -- connection --------------------------------------------------------------------------------
def test_greeting_gives_the_sid_in_a_status_message(server):
    with connect(f"ws://127.0.0.1:{server.port}/ws?clientId={CLIENT_ID}") as socket:
        greeting = json.loads(socket.recv(timeout=5))
    recorded = {key: value for key, value in RECORDED["ws_greeting"].items() if key != "_t"}
    assert greeting == recorded
    with connect(f"ws://127.0.0.1:{server.port}/api/ws") as socket:
        made_up = json.loads(socket.recv(timeout=5))["data"]["sid"]
    assert len(made_up) == 32 and int(made_up, 16) >= 0


def test_reading_routes_answer_at_both_paths(server):
    for path in ("/object_info", "/api/object_info"):
        info = httpx.get(server.url + path).json()
        assert info["KSampler"]["input"]["required"]["steps"][0] == "INT"
    assert list(httpx.get(f"{server.url}/object_info/KSampler").json()) == ["KSampler"]
    assert httpx.get(f"{server.url}/object_info/NoSuchNode").json() == {}
    stats = httpx.get(f"{server.url}/api/system_stats").json()
    assert stats["system"]["comfyui_version"] == RECORDED["system_stats"]["comfyui_version"]
    assert stats["devices"][0]["type"] == RECORDED["system_stats"]["device"]
    assert httpx.get(f"{server.url}/models/checkpoints").json() == RECORDED["checkpoints"]
    assert httpx.get(f"{server.url}/queue").json() == RECORDED["queue_final"]
    assert httpx.get(f"{server.url}/prompt").json() == {"exec_info": {"queue_remaining": 0}}
    assert httpx.post(f"{server.url}/free", json={"unload_models": True, "free_memory": True}).status_code == 200
    assert httpx.get(server.url + "/object_info", headers={"Origin": "http://evil.example"}).status_code == 403


# -- a prompt from start to finish -----------------------------------------------------------------
def test_t2i_events_history_and_view_match_the_recording(server):
    recorded = RECORDED["t2i_sd15_cold"]
    with open_socket(server) as socket:
        answer = submit(server, t2i_graph())
        messages = messages_until_done(socket, answer["prompt_id"])
    assert answer == {**recorded["post_response"], "prompt_id": answer["prompt_id"]}
    main = [t for t in types(messages) if t in MAIN_EVENTS]
    assert main == [t for t in recorded["ws_types"] if t in MAIN_EVENTS]
    assert main[-1] == "executing" and messages[-1]["data"] == {"node": None, "prompt_id": answer["prompt_id"]}
    assert types(messages) == recorded["ws_types"]  # status and progress_state included
    assert_shapes_like_recorded(messages)
    progress = [(p["value"], p["max"], p["node"]) for p in of_type(messages, "progress")]
    assert progress == [(step, 4, "5") for step in range(1, 5)]
    [executed] = of_type(messages, "executed")
    image = {"filename": "t2i_sd15_00001_.png", "subfolder": "smoke", "type": "output"}
    assert executed["output"] == {"images": [image]}

    entry = history(server, answer["prompt_id"])[answer["prompt_id"]]
    assert entry["outputs"] == {"7": executed["output"]}
    status = entry["status"]
    assert (status["status_str"], status["completed"]) == ("success", True)
    assert [m[0] for m in status["messages"]] == [m[0] for m in recorded["history_status"]["messages"]]
    number, prompt_id, prompt, extra_data, outputs = entry["prompt"]
    assert (number, prompt_id, extra_data, outputs) == (0, answer["prompt_id"], {"client_id": CLIENT_ID}, ["7"])
    assert entry["meta"]["7"] == {"node_id": "7", "display_node": "7", "parent_node": None, "real_node_id": "7"}

    picture = httpx.get(f"{server.url}/view", params={**executed["output"]["images"][0], "type": "output"})
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(picture.content))
    assert image.size == (64, 64) and image.mode == "RGB"
    assert json.loads(image.text["prompt"]) == prompt


def test_history_is_written_after_execution_success_and_before_the_final_executing(server):
    server.script.next_prompt(history_delay=0.3)
    with open_socket(server) as socket:
        prompt_id = submit(server, t2i_graph())["prompt_id"]
        while json.loads(socket.recv(timeout=5))["type"] != "execution_success":
            pass
        assert history(server, prompt_id) == {}
        messages_until_done(socket, prompt_id)
    assert prompt_id in history(server, prompt_id)


def test_identical_prompt_is_cached_and_a_new_seed_is_not(server):
    with open_socket(server) as socket:
        first = messages_until_done(socket, submit(server, t2i_graph(seed=1))["prompt_id"])
        again = messages_until_done(socket, submit(server, t2i_graph(seed=1))["prompt_id"])
        other = messages_until_done(socket, submit(server, t2i_graph(seed=2, width=96, height=80))["prompt_id"])
    assert of_type(again, "execution_cached")[0]["nodes"] == ["1", "2", "3", "4", "5", "6", "7"]
    assert "progress" not in types(again) and of_type(again, "executing") == [of_type(again, "executing")[-1]]
    assert of_type(again, "executed")[0]["output"] == of_type(first, "executed")[0]["output"]
    assert of_type(other, "execution_cached")[0]["nodes"] == ["1", "2", "3"]
    images = [of_type(run, "executed")[0]["output"]["images"][0] for run in (first, other)]
    assert [image["filename"] for image in images] == ["t2i_sd15_00001_.png", "t2i_sd15_00002_.png"]
    pictures = [Image.open(io.BytesIO(httpx.get(f"{server.url}/view", params=image).content)) for image in images]
    assert pictures[1].size == (96, 80)
    assert pictures[0].resize((8, 8)).tobytes() != pictures[1].resize((8, 8)).tobytes()


def test_without_client_id_only_status_and_progress_reach_the_sockets(server):
    with open_socket(server) as socket:
        submit(server, t2i_graph(), client_id=None)
        seen = []
        while not seen or seen[-1] != {"status": {"exec_info": {"queue_remaining": 0}}}:  # the last message
            message = json.loads(socket.recv(timeout=5))
            seen.append(message["data"] if message["type"] == "status" else message["type"])
    assert {kind for kind in seen if isinstance(kind, str)} == {"progress_state", "progress"}


def test_reconnecting_with_the_same_id_moves_the_events_to_the_new_socket(server):
    with open_socket(server) as old, open_socket(server) as new:
        prompt_id = submit(server, t2i_graph())["prompt_id"]
        messages_until_done(new, prompt_id)
        leftovers = []
        with pytest.raises(TimeoutError):
            while True:
                leftovers.append(json.loads(old.recv(timeout=0.2))["type"])
    assert set(leftovers) <= {"status"}


# -- validation --------------------------------------------------------------------------------
def post_invalid(server: FakeComfyUI, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{server.url}/api/prompt", json=body)


def test_validation_errors_equal_the_recorded_answers(server):
    bad = t2i_graph()
    bad["5"]["inputs"].update(steps=0, sampler_name="no_such_sampler")
    del bad["6"]["inputs"]["vae"]
    below_min = t2i_graph(width=8)
    unknown = t2i_graph()
    unknown["5"]["class_type"] = "NoSuchNode"
    cases = {
        "error_validation": {"prompt": bad},
        "error_below_min": {"prompt": below_min},
        "error_unknown_node": {"prompt": unknown},
        "error_no_prompt": {"client_id": CLIENT_ID},
    }
    for name, body in cases.items():
        response = post_invalid(server, body)
        assert (response.status_code, response.json()) == (RECORDED[name]["http_status"], RECORDED[name]["response"])
    no_outputs = {k: v for k, v in t2i_graph().items() if k != "7"}
    assert post_invalid(server, {"prompt": no_outputs}).json()["error"]["type"] == "prompt_no_outputs"


def test_links_and_types_are_checked(server):
    graph = t2i_graph()
    graph["6"]["inputs"]["vae"] = ["1", 0]  # MODEL into VAE
    graph["5"]["inputs"].update(latent_image=["4"], cfg=101)
    errors = post_invalid(server, {"prompt": graph}).json()["node_errors"]
    assert [e["type"] for e in errors["6"]["errors"]] == ["return_type_mismatch"]
    assert errors["6"]["errors"][0]["details"] == "vae, received_type(MODEL) mismatch input_type(VAE)"
    assert [(e["type"], e["message"]) for e in errors["5"]["errors"]] == [
        ("value_bigger_than_max", "Value 101.0 bigger than max of 100.0"),
        ("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]"),
    ]


def test_an_invalid_branch_gives_node_errors_on_a_200_and_is_skipped(server):
    graph = t2i_graph()
    graph["8"] = {"class_type": "SaveImage", "inputs": {"filename_prefix": "broken"}}
    with open_socket(server) as socket:
        answer = submit(server, graph)
        messages = messages_until_done(socket, answer["prompt_id"])
    assert answer["node_errors"]["8"]["errors"][0]["type"] == "required_input_missing"
    assert answer["node_errors"]["8"]["dependent_outputs"] == ["8"]
    assert [e["node"] for e in of_type(messages, "executed")] == ["7"]


def test_load_image_accepts_uploaded_names_and_uses_their_size(server):
    graph = {
        "1": {"class_type": "LoadImage", "inputs": {"image": "stripstudio/panel.png"}},
        "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "i2i"}},
    }
    refused = post_invalid(server, {"prompt": graph}).json()["node_errors"]["1"]["errors"]
    assert refused == [
        {
            "type": "custom_validation_failed",
            "message": "Custom validation failed for node",
            "details": "image - Invalid image file: stripstudio/panel.png",
            "extra_info": {"input_name": "image"},
        }
    ]
    httpx.post(
        f"{server.url}/upload/image",
        files={"image": ("panel.png", png(40, 24))},
        data={"subfolder": "stripstudio", "overwrite": "true"},
    )
    with open_socket(server) as socket:
        messages = messages_until_done(socket, submit(server, graph)["prompt_id"])
    [output] = of_type(messages, "executed")[0]["output"]["images"]
    assert Image.open(io.BytesIO(httpx.get(f"{server.url}/view", params=output).content)).size == (40, 24)


def widget_defaults(server: FakeComfyUI, class_type: str) -> dict[str, Any]:
    """Every required widget input at its default (combos at their first choice)."""
    values = {}
    for name, spec in server.object_info()[class_type]["input"]["required"].items():
        options = spec[1] if len(spec) > 1 else {}
        if isinstance(spec[0], list):
            values[name] = spec[0][0]
        elif "default" in options:
            values[name] = options["default"]
    return values


def test_added_nodes_validate_and_report_sampler_progress(server):
    server.add_nodes(impact_pack_nodes(server.object_info()))
    httpx.post(f"{server.url}/upload/image", files={"image": ("face.png", png(48, 40))})
    graph = t2i_graph()
    graph["4"] = {"class_type": "LoadImage", "inputs": {"image": "face.png"}}
    graph["8"] = {"class_type": "UltralyticsDetectorProvider", "inputs": {"model_name": "bbox/face_yolov8m.pt"}}
    graph["5"] = {
        "class_type": "FaceDetailer",
        "inputs": {
            **widget_defaults(server, "FaceDetailer"),
            "steps": 3,
            "wildcard": "",
            "image": ["4", 0],
            "model": ["1", 0],
            "clip": ["1", 1],
            "vae": ["1", 2],
            "positive": ["2", 0],
            "negative": ["3", 0],
            "bbox_detector": ["8", 0],
        },
    }
    graph["7"]["inputs"]["images"] = ["5", 0]
    del graph["6"]
    with open_socket(server) as socket:
        messages = messages_until_done(socket, submit(server, graph)["prompt_id"])
    assert [(p["value"], p["max"], p["node"]) for p in of_type(messages, "progress")] == [
        (1, 3, "5"),
        (2, 3, "5"),
        (3, 3, "5"),
    ]
    [output] = of_type(messages, "executed")[0]["output"]["images"]
    assert Image.open(io.BytesIO(httpx.get(f"{server.url}/view", params=output).content)).size == (48, 40)


# -- uploads and files -------------------------------------------------------------------------
def upload(server: FakeComfyUI, route: str, data: bytes, name: str = "panel.png", **form: str) -> dict:
    response = httpx.post(
        f"{server.url}/upload/{route}", files={"image": (name, data, "image/png")}, data={"subfolder": "smoke", **form}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_upload_answers_and_overwrite_rules(server):
    assert upload(server, "image", png()) == RECORDED["upload_image_response"]
    assert upload(server, "image", png())["name"] == "panel.png"  # same bytes: reused
    assert upload(server, "image", png(color=(0, 0, 255, 255)))["name"] == "panel (1).png"
    assert upload(server, "image", png(color=(0, 255, 0, 255)), overwrite="true")["name"] == "panel.png"
    mask = png(color=(0, 0, 0, 0))
    ref = json.dumps({"filename": "panel.png", "subfolder": "smoke", "type": "input"})
    assert upload(server, "mask", mask, "panel_mask.png", original_ref=ref) == RECORDED["upload_mask_response"]
    stored = httpx.get(
        f"{server.url}/view", params={"filename": "panel_mask.png", "subfolder": "smoke", "type": "input"}
    )
    image = Image.open(io.BytesIO(stored.content))
    assert image.mode == "RGBA" and image.getpixel((0, 0)) == (0, 255, 0, 0)
    assert [u.name for u in server.received.uploads] == [
        "panel.png",
        "panel.png",
        "panel (1).png",
        "panel.png",
        "panel_mask.png",
    ]


def test_view_refuses_escapes_and_reports_missing_files(server):
    view = f"{server.url}/view"
    assert httpx.get(view, params={"filename": "../secret.png"}).status_code == 400
    assert httpx.get(view, params={"filename": "/etc/passwd"}).status_code == 400
    assert httpx.get(view, params={"filename": "x.png", "subfolder": "../.."}).status_code == 403
    assert httpx.get(view, params={"filename": "missing.png"}).status_code == 404


# -- faults ------------------------------------------------------------------------------------
def test_interrupt_ends_the_running_prompt_like_the_recording(server):
    recorded = RECORDED["interrupt"]
    server.script.next_prompt(step_delay=0.05)
    with open_socket(server) as socket:
        prompt_id = submit(server, t2i_graph(steps=200))["prompt_id"]
        while json.loads(socket.recv(timeout=5))["type"] != "progress":
            pass
        running = httpx.get(f"{server.url}/queue").json()["queue_running"]
        shape = [type(value).__name__ for value in running[0]]
        assert shape == RECORDED["queue_while_running"]["running_item_shape"]
        assert httpx.post(f"{server.url}/interrupt", json={"prompt_id": "another"}).status_code == 200
        assert httpx.get(f"{server.url}/queue").json()["queue_running"] == running  # not that one: still running
        assert httpx.post(f"{server.url}/interrupt", content=b"").status_code == 200  # no body: whatever runs
        messages = messages_until_done(socket, prompt_id)
    assert types(messages)[-3:] == recorded["ws_types"][-3:]
    [interrupted] = of_type(messages, "execution_interrupted")
    assert set(interrupted) == set(recorded["interrupted_msg"]["data"])
    assert (interrupted["node_id"], interrupted["node_type"]) == ("5", "KSampler")
    assert sorted(interrupted["executed"]) == ["1", "2", "3", "4"]
    status = history(server, prompt_id)[prompt_id]["status"]
    assert (status["status_str"], status["completed"]) == ("error", False)
    assert [m[0] for m in status["messages"]] == [m[0] for m in recorded["history_status"]["messages"]]


def test_execution_error_is_reported_like_the_recording(server):
    recorded = RECORDED["error_runtime"]
    server.script.next_prompt(error=ExecutionError("2", "KeyError", "'g'"))
    with open_socket(server) as socket:
        answer = submit(server, t2i_graph())
        messages = messages_until_done(socket, answer["prompt_id"])
    assert answer["node_errors"] == {}
    assert types(messages)[-6:] == recorded["ws_types"][-6:]
    [error] = of_type(messages, "execution_error")
    assert set(error) == set(recorded["history_status"]["messages"][-1][1])
    assert (error["node_id"], error["exception_type"], error["exception_message"]) == ("2", "KeyError", "'g'\n")
    entry = history(server, answer["prompt_id"])[answer["prompt_id"]]
    assert (entry["status"]["status_str"], entry["status"]["completed"], entry["outputs"]) == ("error", False, {})
    assert entry["status"]["messages"][-1][0] == "execution_error"


def test_drop_cuts_the_sockets_and_http_until_the_server_comes_back(server):
    server.script.next_prompt(drop_at_step=2, step_delay=0.01)
    port = server.port
    with open_socket(server) as socket:
        prompt_id = submit(server, t2i_graph())["prompt_id"]
        progress = []
        with pytest.raises(ConnectionClosed):
            while True:
                message = json.loads(socket.recv(timeout=5))
                if message["type"] == "progress":
                    progress.append(message["data"]["value"])
    assert progress == [1, 2]
    assert server.wait_down(5)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/queue")
    server.start()
    assert server.port == port
    assert history(server, prompt_id) == {}
    assert httpx.get(f"{server.url}/queue").json() == RECORDED["queue_final"]


def test_hang_keeps_the_prompt_pending_until_deleted(server):
    server.script.next_prompt(hang=True)
    stuck = submit(server, t2i_graph())["prompt_id"]
    queue = httpx.get(f"{server.url}/queue").json()
    assert queue["queue_running"] == [] and [item[1] for item in queue["queue_pending"]] == [stuck]
    httpx.post(f"{server.url}/queue", json={"delete": [stuck]})
    with open_socket(server) as socket:
        messages_until_done(socket, submit(server, t2i_graph(seed=5))["prompt_id"])
    assert history(server, stuck) == {}


def test_scripted_500_and_node_errors(server):
    server.script.next_prompt(http_500=True)
    server.script.next_prompt(node_errors={"9": {"errors": [], "dependent_outputs": [], "class_type": "X"}})
    assert httpx.post(f"{server.url}/prompt", json={"prompt": t2i_graph()}).status_code == 500
    assert submit(server, t2i_graph())["node_errors"]["9"]["class_type"] == "X"
    assert len(server.received.prompts) == 2


def test_previews_are_binary_frames(server):
    server.script.always(previews=True)
    with open_socket(server) as socket:
        legacy = messages_until_done(socket, submit(server, t2i_graph(steps=2))["prompt_id"])
    with open_socket(server, "with-metadata") as socket:
        socket.send(json.dumps({"type": "feature_flags", "data": {"supports_preview_metadata": True}}))
        assert json.loads(socket.recv(timeout=5))["type"] == "feature_flags"
        tagged = messages_until_done(socket, submit(server, t2i_graph(steps=2, seed=3), "with-metadata")["prompt_id"])
    frames = [m for m in legacy if isinstance(m, bytes)]
    assert len(frames) == 2 and all(struct.unpack(">II", f[:8]) == (1, 2) for f in frames)
    assert Image.open(io.BytesIO(frames[0][8:])).format == "PNG"
    [first, _] = [m for m in tagged if isinstance(m, bytes)]
    event, length = struct.unpack(">II", first[:8])
    assert event == 4 and json.loads(first[8 : 8 + length])["node_id"] == "5"
    assert Image.open(io.BytesIO(first[8 + length :])).format == "PNG"
