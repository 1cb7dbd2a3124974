"""``generate`` and ``render`` check every request against the engine before drawing anything:
one message lists each problem at its field, and the command exits with status 1."""

from __future__ import annotations

import socket

from typer.testing import CliRunner

from stripstudio.cli import render
from stripstudio.cli.app import app
from stripstudio.generation import EngineCapabilities, Task
from tests.fakes import FakeEngine

runner = CliRunner()


def invoke(*args: str, data_dir):
    env = {"COLUMNS": "200", "STRIPSTUDIO_DATA_DIR": str(data_dir)}
    return runner.invoke(app, list(args), catch_exceptions=False, env=env)


def free_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_generate_lists_every_problem_and_draws_nothing(tmp_path):
    out = tmp_path / "out"
    result = invoke(
        "generate", "a cat", "--model", "tiny-random-sdxl", "--sampler", "dpmpp_9m", "--scheduler", "sideways",
        "--size", "64x64", "--steps", "1", "--out", str(out), data_dir=tmp_path / "data",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "cannot honour 2 part(s)" in result.output
    assert "sampler: the diffusers engine has no sampler 'dpmpp_9m'" in result.output
    assert "scheduler: the diffusers engine has no scheduler 'sideways'" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_generate_on_an_unreachable_comfyui_server_says_to_check_the_address(tmp_path):
    result = invoke(
        "generate", "a cat", "--engine", "comfyui", "--comfyui-url", free_port_url(), "--size", "64x64",
        "--out", str(tmp_path / "out"), data_dir=tmp_path / "data",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "no ComfyUI server answered" in result.output and "STRIPSTUDIO_COMFYUI_URLS" in result.output


TWO_CHARACTERS = """\
title: Checks
characters:
  - name: Mia
    description: red hair
  - name: Leo
    description: blue cap
panels:
  - description: they wave
    characters: [Mia, Leo]
  - description: a quiet street
  - description: they part
    characters: [Leo, Mia]
"""


def test_render_lists_what_the_engine_cannot_honour_in_every_panel_before_drawing(tmp_path, monkeypatch):
    narrow = EngineCapabilities(name="narrow", tasks=list(Task), samplers=["dpmpp_2m"], schedulers=["karras"])
    engine = FakeEngine(capabilities=narrow)
    monkeypatch.setattr(render, "make_engine", lambda settings, name=None: engine)
    script = tmp_path / "comic.yaml"
    script.write_text(TWO_CHARACTERS)
    out = tmp_path / "render"
    result = invoke("render", str(script), "--out", str(out), data_dir=tmp_path / "data")
    assert result.exit_code == 1
    assert "cannot honour 2 part(s)" in result.output
    assert "panel-01: regions: the narrow engine cannot honour regions" in result.output
    assert "panel-03: regions: the narrow engine cannot honour regions" in result.output
    assert engine.requests == [] and (not out.exists() or not any(out.rglob("*.png")))


def test_render_draws_the_same_script_where_the_engine_honours_regions(tmp_path, monkeypatch):
    engine = FakeEngine()
    monkeypatch.setattr(render, "make_engine", lambda settings, name=None: engine)
    script = tmp_path / "comic.yaml"
    script.write_text(TWO_CHARACTERS)
    result = invoke("render", str(script), "--out", str(tmp_path / "render"), "-n", "1", data_dir=tmp_path / "data")
    assert result.exit_code == 0, result.output
    assert [len(request.regions) for request in engine.requests] == [2, 0, 2]


def test_render_checks_the_face_fixing_pass_too(tmp_path, monkeypatch):
    no_faces = EngineCapabilities(
        name="no-faces",
        tasks=[Task.TEXT_TO_IMAGE],
        samplers=["dpmpp_2m"],
        schedulers=["karras"],
        features=["regions", "reference_images"],
    )
    engine = FakeEngine(capabilities=no_faces)
    monkeypatch.setattr(render, "make_engine", lambda settings, name=None: engine)
    script = tmp_path / "comic.yaml"
    script.write_text(TWO_CHARACTERS.replace("panels:", "generation: {fix_faces: true}\npanels:"))
    result = invoke("render", str(script), "--out", str(tmp_path / "render"), data_dir=tmp_path / "data")
    assert result.exit_code == 1, result.output
    assert "cannot honour 3 part(s)" in result.output
    assert "panel-02 (fix faces): task: the no-faces engine cannot do face_detail" in result.output
    assert engine.requests == []
