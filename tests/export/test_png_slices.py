"""Upload slices read back with Pillow: within the limits, and stacked they are the strip again."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from stripstudio.domain import Layout
from stripstudio.export import ExportError, ExportWarning, SliceOptions, scale_strip, write_webtoon_slices
from stripstudio.layout import PanelArt, build_strip
from tests.layout.pictures import art, noise

MB2 = 2_000_000


def read_slices(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


@st.composite
def strip_layouts(draw):
    """Panels of random shapes (about 1 to 600 px tall once in the strip), widths, gutters and margins."""
    width = draw(st.integers(100, 1400))
    margin = draw(st.integers(0, 30))
    inner = width - 2 * margin
    sizes = []
    for _ in range(draw(st.integers(1, 6))):
        source_width = draw(st.integers(40, 300))
        sizes.append((source_width, max(1, round(draw(st.integers(1, 600)) * source_width / inner))))
    return sizes, Layout(width=width, gutter=draw(st.integers(0, 60)), margin=margin)


@settings(max_examples=25)
@given(strip_layout=strip_layouts(), max_height=st.integers(100, 700))
def test_png_slices_stack_back_into_the_strip_within_every_limit(strip_layout, max_height):
    sizes, layout = strip_layout
    width = layout.width
    strip = build_strip(art(sizes), layout)
    options = SliceOptions(max_height=max_height, compress_level=1)
    with tempfile.TemporaryDirectory() as folder:
        result = write_webtoon_slices(strip, Path(folder), options)
        files = read_slices(Path(folder))
        assert [f.name for f in files] == [f"{i:03d}.png" for i in range(1, len(files) + 1)]
        images = [Image.open(f) for f in files]
        for image, file in zip(images, files, strict=True):
            assert image.format == "PNG" and image.mode == "RGB"
            assert image.width <= 800 and image.height <= max_height and file.stat().st_size <= MB2
        stacked = np.concatenate([np.asarray(image) for image in images])
    expected = scale_strip(strip, 800)
    assert stacked.shape[1] == min(width, 800)
    assert np.array_equal(stacked, np.asarray(expected.image))
    # No cut crosses a panel that fits in a slice.
    for piece in result.slices[1:]:
        for rect in expected.panels:
            if rect.y < piece.top < rect.bottom:
                assert rect.height > max_height


def test_webtoon_defaults_give_800_by_1280_slices_named_in_order(tmp_path):
    strip = build_strip(art([(800, 1000)] * 4), Layout(width=800, gutter=40))
    result = write_webtoon_slices(strip, tmp_path / "webtoon", strip_path=tmp_path / "strip.png")
    files = read_slices(tmp_path / "webtoon")
    assert [f.name for f in files] == ["001.png", "002.png", "003.png", "004.png"]
    assert [(piece.top, piece.bottom) for piece in result.slices] == [
        (0, 1040),
        (1040, 2080),
        (2080, 3120),
        (3120, 4120),
    ]
    with Image.open(tmp_path / "strip.png") as tall:
        assert np.array_equal(np.asarray(tall), np.asarray(strip.image))


def test_a_double_width_strip_is_scaled_to_800(tmp_path):
    strip = build_strip(art([(1600, 2400), (1600, 1600)], cell=64), Layout(width=1600, gutter=80))
    write_webtoon_slices(strip, tmp_path, strip_path=tmp_path / "strip" / "full.png")
    assert all(Image.open(f).width == 800 for f in read_slices(tmp_path) if f.is_file())
    # The tall PNG keeps the strip as it was laid out.
    assert Image.open(tmp_path / "strip" / "full.png").size == strip.image.size


def test_jpeg_slices_lower_their_quality_until_they_fit(tmp_path):
    strip = build_strip([PanelArt("noisy", noise(400, 400))], Layout(width=400))
    options = SliceOptions(format="jpeg", max_file_bytes=80_000)
    result = write_webtoon_slices(strip, tmp_path, options)
    files = read_slices(tmp_path)
    assert [f.name for f in files] == ["001.jpg"]
    assert files[0].stat().st_size <= 80_000
    assert Image.open(files[0]).format == "JPEG"
    assert result.warnings == ()


def test_an_oversized_png_slice_falls_back_to_jpeg_with_a_warning(tmp_path):
    strip = build_strip(
        [PanelArt("calm", art([(300, 200)])[0].image), PanelArt("noisy", noise(300, 300))], Layout(width=300)
    )
    with pytest.warns(ExportWarning, match=r"slice 002 \(panels noisy\) was .* as a PNG, over 0.10 MB: saved as JPEG"):
        write_webtoon_slices(strip, tmp_path, SliceOptions(max_file_bytes=100_000, max_height=300))
    assert [f.name for f in read_slices(tmp_path)] == ["001.png", "002.jpg"]
    assert all(f.stat().st_size <= 100_000 for f in read_slices(tmp_path))


def test_an_oversized_png_slice_can_be_kept_with_a_warning_or_refused(tmp_path):
    strip = build_strip([PanelArt("noisy", noise(300, 300))], Layout(width=300))
    with pytest.warns(ExportWarning, match="over the 0.10 MB limit: export JPEG slices or lower max_height"):
        result = write_webtoon_slices(
            strip, tmp_path / "kept", SliceOptions(max_file_bytes=100_000, oversize_png="warn")
        )
    assert len(result.warnings) == 1 and (tmp_path / "kept" / "001.png").stat().st_size > 100_000
    with pytest.raises(ExportError, match="slice 001 \\(panels noisy\\) is .* as a PNG") as caught:
        write_webtoon_slices(strip, tmp_path / "refused", SliceOptions(max_file_bytes=100_000, oversize_png="error"))
    assert caught.value.setting == "oversize_png"
    assert not (tmp_path / "refused").exists()


def test_an_episode_over_its_total_size_is_warned_about(tmp_path):
    strip = build_strip(art([(200, 300)] * 3), Layout(width=200))
    with pytest.warns(ExportWarning, match="over the 0.00 MB an episode may hold"):
        result = write_webtoon_slices(strip, tmp_path, SliceOptions(max_episode_bytes=1000))
    assert "split it into two episodes" in result.warnings[-1]


def test_slices_of_an_earlier_longer_export_are_removed(tmp_path):
    long = build_strip(art([(200, 1000)] * 3), Layout(width=200))
    write_webtoon_slices(long, tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    short = build_strip(art([(200, 1000)]), Layout(width=200))
    write_webtoon_slices(short, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["001.png", "notes.txt"]


@pytest.mark.parametrize(
    ("options", "setting"),
    [
        (SliceOptions(max_height=20), "max_height"),
        (SliceOptions(max_width=50), "max_width"),
        (SliceOptions(max_file_bytes=1000), "max_file_bytes"),
    ],
)
def test_limits_too_small_are_errors_naming_the_setting(tmp_path, options, setting):
    strip = build_strip(art([(200, 300)]), Layout(width=200))
    with pytest.raises(ExportError, match="too small for a slice: use at least") as caught:
        write_webtoon_slices(strip, tmp_path / "out", options)
    assert caught.value.setting == setting
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("options", "setting"),
    [
        (SliceOptions(format="gif"), "format"),  # type: ignore[arg-type]
        (SliceOptions(oversize_png="shrink"), "oversize_png"),  # type: ignore[arg-type]
        (SliceOptions(compress_level=10), "compress_level"),
        (SliceOptions(dpi=0), "dpi"),
    ],
)
def test_choices_that_do_not_exist_are_errors_naming_the_setting(tmp_path, options, setting):
    strip = build_strip(art([(200, 300)]), Layout(width=200))
    with pytest.raises(ExportError) as caught:
        write_webtoon_slices(strip, tmp_path / "out", options)
    assert caught.value.setting == setting


def test_a_slice_no_jpeg_quality_can_fit_is_an_error_naming_its_panels(tmp_path):
    strip = build_strip([PanelArt("storm", noise(800, 1280))], Layout(width=800))
    with pytest.raises(ExportError, match=r"slice 001 \(panels storm\) does not fit in 0.07 MB") as caught:
        write_webtoon_slices(strip, tmp_path, SliceOptions(format="jpeg", max_file_bytes=65_000))
    assert caught.value.setting == "max_file_bytes"
    assert list(tmp_path.iterdir()) == []
