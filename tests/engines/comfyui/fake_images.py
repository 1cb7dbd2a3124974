"""The pictures the fake server "generates": the size a graph implies, pixels that follow the seed.

Sizes are traced upstream from an image output through the nodes that set or change them
(EmptyLatentImage, LoadImage, scaling, padding, batching); any other node passes on the size of
its first image/latent/mask input, and 64x64 is used when nothing upstream says. Pixels are a
smooth random pattern derived from every sampler seed and input file upstream, so two prompts
differing only in seed give different pictures and identical prompts give identical ones.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from .fake_files import FileStore

SAMPLER_SEED_INPUTS = {"KSampler": "seed", "KSamplerAdvanced": "noise_seed", "FaceDetailer": "seed"}
PIXEL_TYPES = {"IMAGE", "LATENT", "MASK"}
LATENT_SCALE = 8


@dataclass(frozen=True)
class Geometry:
    """Picture size and batch size flowing along a link."""

    width: int = 64
    height: int = 64
    batch: int = 1


def is_link(value: Any) -> bool:
    """True for an API-prompt link ``[node_id, output_index]``."""
    return isinstance(value, list) and len(value) == 2


def _latent_floor(pixels: int) -> int:
    return max(LATENT_SCALE, pixels // LATENT_SCALE * LATENT_SCALE)


def _scaled(source: Geometry, width: int, height: int, multiple: int = 1) -> Geometry:
    """``width``/``height`` where 0 keeps the aspect ratio (both 0: unchanged)."""
    if width == 0 and height == 0:
        return source
    if width == 0:
        width = max(1, round(source.width * height / source.height))
    if height == 0:
        height = max(1, round(source.height * width / source.width))
    return replace(
        source, width=max(multiple, width // multiple * multiple), height=max(multiple, height // multiple * multiple)
    )


class GraphImages:
    """Sizes and pixel seeds for the nodes of one API prompt."""

    def __init__(self, prompt: dict[str, Any], object_info: dict[str, Any], files: FileStore):
        self.prompt = prompt
        self.object_info = object_info
        self.files = files
        self._geometry: dict[str, Geometry] = {}

    # -- sizes -----------------------------------------------------------------------------
    def geometry(self, node_id: str) -> Geometry:
        """The size of the pictures ``node_id`` outputs."""
        if node_id not in self._geometry:
            node = self.prompt[node_id]
            rule = GEOMETRY_RULES.get(node["class_type"], GraphImages._passed_on)
            self._geometry[node_id] = rule(self, node["inputs"])
        return self._geometry[node_id]

    def upstream(self, inputs: dict[str, Any], name: str) -> Geometry:
        """The geometry arriving through input ``name`` (default size if it is not a link)."""
        value = inputs.get(name)
        return self.geometry(value[0]) if is_link(value) else Geometry()

    def _passed_on(self, inputs: dict[str, Any]) -> Geometry:
        for value in inputs.values():
            if is_link(value) and self._output_type(value) in PIXEL_TYPES:
                return self.geometry(value[0])
        return Geometry()

    def _output_type(self, link: list) -> str | None:
        outputs = self.object_info.get(self.prompt[link[0]]["class_type"], {}).get("output", [])
        return outputs[link[1]] if isinstance(link[1], int) and 0 <= link[1] < len(outputs) else None

    def _loaded(self, inputs: dict[str, Any]) -> Geometry:
        data = self.files.read_annotated(inputs.get("image"))
        if data is None:
            return Geometry()
        with Image.open(io.BytesIO(data)) as image:
            return Geometry(image.width, image.height)

    # -- pixels ----------------------------------------------------------------------------
    def pixel_key(self, node_id: str) -> bytes:
        """A digest of every sampler seed and input file upstream of ``node_id``."""
        sources, seen, stack = [], set(), [node_id]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.prompt:
                continue
            seen.add(current)
            node = self.prompt[current]
            seed_input = SAMPLER_SEED_INPUTS.get(node["class_type"])
            if seed_input is not None:
                sources.append(["seed", current, node["inputs"].get(seed_input)])
            data = self.files.read_annotated(node["inputs"].get("image"))
            if data is not None:
                sources.append(["file", current, hashlib.sha256(data).hexdigest()])
            stack.extend(value[0] for value in node["inputs"].values() if is_link(value))
        return hashlib.sha256(json.dumps(sorted(sources), default=str).encode()).digest()


def _empty_latent(graph: GraphImages, inputs: dict[str, Any]) -> Geometry:
    return Geometry(_latent_floor(inputs["width"]), _latent_floor(inputs["height"]), inputs["batch_size"])


def _resize_to(source_input: str, multiple: int = 1) -> Callable[[GraphImages, dict[str, Any]], Geometry]:
    """ImageScale / LatentUpscale: explicit ``width`` and ``height``."""
    return lambda graph, inputs: _scaled(
        graph.upstream(inputs, source_input), inputs["width"], inputs["height"], multiple
    )


def _resize_by(source_input: str, multiple: int = 1) -> Callable[[GraphImages, dict[str, Any]], Geometry]:
    """ImageScaleBy / LatentUpscaleBy: a ``scale_by`` factor."""

    def rule(graph: GraphImages, inputs: dict[str, Any]) -> Geometry:
        source = graph.upstream(inputs, source_input)
        factor = inputs["scale_by"]
        return _scaled(source, round(source.width * factor), round(source.height * factor), multiple)

    return rule


def _repeat_batch(graph: GraphImages, inputs: dict[str, Any]) -> Geometry:
    source = graph.upstream(inputs, "samples")
    return replace(source, batch=source.batch * inputs["amount"])


def _crop_to_latent(graph: GraphImages, inputs: dict[str, Any]) -> Geometry:
    source = graph.upstream(inputs, "pixels")
    return _scaled(source, source.width, source.height, LATENT_SCALE)


def _pad(graph: GraphImages, inputs: dict[str, Any]) -> Geometry:
    source = graph.upstream(inputs, "image")
    return replace(
        source,
        width=source.width + inputs["left"] + inputs["right"],
        height=source.height + inputs["top"] + inputs["bottom"],
    )


GEOMETRY_RULES: dict[str, Callable[[GraphImages, dict[str, Any]], Geometry]] = {
    "EmptyLatentImage": _empty_latent,
    "LoadImage": GraphImages._loaded,
    "ImageScale": _resize_to("image"),
    "LatentUpscale": _resize_to("samples", LATENT_SCALE),
    "ImageScaleBy": _resize_by("image"),
    "LatentUpscaleBy": _resize_by("samples", LATENT_SCALE),
    "RepeatLatentBatch": _repeat_batch,
    "VAEEncodeForInpaint": _crop_to_latent,
    "ImagePadForOutpaint": _pad,
}


def render_png(size: Geometry, key: bytes, index: int, text: dict[str, str], compress_level: int = 4) -> bytes:
    """A PNG of ``size`` whose pixels follow ``key`` and ``index``, with ``text`` as tEXt chunks."""
    rng = random.Random(key + index.to_bytes(4, "big"))
    pattern = Image.frombytes("RGB", (8, 8), rng.randbytes(8 * 8 * 3))
    image = pattern.resize((size.width, size.height), Image.Resampling.BILINEAR)
    info = PngInfo()
    for name, value in text.items():
        info.add_text(name, value)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info, compress_level=compress_level)
    return buffer.getvalue()


def preview_png(size: Geometry, key: bytes, step: int) -> bytes:
    """A latent-sized preview (1/8 of the picture) for sampler step ``step``."""
    small = Geometry(max(8, size.width // LATENT_SCALE), max(8, size.height // LATENT_SCALE))
    return render_png(small, key, 1_000_000 + step, {}, compress_level=1)
