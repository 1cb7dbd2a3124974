"""What preparing or importing a dataset returns: the dataset written, and each file it had to leave out."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from stripstudio.training.spec import Dataset


class FileProblem(BaseModel):
    """A file left out of the dataset: ``file`` is the name it came with, ``reason`` what was wrong and the fix."""

    model_config = ConfigDict(frozen=True)
    file: str
    reason: str


class PreparationReport(BaseModel):
    """The dataset written to ``directory`` (kohya's layout) and the files left out of it."""

    model_config = ConfigDict(frozen=True)
    directory: Path
    dataset: Dataset
    problems: tuple[FileProblem, ...] = ()

    def flagged(self) -> dict[str, tuple[str, ...]]:
        """Image file name -> its flags, for the images (character and regularisation) that have any."""
        images = (*self.dataset.images, *self.dataset.regularisation)
        return {image.path.name: image.flags for image in images if image.flags}
