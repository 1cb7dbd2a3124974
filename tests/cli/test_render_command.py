"""``stripstudio render`` on the example comic with the tiny model, end to end in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from sd_parsers import ParserManager

from stripstudio.generation import GenerationRequest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "to-the-stars-and-back.yaml"


def stripstudio(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "STRIPSTUDIO_DATA_DIR": str(data_dir), "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "stripstudio", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_render_writes_every_panel_with_readable_parameters(tmp_path):
    out = tmp_path / "render"
    result = stripstudio(
        "render",
        str(EXAMPLE),
        "--model",
        "tiny-random-sdxl",
        "--out",
        str(out),
        "--size",
        "128x128",
        "--steps",
        "3",
        data_dir=tmp_path / "data",
    )
    assert result.returncode == 0, result.stderr
    assert "random weights" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert [p["id"] for p in manifest["panels"]] == [
        "street-crossing",
        "apartment-building",
        "reading",
        "scratching-head",
    ]
    assert manifest["panels"][1]["request"]["task"] == "sketch_to_image"
    parser = ParserManager()
    for panel in manifest["panels"]:
        assert len(panel["candidates"]) == 2
        for candidate in panel["candidates"]:
            path = out / candidate["file"]
            with Image.open(path) as image:
                assert image.size == (128, 128)
                request = GenerationRequest.from_json(image.text["stripstudio"])
            assert request.seed == candidate["seed"] and request.num_images == 1
            sampler = parser.parse(str(path)).samplers[0]
            assert sampler.name == "DPM++ 2M" and sampler.parameters["seed"] == str(candidate["seed"])
            assert sampler.parameters["steps"] == "3" and sampler.model.name == "tiny-random-sdxl"
            assert sampler.prompts[0].value.startswith("((cartoon style))")


def test_render_reports_every_script_problem_and_draws_nothing(tmp_path):
    script = tmp_path / "bad.yaml"
    script.write_text(
        "title: Bad\ncharacters:\n  - name: Alex\npanels:\n  - description: a\n    characters: [Bob]\n"
        "  - descripton: typo\n"
    )
    result = stripstudio(
        "render",
        str(script),
        "--model",
        "tiny-random-sdxl",
        "--out",
        str(tmp_path / "o"),
        data_dir=tmp_path / "data",
    )
    assert result.returncode == 1
    assert "bad.yaml:6" in result.stderr and "unknown character 'Bob' (known: Alex)" in result.stderr
    assert "did you mean 'description'" in result.stderr
    assert not (tmp_path / "o").exists()


def test_missing_checkpoint_fails_with_the_fix(tmp_path):
    result = stripstudio(
        "render",
        str(EXAMPLE),
        "--model",
        str(tmp_path / "none.safetensors"),
        "--out",
        str(tmp_path / "o"),
        "--size",
        "64x64",
        "--steps",
        "1",
        data_dir=tmp_path / "data",
    )
    assert result.returncode == 1
    assert "ModelNotFound" in result.stderr and "none.safetensors" in result.stderr


def test_a_fast_render_without_the_profiles_lora_names_the_file_and_draws_nothing(tmp_path):
    result = stripstudio(
        "render",
        str(EXAMPLE),
        "--model",
        "tiny-random-sdxl",
        "--out",
        str(tmp_path / "o"),
        "--fast",
        "--fast-profile",
        "hyper",
        data_dir=tmp_path / "data",
    )
    assert result.returncode == 1
    assert "Hyper-SDXL-8steps-lora" in result.stderr and "loras" in result.stderr
    assert not list((tmp_path / "o").glob("**/*.png"))


def test_an_unknown_fast_profile_is_refused_with_the_choices(tmp_path):
    result = stripstudio(
        "render", str(EXAMPLE), "--fast-profile", "warp", "--out", str(tmp_path / "o"), data_dir=tmp_path / "data"
    )
    assert result.returncode == 1
    assert "warp" in result.stderr and "lightning" in result.stderr
