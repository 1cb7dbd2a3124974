"""Reference images through the tiny random IP-Adapter: they change the picture, and scale 0 does not."""

from __future__ import annotations

import pytest
from PIL import Image

from stripstudio.generation.errors import InvalidRequest, ModelNotFound
from stripstudio.generation.request import ReferenceSpec, Region

from .helpers import pixels, tiny_request

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def portraits(tmp_path_factory):
    folder = tmp_path_factory.mktemp("references")
    red, blue = folder / "mia.png", folder / "leo.png"
    Image.linear_gradient("L").resize((48, 48)).convert("RGB").save(red)
    Image.new("RGB", (48, 48), (30, 60, 220)).save(blue)
    return str(red), str(blue)


def draw(engine, **fields):
    return pixels(engine.run(tiny_request(prompt="a girl in a park", **fields), lambda event: None)[0])


def test_a_reference_changes_the_picture_and_a_redraw_is_identical(engine, portraits):
    reference = ReferenceSpec(images=(portraits[0],), strength=0.8)
    plain = draw(engine)
    with_reference = draw(engine, reference_images=(reference,))
    assert with_reference != plain
    assert draw(engine, reference_images=(reference,)) == with_reference
    assert draw(engine) == plain  # the adapter is taken off again


def test_scale_zero_gives_the_picture_without_the_adapter(engine, portraits):
    assert draw(engine, reference_images=(ReferenceSpec(images=(portraits[0],), strength=0.0),)) == draw(engine)


def test_different_pictures_and_focus_give_different_results(engine, portraits):
    mia = draw(engine, reference_images=(ReferenceSpec(images=(portraits[0],), strength=1.0),))
    leo = draw(engine, reference_images=(ReferenceSpec(images=(portraits[1],), strength=1.0),))
    face = draw(engine, reference_images=(ReferenceSpec(images=(portraits[0],), strength=1.0, focus="face"),))
    assert len({mia, leo, face}) == 3


def test_embeddings_are_computed_once_per_picture(engine, portraits):
    reference = ReferenceSpec(images=portraits, strength=0.5)
    draw(engine, reference_images=(reference,))
    before = engine.identity.encoded
    draw(engine, reference_images=(reference,), seed=5)
    assert engine.identity.encoded == before


def test_two_characters_each_with_their_region_and_references(engine, portraits):
    regions = (Region(prompt="Mia", box=(0, 0, 0.5, 1)), Region(prompt="Leo", box=(0.5, 0, 0.5, 1)))
    references = (
        ReferenceSpec(images=(portraits[0],), strength=0.9, region=0),
        ReferenceSpec(images=(portraits[1],), strength=0.9, region=1, focus="face"),
    )
    both = draw(engine, regions=regions, reference_images=references)
    assert both != draw(engine, regions=regions)
    assert both == draw(engine, regions=regions, reference_images=references)


def test_every_task_takes_references(engine, portraits, picture):
    reference = (ReferenceSpec(images=(portraits[0],), strength=0.7),)
    for fields in (
        {"task": "image_to_image", "init_image": picture, "strength": 0.7},
        {"task": "inpaint", "init_image": picture, "mask": {"image": picture}},
        {"task": "sketch_to_image", "controls": ({"kind": "sketch", "image": picture},)},
    ):
        assert draw(engine, reference_images=reference, **fields) != draw(engine, **fields)


def test_missing_files_are_named_at_their_field(engine, tmp_path, portraits):
    with pytest.raises(InvalidRequest, match=r"reference_images\[0\]\.images\[0\]"):
        draw(engine, reference_images=(ReferenceSpec(images=(str(tmp_path / "gone.png"),)),))
    with pytest.raises((InvalidRequest, ModelNotFound), match=r"reference_images\[0\]\.adapter"):
        draw(engine, reference_images=(ReferenceSpec(images=(portraits[0],), adapter="no-such-adapter.safetensors"),))


def test_a_region_index_must_exist():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="the request has 0 region"):
        tiny_request(reference_images=(ReferenceSpec(images=("a.png",), region=0),))


def test_an_ip_adapter_file_loads_from_the_model_folder_and_is_read_once(engine, portraits, tmp_path, monkeypatch):
    from safetensors.torch import save_file

    from stripstudio.engines.diffusers import identity, tiny

    unet = engine.cache.get(tiny_request().model).base.unet
    state = tiny.tiny_ip_adapter_state(unet, seed=5)
    flat = {
        f"{part}.{name}": tensor.contiguous() for part, tensors in state.items() for name, tensor in tensors.items()
    }
    folder = engine.locator.search_dirs[0] / "ipadapter"
    folder.mkdir(parents=True, exist_ok=True)
    save_file(flat, str(folder / "my-adapter.safetensors"))
    reads = []
    original = identity.IdentityAdapters._read_state
    monkeypatch.setattr(
        identity.IdentityAdapters,
        "_read_state",
        staticmethod(lambda path, plan: reads.append(path) or original(path, plan)),
    )
    reference = (ReferenceSpec(images=(portraits[0],), strength=0.8, adapter="my-adapter"),)
    first = draw(engine, reference_images=reference)
    assert first == draw(engine, reference_images=reference) and first != draw(engine)
    assert len(reads) == 1
