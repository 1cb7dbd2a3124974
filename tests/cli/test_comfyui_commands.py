"""The example comic rendered through ComfyUI from the command line, and workflow export."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from typer.testing import CliRunner

from stripstudio.cli.app import app

from ..engines.comfyui.fake_server import fake_comfyui
from .test_render_command import EXAMPLE

runner = CliRunner()


@pytest.fixture
def server():
    with fake_comfyui() as running:
        running.set_choices(
            "ControlNetLoader", "control_net_name", ["tiny_sdxl_controlnet.safetensors", "tiny_sdxl_sketch.safetensors"]
        )
        yield running


def test_render_with_the_comfyui_engine_writes_every_panel(server, tmp_path):
    out = tmp_path / "render"
    result = runner.invoke(
        app,
        [
            "render",
            str(EXAMPLE),
            "--engine",
            "comfyui",
            "--comfyui-url",
            server.url,
            "--model",
            "tiny_sdxl.safetensors",
            "--size",
            "64x64",
            "--steps",
            "2",
            "--out",
            str(out),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"] == "comfyui" and len(manifest["panels"]) == 4
    for panel in manifest["panels"]:
        for candidate in panel["candidates"]:
            with Image.open(out / candidate["file"]) as image:
                graph = json.loads(image.text["prompt"])
                assert "Seed: " + str(candidate["seed"]) in image.text["parameters"]
            seeds = [n["inputs"]["seed"] for n in graph.values() if n["class_type"] == "KSampler"]
            assert seeds == [candidate["seed"]]
    sketch_graph = server.received.prompts[1]["prompt"]
    assert any(n["class_type"] == "ControlNetApplyAdvanced" for n in sketch_graph.values())
    assert any(n["inputs"].get("control_net_name") == "tiny_sdxl_sketch.safetensors" for n in sketch_graph.values())


def test_settings_name_the_default_engine_and_the_pool(server, tmp_path, monkeypatch):
    monkeypatch.setenv("STRIPSTUDIO_DEFAULT_ENGINE", "comfyui")
    monkeypatch.setenv("STRIPSTUDIO_COMFYUI_URLS", f"http://127.0.0.1:1,{server.url}")
    result = runner.invoke(
        app,
        ["generate", "a lighthouse", "--model", "tiny_sdxl", "--size", "64x64", "--steps", "2", "--out", str(tmp_path)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert len(server.received.prompts) == 1 and len(list(tmp_path.glob("*.png"))) == 1


def test_workflow_export_writes_the_api_json_of_a_panel(tmp_path):
    out = tmp_path / "reading.json"
    result = runner.invoke(
        app,
        [
            "workflow",
            "export",
            str(EXAMPLE),
            "--panel",
            "reading",
            "--model",
            "dynavisionXLAllInOneStylized",
            "--out",
            str(out),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    graph = json.loads(out.read_text())
    assert graph["1"] == {
        "class_type": "CheckpointLoaderSimple",
        "inputs": {"ckpt_name": "dynavisionXLAllInOneStylized.safetensors"},
    }
    assert sum(n["class_type"] == "KSampler" for n in graph.values()) == 2


def test_workflow_export_checked_against_a_server(server, tmp_path):
    result = runner.invoke(
        app,
        [
            "workflow",
            "export",
            str(EXAMPLE),
            "--panel",
            "apartment-building",
            "--model",
            "tiny_sdxl",
            "--comfyui-url",
            server.url,
            "--out",
            str(tmp_path / "w.json"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    graph = json.loads((tmp_path / "w.json").read_text())
    assert graph["1"]["inputs"]["ckpt_name"] == "tiny_sdxl.safetensors"
    result = runner.invoke(
        app, ["workflow", "export", str(EXAMPLE), "--panel", "reading", "--model", "nope", "--comfyui-url", server.url]
    )
    assert result.exit_code == 1 and "checkpoint 'nope' is not on the ComfyUI server" in result.output


def test_a_declared_sd1_family_draws_with_plain_text_encoding(server, tmp_path):
    out = tmp_path / "sd15"
    arguments = ["render", str(EXAMPLE), "--engine", "comfyui", "--comfyui-url", server.url]
    arguments += ["--model", "tiny_sd15.safetensors", "--model-family", "sd1", "--panel", "street-crossing"]
    arguments += ["--size", "64x64", "--steps", "2", "--out", str(out)]
    result = runner.invoke(app, arguments, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    graph = server.received.prompts[-1]["prompt"]
    encoders = {n["class_type"] for n in graph.values() if n["class_type"].startswith("CLIPTextEncode")}
    assert encoders == {"CLIPTextEncode"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["panels"][0]["request"]["model"]["family"] == "sd1"
