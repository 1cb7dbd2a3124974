"""``stripstudio generate``, ``models`` and ``doctor`` in-process on the tiny model."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from stripstudio.cli.app import app
from stripstudio.generation import GenerationRequest, Task

from ..engines.diffusers.model_files import write_tiny_config_folder, write_tiny_lora, write_tiny_single_file
from ..hostile import alias_bomb
from ..models.family_files import write_lora

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def saved_requests(folder: Path) -> list[GenerationRequest]:
    requests = []
    for path in sorted(folder.glob("*.png")):
        with Image.open(path) as image:
            requests.append(GenerationRequest.from_json(image.text["stripstudio"]))
    return requests


def test_generate_writes_each_candidate_with_lora_tags_taken_from_the_prompt(tmp_path):
    lora = write_tiny_lora(tmp_path / "leo.safetensors", key_format="kohya", seed=3)
    result = invoke(
        "generate",
        f"a (young man:1.2) reading <lora:{lora}:0.8:0.5>",
        "--model",
        "tiny-random-sdxl",
        "--size",
        "64x64",
        "--steps",
        "2",
        "-n",
        "2",
        "--seed",
        "40",
        "--out",
        str(tmp_path / "out"),
    )
    assert result.exit_code == 0, result.output
    requests = saved_requests(tmp_path / "out")
    assert [r.seed for r in requests] == [40, 41]
    assert requests[0].prompt == "a (young man:1.2) reading"
    assert [(lo.name, lo.strength_model, lo.strength_clip) for lo in requests[0].loras] == [(str(lora), 0.8, 0.5)]


def test_generate_picks_the_task_from_the_options(tmp_path):
    picture = tmp_path / "p.png"
    Image.new("RGB", (64, 64), "gray").save(picture)
    mask = tmp_path / "m.png"
    Image.new("L", (64, 64), 255).save(mask)
    cases = {
        "img2img": (["--init-image", str(picture), "--strength", "0.5"], Task.IMAGE_TO_IMAGE, (64, 64)),
        "inpaint": (["--init-image", str(picture), "--mask", str(mask)], Task.INPAINT, (64, 64)),
        "outpaint": (["--init-image", str(picture), "--extend", "right:32"], Task.OUTPAINT, (96, 64)),
        "sketch": (["--sketch", str(mask), "--size", "64x64"], Task.SKETCH_TO_IMAGE, (64, 64)),
    }
    for name, (options, task, size) in cases.items():
        out = tmp_path / name
        result = invoke(
            "generate", "a house", "--model", "tiny-random-sdxl", "--steps", "2", "--out", str(out), *options
        )
        assert result.exit_code == 0, result.output
        assert saved_requests(out)[0].task is task
        with Image.open(next(out.glob("*.png"))) as image:
            assert image.size == size


def test_generate_refuses_bad_options_with_the_fix(tmp_path):
    result = runner.invoke(app, ["generate", "x", "--size", "100x64"])
    assert result.exit_code == 2 and "multiple of 8" in result.output
    result = runner.invoke(app, ["generate", "x", "--mask", str(tmp_path / "m.png")])
    assert result.exit_code == 2 and "--init-image" in result.output
    result = invoke(
        "generate",
        "x",
        "--model",
        "tiny-random-sdxl",
        "--size",
        "64x64",
        "--init-image",
        str(tmp_path / "missing.png"),
        "--out",
        str(tmp_path),
    )
    assert result.exit_code == 1 and "file not found" in result.output and "missing.png" in result.output


def test_models_list_shows_built_ins_and_files_in_the_model_folders(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("STRIPSTUDIO_DATA_DIR", str(data_dir))
    write_tiny_lora(data_dir / "models" / "loras" / "leo.safetensors", seed=1)
    write_tiny_single_file(data_dir / "models" / "checkpoints" / "tinyxl.safetensors")
    write_lora(data_dir / "models" / "loras" / "old.safetensors", "sd1")
    result = invoke("models", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any("built-in" in line and "tiny-random-sdxl" in line for line in lines)
    assert any("lora" in line and "SDXL" in line and "leo" in line for line in lines)
    assert any("lora" in line and "SD 1.x" in line and "old" in line for line in lines)
    assert any("checkpoint" in line and "SDXL" in line and "tinyxl" in line for line in lines)


def test_models_check_finds_loads_or_explains(tmp_path, monkeypatch):
    monkeypatch.setenv("STRIPSTUDIO_DATA_DIR", str(tmp_path / "data"))
    checkpoint = write_tiny_single_file(tmp_path / "tinyxl.safetensors")
    config = write_tiny_config_folder(tmp_path / "tinyxl-config")
    result = invoke("models", "check", str(checkpoint), "--load", "--model-config", str(config))
    assert result.exit_code == 0, result.output
    assert "ok" in result.output and "loaded" in result.output and "SDXL checkpoint" in result.output
    result = invoke("models", "check", "leo", "--kind", "lora")
    assert result.exit_code == 1 and "LoRA 'leo' not found" in result.output
    header_end = 8 + int.from_bytes(checkpoint.read_bytes()[:8], "little")
    for cut, message in ((header_end + 100, "outside the file"), (5000, "cut short")):
        broken = tmp_path / f"broken-{cut}.safetensors"
        broken.write_bytes(checkpoint.read_bytes()[:cut])
        result = invoke("models", "check", str(broken))
        assert result.exit_code == 1 and message in result.output


def test_doctor_reports_versions_device_and_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STRIPSTUDIO_DATA_DIR", str(tmp_path / "data"))
    result = invoke("doctor")
    assert result.exit_code == 0
    for expected in (
        "torch",
        "diffusers",
        "device",
        f"data dir: {tmp_path / 'data'}\n",
        "model(s) found",
        "memory_mode=auto",
        "accelerate=auto",
    ):
        assert expected in result.output


def test_render_refuses_an_alias_bomb_script_at_its_line(tmp_path, monkeypatch):
    monkeypatch.setenv("STRIPSTUDIO_DATA_DIR", str(tmp_path / "data"))
    script = tmp_path / "bomb.yaml"
    script.write_text(alias_bomb(), encoding="utf-8")

    result = invoke("render", str(script), "--out", str(tmp_path / "out"))

    assert result.exit_code == 1, result.output
    assert f"{script}:" in result.output and "more than 10000 values once expanded" in result.output
    assert not (tmp_path / "out").exists()
