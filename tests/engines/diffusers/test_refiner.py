"""The SDXL refiner stage on the tiny pair: the base denoises to the switch point only, the refiner the rest."""

from __future__ import annotations

import pytest

from stripstudio.generation.capabilities import check_request
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import RefinerSpec

from .helpers import pixels, tiny_request

pytestmark = pytest.mark.slow

REFINER = RefinerSpec(checkpoint="tiny-random-sdxl-refiner", switch=0.8)


@pytest.fixture
def unet_calls(engine, monkeypatch):
    """Counts UNet evaluations per model (one per step: the guidance batch is one call)."""
    monkeypatch.setattr(engine.cache, "capacity", 2)  # keep both models: the counters are on them
    calls = {"base": 0, "refiner": 0}
    for name, checkpoint in (("base", "tiny-random-sdxl"), ("refiner", "tiny-random-sdxl-refiner")):
        unet = engine.cache.get(tiny_request(model={"checkpoint": checkpoint}).model).base.unet
        forward = unet.forward

        def counted(*args, _name=name, _forward=forward, **kwargs):
            calls[_name] += 1
            return _forward(*args, **kwargs)

        monkeypatch.setattr(unet, "forward", counted)
    return calls


def test_the_base_stops_at_the_switch_point_and_the_refiner_finishes(engine, unet_calls):
    request = tiny_request(num_inference_steps=10, sampler="euler", scheduler="normal", refiner=REFINER)
    (image,) = engine.run(request, lambda event: None)
    assert unet_calls == {"base": 8, "refiner": 2}
    assert image.image.size == (64, 64)


def test_refined_pictures_differ_from_the_base_alone_and_redraw_identically(engine):
    plain = pixels(engine.run(tiny_request(num_inference_steps=4), lambda e: None)[0])
    refined = pixels(engine.run(tiny_request(num_inference_steps=4, refiner=REFINER), lambda e: None)[0])
    again = pixels(engine.run(tiny_request(num_inference_steps=4, refiner=REFINER), lambda e: None)[0])
    assert refined != plain and refined == again


def test_a_refiner_that_is_not_one_and_a_refiner_on_other_tasks_are_refused(engine, picture):
    with pytest.raises(InvalidRequest, match="is not an SDXL refiner"):
        engine.run(tiny_request(refiner=RefinerSpec(checkpoint="tiny-random-sdxl")), lambda e: None)
    image_task = tiny_request(task="image_to_image", init_image=picture, refiner=REFINER)
    assert [p.field for p in check_request(engine, image_task)] == ["refiner"]
    with pytest.raises(InvalidRequest, match="refiner only finishes"):
        engine.run(tiny_request(model={"checkpoint": "tiny-random-sdxl-refiner"}), lambda e: None)
