"""Dataset preparation: the public entry points the trainer, the job runner, the CLI and the studio use.

* :func:`prepare_dataset` turns 10-100 photos into a dataset: checked, oriented, cropped around the
  face or bucketed, flagged (small, no face, near-duplicate) and captioned.
* :func:`load_dataset` reads a dataset folder in kohya's layout (or a plain folder of images and captions).
* :func:`import_kohya` / :func:`export_kohya` move a dataset between this tool and kohya sd-scripts.
* :func:`set_caption` edits one image's caption; :func:`remove_image` takes one image out.

Every refusal is a :class:`DatasetError` naming the field to change and how.
"""

from __future__ import annotations

from stripstudio.training.captions import check_caption, prefill_caption
from stripstudio.training.editing import remove_image, set_caption
from stripstudio.training.kohya_layout import DatasetError, load_dataset
from stripstudio.training.kohya_transfer import export_kohya, import_kohya
from stripstudio.training.preparation import MODES, Mode, ProgressCallback, prepare_dataset
from stripstudio.training.report import FileProblem, PreparationReport

__all__ = [
    "MODES",
    "DatasetError",
    "Mode",
    "FileProblem",
    "PreparationReport",
    "ProgressCallback",
    "check_caption",
    "export_kohya",
    "import_kohya",
    "load_dataset",
    "prefill_caption",
    "prepare_dataset",
    "remove_image",
    "set_caption",
]
