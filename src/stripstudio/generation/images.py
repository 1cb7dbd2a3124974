"""GeneratedImage: a picture an engine drew, with the metadata that reproduces it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, PngImagePlugin

from stripstudio.generation.metadata import FILES_KEY, PARAMETERS_KEY, REQUEST_KEY, input_file_hashes
from stripstudio.generation.request import GenerationRequest


@dataclass
class GeneratedImage:
    """One drawn image.

    ``request`` is the single-image request that redraws exactly this picture (its seed is the
    candidate's seed). ``parameters`` is the A1111 text; ``extra_text`` holds further PNG text
    chunks (the ComfyUI engine puts its ``prompt`` graph there).
    """

    image: Image.Image
    request: GenerationRequest
    index: int
    parameters: str
    extra_text: dict[str, str] = field(default_factory=dict)

    @property
    def seed(self) -> int:
        """The seed that draws this image."""
        return self.request.seed

    def png_info(self) -> PngImagePlugin.PngInfo:
        """The PNG text chunks: ``parameters``, ``stripstudio`` (request JSON) and any extras."""
        info = PngImagePlugin.PngInfo()
        info.add_text(PARAMETERS_KEY, self.parameters)
        info.add_text(REQUEST_KEY, self.request.to_json())
        hashes = input_file_hashes(self.request)
        if hashes:
            info.add_text(FILES_KEY, json.dumps(hashes, sort_keys=True))
        for key, value in self.extra_text.items():
            info.add_text(key, value)
        return info

    def save(self, path: Path) -> Path:
        """Write the image as PNG with its metadata; the file appears complete or not at all."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        self.image.save(partial, format="PNG", pnginfo=self.png_info())
        partial.replace(path)
        return path
