"""Fixtures for running the diffusers engine for real on the tiny random model."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PIL import Image

from stripstudio.generation import JobEvent
from stripstudio.settings import StudioSettings

from .helpers import TINY, tiny_request


@pytest.fixture(scope="session")
def engine(tmp_path_factory):
    """One engine per test process, so the tiny pipelines load once."""
    from stripstudio.engines.diffusers.engine import DiffusersEngine

    return DiffusersEngine(StudioSettings(data_dir=tmp_path_factory.mktemp("engine-data"), device="cpu"))


@pytest.fixture
def run(engine) -> Callable[..., tuple[list, list[JobEvent]]]:
    """Run a request (built from keyword fields) and return (images, events)."""

    def _run(**fields):
        events: list[JobEvent] = []
        images = engine.run(tiny_request(**fields), events.append)
        return images, events

    return _run


@pytest.fixture
def picture(tmp_path) -> str:
    """A 64x64 test picture with structure (gradient + square) saved as PNG."""
    image = Image.linear_gradient("L").resize((64, 64)).convert("RGB")
    image.paste((200, 40, 40), (20, 20, 44, 44))
    path = tmp_path / "picture.png"
    image.save(path)
    return str(path)


@pytest.fixture
def square_mask(tmp_path) -> str:
    """A 64x64 mask, white (repaint) in the 16x16 centre square."""
    mask = Image.new("L", (64, 64), 0)
    mask.paste(255, (24, 24, 40, 40))
    path = tmp_path / "mask.png"
    mask.save(path)
    return str(path)


@pytest.fixture
def sketch(tmp_path) -> str:
    """A black-on-white 64x64 drawing: a frame and a diagonal."""
    from PIL import ImageDraw

    image = Image.new("L", (64, 64), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 56, 56), outline=0, width=3)
    draw.line((8, 56, 56, 8), fill=0, width=3)
    path = tmp_path / "sketch.png"
    image.save(path)
    return str(path)


@pytest.fixture
def unet_batches(engine, monkeypatch) -> list[int]:
    """The batch size of every UNet evaluation of the tiny model (twice the images: guidance)."""
    unet = engine.cache.get(TINY).base.unet
    forward, sizes = unet.forward, []

    def recorded(sample, *args, **kwargs):
        sizes.append(sample.shape[0])
        return forward(sample, *args, **kwargs)

    monkeypatch.setattr(unet, "forward", recorded)
    return sizes
