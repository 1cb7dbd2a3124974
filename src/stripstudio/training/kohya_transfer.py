"""Moving a dataset between this tool and kohya sd-scripts: :func:`import_kohya` and :func:`export_kohya`."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from PIL import Image

from stripstudio.training.kohya_layout import (
    IMAGES_FOLDER,
    REGULARISATION_FOLDER,
    DatasetError,
    caption_path,
    check_class_word,
    check_repeats,
    check_trigger,
    concept_folder_name,
    load_dataset,
    read_caption,
    read_layout,
    regularisation_folder_name,
    staged_directory,
)
from stripstudio.training.report import FileProblem, PreparationReport
from stripstudio.training.writer import DatasetWriter, Section, read_image_bytes
from stripstudio.uploads import DEFAULT_LIMITS, UploadLimits, UploadRejected, clean_image

MAX_IMPORTED_IMAGES = 1000


def import_kohya(
    src: Path,
    out_dir: Path,
    *,
    trigger: str | None = None,
    class_word: str | None = None,
    repeats: int | None = None,
    limits: UploadLimits = DEFAULT_LIMITS,
    max_images: int = MAX_IMPORTED_IMAGES,
) -> PreparationReport:
    """Copy the kohya dataset at ``src`` (any folder :func:`load_dataset` reads) into a new dataset at ``out_dir``.

    Each image passes the upload checks and is stored re-encoded in its own format without metadata,
    EXIF orientation applied; its caption comes along (the folder's words where it had none). Images
    are not cropped: kohya-made datasets are often bucketed already. An image that fails the checks is
    reported by name and left out. ``out_dir`` must be new or empty; nothing is left there on failure.
    """
    layout = read_layout(src)
    trigger, class_word = trigger or layout.trigger, class_word or layout.class_word
    if not trigger or not class_word:
        field = "trigger" if not trigger else "class_word"
        raise DatasetError(field, f"{src} does not name the {field.replace('_', ' ')}; give it, e.g. rc_test / man")
    trigger, class_word = check_trigger(trigger), check_class_word(class_word)
    repeats = check_repeats(repeats or layout.repeats or 20)
    for files, what in ((layout.images, "images"), (layout.regularisation, "regularisation")):
        if len(files) > max_images:
            raise DatasetError(what, f"{src} holds {len(files)} {what}; import at most {max_images}")
    problems: list[FileProblem] = []
    with staged_directory(out_dir) as staging:
        writer = DatasetWriter(staging, trigger=trigger, class_word=class_word, repeats=repeats)
        for path in layout.images:
            _import_image(writer, "img", path, f"{trigger} {class_word}", limits, problems)
        for path in layout.regularisation:
            _import_image(writer, "reg", path, class_word, limits, problems)
        if not writer.count("img"):
            listed = "; ".join(f"{problem.file}: {problem.reason}" for problem in problems)
            raise DatasetError(
                "images", f"none of the images in {src} could be imported ({listed}); fix or replace them"
            )
        writer.finish(imported_from=str(src))
    return PreparationReport(directory=Path(out_dir), dataset=load_dataset(out_dir), problems=tuple(problems))


def export_kohya(dataset_dir: Path, out_dir: Path) -> Path:
    """Write the dataset at ``dataset_dir`` as a kohya dataset folder at ``out_dir`` and return it:
    ``img/<repeats>_<trigger> <class>/`` with every image and its caption, and ``reg/1_<class>/``
    when there are regularisation images. ``out_dir`` must be new or empty."""
    dataset = load_dataset(dataset_dir)
    with staged_directory(out_dir) as staging:
        folders = {
            IMAGES_FOLDER: concept_folder_name(dataset.repeats, dataset.trigger, dataset.class_word),
            REGULARISATION_FOLDER: regularisation_folder_name(dataset.class_word),
        }
        for section, images in ((IMAGES_FOLDER, dataset.images), (REGULARISATION_FOLDER, dataset.regularisation)):
            for image in images:
                target = staging / section / folders[section] / image.path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(image.path, target)
                caption_path(target).write_text(image.caption + "\n", encoding="utf-8")
    return Path(out_dir)


def _import_image(
    writer: DatasetWriter, section: Section, path: Path, default: str, limits: UploadLimits, problems: list
) -> None:
    try:
        clean = clean_image(read_image_bytes(path, limits), field=path.name, limits=limits)
        caption = read_caption(path, default)
    except (UploadRejected, DatasetError) as error:
        problems.append(FileProblem(file=path.name, reason=error.message))
        return
    except OSError as error:
        problems.append(FileProblem(file=path.name, reason=f"could not be read ({error}); check the file"))
        return
    with Image.open(io.BytesIO(clean.data)) as picture:
        writer.add(section, path.name, picture, caption=caption, data=clean.data, suffix=clean.extension)
