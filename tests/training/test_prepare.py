"""Preparing a dataset from photos: shaping, orientation, flags, captions, problems and bounds."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from stripstudio.faces import detect_faces
from stripstudio.training.dataset import DatasetError, load_dataset, prepare_dataset
from stripstudio.training.framing import buckets, framing_of, nearest_bucket
from stripstudio.uploads import UploadLimits

from .photos import PHOTOS, photo, png_bytes


def astronaut_at_the_right() -> Image.Image:
    """The astronaut photo at the right end of a wide grey canvas: a centre crop would miss her face."""
    canvas = Image.new("RGB", (1536, 512), (128, 128, 128))
    canvas.paste(photo("astronaut"), (1024, 0))
    return canvas


def prepare(tmp_path, sources, **options):
    settings = {"trigger": "rc_test", "class_word": "woman", "resolution": 128, "min_images": 1, **options}
    return prepare_dataset(sources, tmp_path / "out", **settings)


def test_face_crop_is_a_square_of_the_resolution_holding_the_face(tmp_path):
    report = prepare(tmp_path, [("wide.png", png_bytes(astronaut_at_the_right()))], resolution=256)
    (image,) = report.dataset.images
    assert (image.width, image.height) == (256, 256)
    assert "no-face" not in image.flags
    with Image.open(image.path) as prepared:
        faces = detect_faces(prepared, "opencv")
        grey = np.all(np.asarray(prepared) == 128, axis=2).mean()
    assert faces, "the face is inside the crop"
    assert faces[0].left + faces[0].width / 2 == pytest.approx(128, abs=13), "and centred across it"
    assert grey < 0.1, "the crop is of the photo, not of the empty canvas (a centre crop would be all grey)"
    assert image.caption == "rc_test, photo of a woman, upper body"


def test_without_a_face_the_crop_is_central_and_flagged(tmp_path):
    picture = Image.new("RGB", (300, 100), "white")
    picture.paste(Image.new("RGB", (100, 100), "black"), (100, 0))
    report = prepare(tmp_path, [("plain.png", png_bytes(picture))])
    (image,) = report.dataset.images
    assert image.flags == ("no-face", "small")
    assert image.caption == "rc_test, photo of a woman"
    with Image.open(image.path) as prepared:
        assert prepared.size == (128, 128)
        assert np.asarray(prepared.convert("L")).mean() < 10, "the black middle third was kept"


@pytest.mark.parametrize("size", [(300, 200), (200, 300), (640, 160), (250, 250)])
def test_buckets_have_sides_in_multiples_of_64_and_the_nearest_aspect(tmp_path, size):
    report = prepare(tmp_path, [("p.png", png_bytes(photo("coffee", size)))], mode="buckets", resolution=256)
    (image,) = report.dataset.images
    assert image.width % 64 == 0 and image.height % 64 == 0
    assert image.width * image.height <= 256 * 256
    aspect = size[0] / size[1]
    nearest = min(abs(width / height - aspect) for width, height in buckets(256))
    assert abs(image.width / image.height - aspect) == pytest.approx(nearest)
    with Image.open(image.path) as prepared:
        assert prepared.size == (image.width, image.height)


def test_kohya_buckets_for_1024_include_its_usual_sizes():
    assert {(1024, 1024), (832, 1216), (1216, 832), (896, 1152), (1152, 896)} <= set(buckets(1024))
    assert nearest_bucket((3000, 2000), 1024) == (1216, 832)
    assert all(w * h <= 1024 * 1024 and w % 64 == 0 and h % 64 == 0 for w, h in buckets(1024))


def test_exif_orientation_is_applied_before_shaping(tmp_path):
    stored = Image.new("RGB", (300, 150), (220, 20, 20))  # red left half, blue right half, as stored
    stored.paste(Image.new("RGB", (150, 150), (20, 20, 220)), (150, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter clockwise: the left half comes on top
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif.tobytes(), quality=95)
    report = prepare(tmp_path, [("turned.jpg", buffer.getvalue())], mode="buckets")
    (image,) = report.dataset.images
    assert image.height > image.width
    with Image.open(image.path) as prepared:
        top, bottom = prepared.getpixel((image.width // 2, 4)), prepared.getpixel((image.width // 2, image.height - 4))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]


def test_the_caption_names_the_framing_from_the_face_size(tmp_path):
    close = photo("astronaut").crop((120, 10, 330, 220))  # the face fills about half the height
    report = prepare(tmp_path, [("close.png", png_bytes(close))])
    assert report.dataset.images[0].caption == "rc_test, photo of a woman, close up"
    assert [framing_of(share) for share in (0.5, 0.3, 0.2, 0.12, 0.05)] == [
        "close up", "close up", "upper body", "upper body", "full body",
    ]  # fmt: skip


def test_small_images_and_near_duplicates_are_flagged(tmp_path):
    sources = [
        ("big.png", png_bytes(photo("astronaut"))),
        ("copy.png", png_bytes(photo("astronaut", (400, 400)))),
        ("other.png", png_bytes(photo("rocket", (600, 900)))),
    ]
    report = prepare(tmp_path, sources)
    flags = {image.path.name: image.flags for image in report.dataset.images}
    assert "small" not in flags["big.png"] and not any(f.startswith("duplicate") for f in flags["big.png"])
    assert flags["copy.png"][-2:] == ("small", "duplicate-of:big.png")
    assert not [f for f in flags["other.png"] if f in ("small",) or f.startswith("duplicate")]
    assert report.flagged()["copy.png"] == flags["copy.png"]


def test_a_corrupt_or_refused_file_is_reported_by_name_and_skipped(tmp_path):
    (tmp_path / "src").mkdir()
    for name in PHOTOS[:3]:
        photo(name, (96, 96)).save(tmp_path / "src" / f"{name}.png")
    (tmp_path / "src" / "cut.png").write_bytes(png_bytes(photo("camera", (96, 96)))[:300])
    (tmp_path / "src" / "notes.pdf").write_bytes(b"%PDF-1.4 not a photo")
    report = prepare(tmp_path, [tmp_path / "src"], min_images=3)
    assert {problem.file: problem.reason.split(" (")[0] for problem in report.problems} == {
        "cut.png": "the PNG picture is damaged or cut short and could not be decoded",
        "notes.pdf": "not a PNG, JPEG or WebP image",
    }
    assert len(report.dataset.images) == 3


def test_too_few_images_are_refused_naming_the_field_and_nothing_is_written(tmp_path):
    sources = [(f"{name}.png", png_bytes(photo(name, (64, 64)))) for name in PHOTOS[:3]]
    with pytest.raises(DatasetError, match="at least 10") as refused:
        prepare(tmp_path, sources, min_images=10)
    assert refused.value.field == "images"
    sources.append(("bad.png", b"not an image"))
    with pytest.raises(DatasetError, match="bad.png") as refused:
        prepare(tmp_path, sources, min_images=4)
    assert refused.value.field == "images"
    assert not (tmp_path / "out").exists()
    assert [path.name for path in tmp_path.iterdir()] == []


def test_too_many_images_are_refused_before_any_is_decoded(tmp_path):
    sources = [(f"{index}.png", b"never decoded") for index in range(6)]
    with pytest.raises(DatasetError, match="at most 5") as refused:
        prepare(tmp_path, sources, max_images=5)
    assert refused.value.field == "images"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"trigger": "two words"}, "trigger"),
        ({"class_word": "man, woman"}, "class_word"),
        ({"mode": "zoom"}, "mode"),
        ({"resolution": 100}, "resolution"),
        ({"repeats": 0}, "repeats"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(tmp_path, options, field):
    with pytest.raises(DatasetError) as refused:
        prepare(tmp_path, [("a.png", png_bytes(photo("coffee", (64, 64))))], **options)
    assert refused.value.field == field


def test_regularisation_images_go_to_the_class_folder_with_the_class_caption(tmp_path):
    report = prepare(
        tmp_path,
        [("a.png", png_bytes(photo("astronaut", (128, 128))))],
        regularisation=[("r.png", png_bytes(photo("camera", (128, 128))))],
        repeats=4,
    )
    assert report.dataset.regularisation[0].caption == "photo of a woman"
    assert report.dataset.regularisation[0].path.parent.name == "1_woman"
    assert report.dataset.images[0].path.parent.name == "4_rc_test woman"
    reloaded = load_dataset(tmp_path / "out")
    assert reloaded == report.dataset
    assert reloaded.steps_per_epoch_images == 1 * 4 * 2


def test_progress_is_reported_per_file_and_an_error_raised_from_it_stops_cleanly(tmp_path):
    seen = []
    sources = [(f"{name}.png", png_bytes(photo(name, (64, 64)))) for name in PHOTOS[:2]]
    prepare(tmp_path, sources, on_progress=lambda done, total, name: seen.append((done, total, name)))
    assert seen == [(1, 2, "astronaut.png"), (2, 2, "coffee.png")]

    def stop(done, total, name):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        prepare_dataset(
            sources, tmp_path / "stopped", trigger="rc_test", class_word="man", min_images=1, on_progress=stop
        )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_the_upload_limits_apply_to_every_photo(tmp_path):
    (tmp_path / "src").mkdir()
    photo("coffee", (120, 80)).save(tmp_path / "src" / "wide.png")
    photo("coffee", (60, 40)).save(tmp_path / "src" / "fits.png")
    photo("rocket").save(tmp_path / "src" / "heavy.png")
    limits = UploadLimits(max_pixels=5000, max_bytes=200_000)
    report = prepare(tmp_path, [tmp_path / "src"], limits=limits)
    reasons = {problem.file: problem.reason for problem in report.problems}
    assert "120×80 pixels" in reasons["wide.png"] and "megapixel limit" in reasons["wide.png"]
    assert "more than the 195.3 KB limit" in reasons["heavy.png"]
    assert [image.path.name for image in report.dataset.images] == ["fits.png"]
