"""Preparing a character dataset from photos: checked, oriented, shaped, flagged and captioned."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image

from stripstudio.faces import FaceDetectorUnavailable
from stripstudio.training.captions import check_class_word, check_trigger, class_caption, prefill_caption
from stripstudio.training.flags import NO_FACE, SMALL_SIDE
from stripstudio.training.framing import BUCKET_STEP, shape_for_training
from stripstudio.training.kohya_layout import DatasetError, check_repeats, load_dataset, staged_directory
from stripstudio.training.report import FileProblem, PreparationReport
from stripstudio.training.writer import DatasetWriter, Section, read_image_bytes
from stripstudio.uploads import DEFAULT_LIMITS, UploadLimits, UploadRejected, decode_image

Mode = Literal["face-crop", "buckets"]
MODES: tuple[Mode, ...] = ("face-crop", "buckets")
Source = Path | tuple[str, bytes]
ProgressCallback = Callable[[int, int, str], None]
MIN_IMAGES = 10
MAX_IMAGES = 100
MAX_REGULARISATION = 1000
_NOT_IMAGES = (".txt", ".caption", ".json")


@dataclass(frozen=True)
class _Item:
    """One file to prepare: the name it came with and how to get its bytes."""

    name: str
    read: Callable[[], bytes]


@dataclass(frozen=True)
class _Shaping:
    """How every image of one preparation is decoded and shaped."""

    mode: Mode
    resolution: int
    detector: str
    limits: UploadLimits


def prepare_dataset(
    sources: Iterable[Source],
    out_dir: Path,
    *,
    trigger: str,
    class_word: str,
    mode: Mode = "face-crop",
    resolution: int = 1024,
    repeats: int = 20,
    regularisation: Iterable[Source] = (),
    min_images: int = MIN_IMAGES,
    max_images: int = MAX_IMAGES,
    max_regularisation: int = MAX_REGULARISATION,
    detector: str = "auto",
    limits: UploadLimits = DEFAULT_LIMITS,
    on_progress: ProgressCallback | None = None,
) -> PreparationReport:
    """Prepare the photos in ``sources`` as a new kohya-layout dataset at ``out_dir``.

    A source is an image file, a folder of them, or an uploaded ``(name, bytes)`` pair. Each image is
    checked and decoded by the upload rules, EXIF-oriented, then shaped: ``face-crop`` makes a square
    of ``resolution`` px centred on the largest face (a centre crop flagged ``no-face`` without one);
    ``buckets`` fits it to kohya's nearest aspect-ratio bucket. Images under 512 px on the short side
    are flagged ``small`` and near-duplicates ``duplicate-of:NAME``. Captions start as
    ``TRIGGER, photo of a CLASS, <framing>``. ``regularisation`` sources are shaped alike and captioned
    ``photo of a CLASS``. A file that cannot be used is reported by name in ``problems`` and left out.

    ``on_progress(done, total, name)`` is called after each file; an exception it raises stops the
    preparation. Raises :class:`DatasetError` (naming the field) for bad settings, fewer than
    ``min_images`` usable images or more than ``max_images`` given; nothing is left at ``out_dir`` then.
    """
    trigger, class_word = check_trigger(trigger), check_class_word(class_word)
    _check_settings(mode, resolution, repeats)
    images = _collect(sources, max_images, "images", limits)
    reg = _collect(regularisation, max_regularisation, "regularisation", limits)
    _check_count(len(images), min_images, "images were given")
    shaping = _Shaping(mode, resolution, detector, limits)
    with staged_directory(out_dir) as staging:
        writer = DatasetWriter(staging, trigger=trigger, class_word=class_word, repeats=repeats, small_side=SMALL_SIDE)
        work: list[tuple[Section, _Item, Callable[[str | None], str]]] = [
            *(("img", item, lambda framing: prefill_caption(trigger, class_word, framing)) for item in images),
            *(("reg", item, lambda _framing: class_caption(class_word)) for item in reg),
        ]
        problems: list[FileProblem] = []
        for done, (section, item, caption) in enumerate(work, start=1):
            problem = _prepare_one(writer, section, item, caption, shaping)
            problems.extend([problem] if problem else [])
            if on_progress is not None:
                on_progress(done, len(work), item.name)
        _check_count(writer.count("img"), min_images, f"of {len(images)} images could be used", problems)
        writer.finish(mode=mode, resolution=resolution)
    return PreparationReport(directory=Path(out_dir), dataset=load_dataset(out_dir), problems=tuple(problems))


def image_files(folder: Path) -> list[Path]:
    """The files of ``folder`` preparation tries as images (all but hidden files and captions), sorted."""
    return sorted(
        path
        for path in Path(folder).iterdir()
        if path.is_file() and not path.name.startswith(".") and path.suffix.lower() not in _NOT_IMAGES
    )


def _check_settings(mode: str, resolution: int, repeats: int) -> None:
    if mode not in MODES:
        raise DatasetError("mode", f"{mode!r} is not a preparation mode; use one of {', '.join(MODES)}")
    if resolution % BUCKET_STEP or not 64 <= resolution <= 2048:
        raise DatasetError("resolution", f"{resolution} px: use a multiple of 64 from 64 to 2048, e.g. 1024")
    check_repeats(repeats)


def _check_count(count: int, minimum: int, what: str, problems: Sequence[FileProblem] = ()) -> None:
    if count >= minimum:
        return
    listed = "".join(f"; {problem.file}: {problem.reason}" for problem in problems)
    raise DatasetError(
        "images",
        f"only {count} {what}; a character LoRA needs at least {minimum} photos of the character: "
        f"add more{' or replace the files that could not be used' if problems else ''}{listed}",
    )


def _collect(sources: Iterable[Source], limit: int, field: str, limits: UploadLimits) -> list[_Item]:
    items: list[_Item] = []
    for item in _expand(sources, limits):
        if len(items) == limit:
            raise DatasetError(field, f"more than {limit} {field} were given; choose at most {limit}")
        items.append(item)
    return items


def _expand(sources: Iterable[Source], limits: UploadLimits) -> Iterator[_Item]:
    for source in sources:
        if isinstance(source, tuple):
            name, data = source
            yield _Item(name, _given(data))
        elif Path(source).is_dir():
            yield from (_Item(path.name, _reader(path, limits)) for path in image_files(Path(source)))
        else:
            yield _Item(Path(source).name, _reader(Path(source), limits))


def _given(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _reader(path: Path, limits: UploadLimits) -> Callable[[], bytes]:
    return lambda: read_image_bytes(path, limits)


def _prepare_one(
    writer: DatasetWriter, section: Section, item: _Item, caption: Callable[[str | None], str], shaping: _Shaping
) -> FileProblem | None:
    """Prepare and write one file; what went wrong with it, if anything."""
    try:
        picture = _flattened(decode_image(item.read(), field=item.name, limits=shaping.limits))
    except UploadRejected as error:
        return FileProblem(file=item.name, reason=error.message)
    except OSError as error:
        return FileProblem(file=item.name, reason=f"could not be read ({error}); check the file")
    try:
        shaped = shape_for_training(picture, shaping.mode, shaping.resolution, shaping.detector)
    except FaceDetectorUnavailable as error:
        raise DatasetError("detector", str(error)) from error
    flags = (NO_FACE,) if shaping.mode == "face-crop" and shaped.face is None else ()
    writer.add(section, item.name, shaped.image, caption=caption(shaped.framing), flags=flags, measured=picture)
    return None


def _flattened(picture: Image.Image) -> Image.Image:
    """An RGB picture; transparency laid over white (training images have no alpha)."""
    if picture.mode != "RGBA":
        return picture.convert("RGB")
    background = Image.new("RGB", picture.size, "white")
    background.paste(picture, mask=picture.getchannel("A"))
    return background
