"""Reading kohya-layout dataset folders, importing and exporting them, editing captions."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from stripstudio.training.dataset import (
    DatasetError,
    export_kohya,
    import_kohya,
    load_dataset,
    remove_image,
    set_caption,
)

from .photos import photo, write_kohya


def test_load_dataset_reads_repeats_trigger_class_and_captions_from_the_kohya_layout(tmp_path):
    write_kohya(tmp_path / "set", 3, reg=2)
    dataset = load_dataset(tmp_path / "set")
    assert (dataset.trigger, dataset.class_word, dataset.repeats) == ("rc_test", "man", 5)
    assert [image.path.name for image in dataset.images] == ["astronaut.png", "chelsea.png", "coffee.png"]
    assert dataset.images[0].caption == "rc_test, photo of a man, number 0"
    assert (dataset.images[0].width, dataset.images[0].height) == (96, 64)
    # regularisation images without caption files read as the class, kohya's rule
    assert [image.caption for image in dataset.regularisation] == ["man", "man"]
    assert dataset.steps_per_epoch_images == 3 * 5 * 2


def test_load_dataset_accepts_the_img_folder_or_the_concept_folder_itself(tmp_path):
    write_kohya(tmp_path / "set", 2)
    for folder in (tmp_path / "set" / "img", tmp_path / "set" / "img" / "5_rc_test man"):
        dataset = load_dataset(folder)
        assert (dataset.trigger, dataset.class_word, dataset.repeats, len(dataset.images)) == ("rc_test", "man", 5, 2)


def test_a_plain_folder_needs_trigger_and_class_and_uses_them(tmp_path):
    photo("astronaut", (64, 64)).save(tmp_path / "a.png")
    with pytest.raises(DatasetError) as refused:
        load_dataset(tmp_path)
    assert refused.value.field == "trigger"
    dataset = load_dataset(tmp_path, trigger="rc_test", class_word="woman", repeats=3)
    assert (dataset.repeats, dataset.images[0].caption) == (3, "rc_test woman")


def test_arguments_take_precedence_over_the_folder_name(tmp_path):
    write_kohya(tmp_path / "set", 1)
    dataset = load_dataset(tmp_path / "set", trigger="zx_leo", class_word="boy", repeats=7)
    assert (dataset.trigger, dataset.class_word, dataset.repeats) == ("zx_leo", "boy", 7)


def test_two_concept_folders_are_refused_naming_both(tmp_path):
    write_kohya(tmp_path / "set", 1)
    (tmp_path / "set" / "img" / "10_other woman").mkdir()
    with pytest.raises(DatasetError, match="'10_other woman'") as refused:
        load_dataset(tmp_path / "set")
    assert refused.value.field == "directory"


def test_an_unreadable_image_is_refused_by_name(tmp_path):
    write_kohya(tmp_path / "set", 1)
    (tmp_path / "set" / "img" / "5_rc_test man" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(DatasetError, match="broken.png"):
        load_dataset(tmp_path / "set")


def test_import_then_export_round_trip_keeps_images_captions_repeats_trigger_and_class(tmp_path):
    write_kohya(tmp_path / "kohya", 3, reg=1)
    imported = import_kohya(tmp_path / "kohya", tmp_path / "ours")
    assert imported.problems == ()
    exported = export_kohya(tmp_path / "ours", tmp_path / "back")
    again = load_dataset(exported)
    original = load_dataset(tmp_path / "kohya")
    assert (again.trigger, again.class_word, again.repeats) == (original.trigger, original.class_word, original.repeats)
    for before, after in zip(
        (*original.images, *original.regularisation), (*again.images, *again.regularisation), strict=True
    ):
        assert after.path.name == before.path.name
        assert after.caption == before.caption
        assert np.array_equal(np.asarray(Image.open(after.path)), np.asarray(Image.open(before.path)))
    assert (exported / "img" / "5_rc_test man" / "astronaut.txt").read_text() == "rc_test, photo of a man, number 0\n"
    assert (exported / "reg" / "1_man" / "colorwheel.txt").read_text() == "man\n"


def test_import_reports_a_corrupt_image_by_name_and_keeps_the_rest(tmp_path):
    write_kohya(tmp_path / "kohya", 2)
    (tmp_path / "kohya" / "img" / "5_rc_test man" / "cut.jpg").write_bytes(b"\xff\xd8\xff\xe0garbage")
    report = import_kohya(tmp_path / "kohya", tmp_path / "ours")
    assert [problem.file for problem in report.problems] == ["cut.jpg"]
    assert "JPEG" in report.problems[0].reason
    assert [image.path.name for image in report.dataset.images] == ["astronaut.png", "coffee.png"]


def test_import_flags_small_images_and_near_duplicates(tmp_path):
    write_kohya(tmp_path / "kohya", 2)
    photo("astronaut", (80, 80)).save(tmp_path / "kohya" / "img" / "5_rc_test man" / "z_copy.png")
    report = import_kohya(tmp_path / "kohya", tmp_path / "ours")
    flags = {image.path.name: image.flags for image in report.dataset.images}
    assert flags["z_copy.png"] == ("small", "duplicate-of:astronaut.png")
    assert flags["coffee.png"] == ("small",)


def test_import_refuses_a_folder_that_is_not_empty_and_touches_nothing_there(tmp_path):
    write_kohya(tmp_path / "kohya", 1)
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / "keep.txt").write_text("mine")
    with pytest.raises(DatasetError) as refused:
        import_kohya(tmp_path / "kohya", tmp_path / "ours")
    assert refused.value.field == "out"
    assert [path.name for path in (tmp_path / "ours").iterdir()] == ["keep.txt"]


def test_set_caption_replaces_one_caption_and_checks_it(tmp_path):
    write_kohya(tmp_path / "set", 2)
    image = set_caption(tmp_path / "set", "coffee.png", "  rc_test, photo of a man, smiling ")
    assert image.caption == "rc_test, photo of a man, smiling"
    assert load_dataset(tmp_path / "set").images[1].caption == "rc_test, photo of a man, smiling"
    for bad, field in (("", "caption"), ("two\nlines", "caption"), ("x" * 1001, "caption")):
        with pytest.raises(DatasetError) as refused:
            set_caption(tmp_path / "set", "coffee.png", bad)
        assert refused.value.field == field
    with pytest.raises(DatasetError) as refused:
        set_caption(tmp_path / "set", "../coffee.png", "rc_test")
    assert refused.value.field == "image_name"
    assert load_dataset(tmp_path / "set").images[1].caption == "rc_test, photo of a man, smiling"
    assert not [path for path in (tmp_path / "set").rglob(".*")]


def test_remove_image_takes_the_image_its_caption_and_its_flags_out(tmp_path):
    write_kohya(tmp_path / "kohya", 2)
    photo("astronaut", (80, 80)).save(tmp_path / "kohya" / "img" / "5_rc_test man" / "z_copy.png")
    import_kohya(tmp_path / "kohya", tmp_path / "ours")
    remove_image(tmp_path / "ours", "z_copy.png")
    remove_image(tmp_path / "ours", "coffee.png")
    assert [image.path.name for image in load_dataset(tmp_path / "ours").images] == ["astronaut.png"]
    assert sorted(path.name for path in (tmp_path / "ours" / "img" / "5_rc_test man").iterdir()) == [
        "astronaut.png", "astronaut.txt",
    ]  # fmt: skip
    assert "img/z_copy.png" not in (tmp_path / "ours" / "dataset.json").read_text()
    with pytest.raises(DatasetError, match="only image") as refused:
        remove_image(tmp_path / "ours", "astronaut.png")
    assert refused.value.field == "image_name"


def test_a_caption_file_in_sd_scripts_own_extension_is_read(tmp_path):
    write_kohya(tmp_path / "set", 1)
    folder = tmp_path / "set" / "img" / "5_rc_test man"
    (folder / "astronaut.txt").unlink()
    (folder / "astronaut.caption").write_text("rc_test, on the moon\nsecond line ignored\n")
    assert load_dataset(tmp_path / "set").images[0].caption == "rc_test, on the moon"


def test_a_damaged_manifest_costs_only_the_flags(tmp_path):
    write_kohya(tmp_path / "kohya", 2)
    import_kohya(tmp_path / "kohya", tmp_path / "ours")
    for text in ('{"flags": ["not", "a", "mapping"]}', "{not json", '{"flags": {"img/coffee.png": "small"}}'):
        (tmp_path / "ours" / "dataset.json").write_text(text)
        dataset = load_dataset(tmp_path / "ours")
        assert [image.flags for image in dataset.images] == [(), ()]
        assert set_caption(tmp_path / "ours", "coffee.png", "rc_test, a cup").flags == ()


@pytest.mark.parametrize(
    ("options", "field"),
    [({"trigger": "rc test"}, "trigger"), ({"class_word": "man/woman"}, "class_word"), ({"repeats": 5000}, "repeats")],
)
def test_load_and_import_check_the_words_and_repeats_they_are_given(tmp_path, options, field):
    write_kohya(tmp_path / "kohya", 1)
    for call in (
        lambda: load_dataset(tmp_path / "kohya", **options),
        lambda: import_kohya(tmp_path / "kohya", tmp_path / "ours", **options),
    ):
        with pytest.raises(DatasetError) as refused:
            call()
        assert refused.value.field == field
    assert not (tmp_path / "ours").exists()
