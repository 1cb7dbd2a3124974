"""``generate`` and ``render`` check every request against the engine before drawing anything:
one message lists each problem at its field, and the command exits with status 1."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from stripstudio.cli.app import app
from stripstudio.generation import Region
from stripstudio.production import render_comic

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


@pytest.mark.parametrize("engine", ["diffusers", "comfyui"])
def test_render_refuses_regions_and_reference_images_before_drawing(tmp_path, monkeypatch, engine):
    build = render_comic.build_panel_request

    def richer(*args, **kwargs):
        region = Region(prompt="a dog", box=(0.0, 0.0, 0.5, 1.0))
        return build(*args, **kwargs).model_copy(update={"regions": (region,), "reference_images": ("/in/a.png",)})

    monkeypatch.setattr(render_comic, "build_panel_request", richer)
    script = tmp_path / "comic.yaml"
    script.write_text("title: Checks\npanels:\n  - description: a cat on a roof\n  - description: a dog\n")
    out = tmp_path / "render"
    result = invoke(
        "render", str(script), "--model", "tiny-random-sdxl", "--out", str(out), "--engine", engine,
        "--comfyui-url", free_port_url(), data_dir=tmp_path / "data",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "cannot honour 4 part(s)" in result.output
    assert result.output.count(f"reference_images: the {engine} engine cannot honour") == 2
    assert result.output.count(f"regions: the {engine} engine cannot honour regions") == 2
    assert not out.exists() or not any(out.rglob("*.png"))
