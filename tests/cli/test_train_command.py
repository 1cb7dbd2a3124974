"""``stripstudio train``: a LoRA from a folder of captioned photos; Ctrl-C stops, running again resumes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from stripstudio.cli.app import app
from tests.training.photos import photo

from .cli_process import CliProcess

TINY = ["--model", "tiny-random-sdxl", "--resolution", "64", "--rank", "4", "--device", "cpu", "--epochs", "2"]


def photo_folder(root: Path) -> Path:
    """Three 64 px photos with their captions, in a plain folder."""
    root.mkdir()
    for name in ("astronaut", "coffee", "chelsea"):
        photo(name, (64, 64)).save(root / f"{name}.png")
        (root / f"{name}.txt").write_text(f"rc_test, photo of a man, {name}\n")
    return root


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def test_train_shows_the_steps_then_saves_each_epoch(tmp_path):
    out = tmp_path / "out"
    args = ["train", str(photo_folder(tmp_path / "photos")), "--trigger", "rc_test", "--class", "man"]
    result = invoke(*args, *TINY, "--repeats", "1", "--save-every", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "3 images × 1 repeats × 2 epochs / batch 1 = 6 steps" in result.output
    assert "train: step 6/6" in result.output
    assert "saved epoch 1 (step 3)" in result.output
    assert sorted(p.name for p in out.glob("*.safetensors")) == [
        "rc_test-000001.safetensors",
        "rc_test-000002.safetensors",
    ]


def test_bad_options_and_datasets_are_named(tmp_path):
    photos = str(photo_folder(tmp_path / "photos"))
    result = invoke("train", photos, "--trigger", "rc_test", "--class", "man", "--memory-profile", "tiny")
    assert result.exit_code == 1
    assert "memory_profile" in result.output
    result = invoke("train", photos, "--class", "man")
    assert result.exit_code == 1
    assert "trigger" in result.output


def test_ctrl_c_cancels_and_running_again_resumes_from_the_saved_epoch(tmp_path):
    photos, out = photo_folder(tmp_path / "photos"), tmp_path / "out"
    args = ["train", str(photos), "--trigger", "rc_test", "--class", "man", *TINY, "--repeats", "4"]
    args += ["--save-every", "1", "--out", str(out)]
    first = CliProcess(*args, data_dir=tmp_path / "data")
    try:
        first.wait_for_line(lambda line: line.startswith("saved epoch 1"))
        first.ctrl_c()
        assert first.wait() == 130, first.output
    finally:
        first.kill()
    assert "Cancelled" in first.output and "resumes from the last saved epoch" in first.output
    assert "train: step 24/24" not in first.output

    second = CliProcess(*args, data_dir=tmp_path / "data")
    try:
        assert second.wait() == 0, second.output
    finally:
        second.kill()
    assert "resumed after epoch 1 at step 12 of 24" in second.output
    assert "train: step 1/" not in second.output and "train: step 13/24" in second.output
    assert (out / "rc_test-000002.safetensors").is_file()
