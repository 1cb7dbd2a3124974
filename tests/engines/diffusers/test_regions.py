"""Regional prompts on the tiny model: each region's tokens are attended to only inside its mask."""

from __future__ import annotations

import pytest
import torch
from diffusers.models.attention_processor import Attention, AttnProcessor

from stripstudio.engines.diffusers.regions import RegionLayout, region_masks
from stripstudio.generation.request import LoraSpec, Region

from .helpers import pixels, tiny_request
from .model_files import write_tiny_lora

pytestmark = pytest.mark.slow

LEFT = Region(prompt="a tall man with red hair and a green coat", box=(0.0, 0.0, 0.5, 1.0))
RIGHT = Region(prompt="a short woman with blue hair and a yellow dress", box=(0.5, 0.0, 0.5, 1.0))


def test_boxes_become_latent_masks():
    masks = region_masks((LEFT, RIGHT), 64, 64)
    assert masks.shape == (2, 8, 8)
    assert masks[0, :, :4].eq(1).all() and masks[0, :, 4:].eq(0).all()
    assert masks[1, :, 4:].eq(1).all() and masks[1, :, :4].eq(0).all()


def test_the_bias_hides_each_regions_tokens_outside_its_mask_at_every_resolution():
    layout = RegionLayout(((77, 154), (154, 231)), region_masks((LEFT, RIGHT), 64, 64), 231)
    for positions, side in ((64, 8), (16, 4)):
        bias = layout.attention_bias(positions, 231, torch.float32, "cpu")
        columns = torch.arange(positions) % side
        left_pixels, right_pixels = columns < side // 2, columns >= side // 2
        assert bias[:, :77].eq(0).all()  # the base prompt is seen everywhere
        assert bias[left_pixels][:, 77:154].eq(0).all() and bias[right_pixels][:, 77:154].isinf().all()
        assert bias[right_pixels][:, 154:].eq(0).all() and bias[left_pixels][:, 154:].isinf().all()
    assert layout.attention_bias(64, 77, torch.float32, "cpu") is None  # another sequence: untouched


@pytest.fixture
def recorded_attention(engine, monkeypatch):
    """Cross-attention probabilities of every UNet layer during a run (classic processors, restored after)."""
    unet = engine.cache.get(tiny_request().model).base.unet
    saved = dict(unet.attn_processors)
    unet.set_attn_processor(AttnProcessor())
    calls: list[tuple[torch.Tensor, int]] = []
    original = Attention.get_attention_scores

    def recording(self, query, key, attention_mask=None):
        probabilities = original(self, query, key, attention_mask)
        calls.append((probabilities.detach().clone(), key.shape[1]))
        return probabilities

    monkeypatch.setattr(Attention, "get_attention_scores", recording)
    yield calls
    unet.set_attn_processor(saved)


def test_region_tokens_get_no_attention_outside_their_mask(engine, recorded_attention):
    request = tiny_request(prompt="two friends in a park", regions=(LEFT, RIGHT))
    engine.run(request, lambda event: None)
    cross = [(p, k) for p, k in recorded_attention if k == 231]  # base + two regions, 77 tokens each
    assert cross, "no cross-attention call saw the regions' tokens"
    for probabilities, _ in cross:
        positions = probabilities.shape[1]
        side = int(positions**0.5)
        columns = torch.arange(positions) % side
        left, right = columns < side // 2, columns >= side // 2
        assert probabilities[:, right][:, :, 77:154].sum() == 0
        assert probabilities[:, left][:, :, 154:231].sum() == 0
        assert probabilities[:, left][:, :, 77:154].sum() > 0
        assert probabilities[:, right][:, :, 154:231].sum() > 0


def test_regions_change_the_picture_and_a_redraw_is_identical(engine):
    plain = engine.run(tiny_request(prompt="two friends in a park"), lambda event: None)
    with_regions = engine.run(tiny_request(prompt="two friends in a park", regions=(LEFT, RIGHT)), lambda e: None)
    again = engine.run(tiny_request(prompt="two friends in a park", regions=(LEFT, RIGHT)), lambda e: None)
    assert pixels(with_regions[0]) != pixels(plain[0])
    assert pixels(with_regions[0]) == pixels(again[0])
    # The processors are put back: the same plain request draws the same picture afterwards.
    assert pixels(engine.run(tiny_request(prompt="two friends in a park"), lambda e: None)[0]) == pixels(plain[0])


def test_regions_work_with_loras_and_sketches(engine, tmp_path, picture, monkeypatch):
    lora = write_tiny_lora(tmp_path / "models" / "loras" / "friend.safetensors", seed=3)
    request = tiny_request(prompt="two friends", regions=(LEFT, RIGHT), loras=(LoraSpec(name=str(lora)),))
    (drawn,) = engine.run(request, lambda event: None)
    assert drawn.image.size == (64, 64)
    sketch = tiny_request(
        task="sketch_to_image",
        prompt="two friends",
        regions=(LEFT, RIGHT),
        controls=({"kind": "sketch", "image": picture},),
    )
    (drawn,) = engine.run(sketch, lambda event: None)
    assert drawn.image.size == (64, 64)


def test_a_painted_mask_gives_the_same_layout_as_the_box_it_paints(tmp_path):
    from PIL import Image

    painted = Image.new("L", (64, 64), 0)
    painted.paste(255, (0, 0, 32, 64))
    painted.save(tmp_path / "left.png")
    masked = Region(prompt=LEFT.prompt, mask=str(tmp_path / "left.png"))
    assert torch.equal(region_masks((masked, RIGHT), 64, 64), region_masks((LEFT, RIGHT), 64, 64))


def test_a_region_box_must_lie_inside_the_picture():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="box must be x, y, width, height"):
        Region(prompt="x", box=(0.6, 0, 0.6, 1))
