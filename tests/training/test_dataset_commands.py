"""``stripstudio dataset prepare|import|export`` in-process."""

from __future__ import annotations

from typer.testing import CliRunner

from stripstudio.cli.app import app
from stripstudio.training.dataset import load_dataset

from .photos import PHOTOS, photo, write_kohya

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def photo_folder(folder, count, size=(96, 96)):
    folder.mkdir()
    for name in PHOTOS[:count]:
        photo(name, size).save(folder / f"{name}.png")
    return folder


def test_prepare_writes_a_kohya_dataset_and_summarises_flags_and_problems(tmp_path):
    src = photo_folder(tmp_path / "src", 10, size=(64, 64))
    photo("astronaut", (64, 64)).save(src / "zz_again.png")
    (src / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 nothing more")
    reg = photo_folder(tmp_path / "reg", 1)
    result = invoke(
        "dataset", "prepare", str(src), "--out", str(tmp_path / "set"), "--trigger", "rc_test",
        "--class", "man", "--mode", "buckets", "--resolution", "128", "--repeats", "5", "--reg", str(reg),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "prepared 13/13" in result.output
    assert "11 image(s) and 1 regularisation image(s)" in result.output
    assert "duplicate-of:astronaut.png" in result.output
    assert "broken.jpg" in result.output and "JPEG" in result.output
    dataset = load_dataset(tmp_path / "set")
    assert (dataset.trigger, dataset.class_word, dataset.repeats) == ("rc_test", "man", 5)
    assert (tmp_path / "set" / "img" / "5_rc_test man" / "zz_again.txt").is_file()


def test_prepare_with_too_few_photos_names_the_field_and_exits_1(tmp_path):
    src = photo_folder(tmp_path / "src", 3)
    result = invoke("dataset", "prepare", str(src), "--out", str(tmp_path / "set"), "--trigger", "rc", "--class", "man")
    assert result.exit_code == 1
    assert "images:" in result.output and "at least 10" in result.output
    assert not (tmp_path / "set").exists()


def test_prepare_refuses_an_unknown_mode(tmp_path):
    src = photo_folder(tmp_path / "src", 1)
    result = invoke(
        "dataset", "prepare", str(src), "--out", str(tmp_path / "set"), "--trigger", "rc", "--class", "man",
        "--mode", "zoom",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "face-crop, buckets" in result.output


def test_import_and_export_commands_round_trip_a_kohya_folder(tmp_path):
    write_kohya(tmp_path / "kohya", 2, folder="8_zx_leo boy")
    result = invoke("dataset", "import", str(tmp_path / "kohya"), "--out", str(tmp_path / "ours"))
    assert result.exit_code == 0, result.output
    assert "2 image(s)" in result.output and "8 repeats" in result.output
    result = invoke("dataset", "export", str(tmp_path / "ours"), "--out", str(tmp_path / "back"))
    assert result.exit_code == 0, result.output
    captions = sorted(path.read_text() for path in (tmp_path / "back" / "img" / "8_zx_leo boy").glob("*.txt"))
    assert captions == ["rc_test, photo of a man, number 0\n", "rc_test, photo of a man, number 1\n"]
    result = invoke("dataset", "export", str(tmp_path / "ours"), "--out", str(tmp_path / "back"))
    assert result.exit_code == 1
    assert "out:" in result.output and "not an empty folder" in result.output
