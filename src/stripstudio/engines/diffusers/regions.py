"""Regional prompts: several characters in one picture without their looks mixing ("attention couple").

Each region's prompt is encoded on its own and appended to the base prompt's tokens. In every
cross-attention layer, a pixel may attend to the base prompt's tokens wherever it is, and to a
region's tokens only inside that region's mask: a region's description cannot reach another
region's pixels, by construction. The masks follow each layer's resolution. The same
processors wrap whatever processor a layer had (IP-Adapter's included), so regions combine with
LoRAs, sketches and reference images.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from stripstudio.engines.diffusers.embeddings import PromptEmbeddings, encode_prompts
from stripstudio.engines.diffusers.inputs import cover, load_image
from stripstudio.generation.request import GenerationRequest, Region

LATENT_SCALE = 8  # pixels per latent position in SD and SDXL VAEs


@dataclass(frozen=True)
class RegionLayout:
    """Where each region's tokens sit in the combined sequence, and its mask at latent resolution."""

    token_spans: tuple[tuple[int, int], ...]
    masks: torch.Tensor  # (regions, latent height, latent width), 1 inside
    total_tokens: int

    def attention_bias(self, query_length: int, key_length: int, dtype: torch.dtype, device) -> torch.Tensor | None:
        """An additive (query, key) bias: -inf where a pixel outside a region would see its tokens.

        None when the layer's sequence is not this layout's (self-attention, another model's layer).
        """
        if key_length != self.total_tokens:
            return None
        masks = _masks_at(self.masks, query_length)
        if masks is None:
            return None
        bias = torch.zeros(query_length, key_length, dtype=dtype, device=device)
        for (start, end), mask in zip(self.token_spans, masks, strict=True):
            outside = ~mask.flatten().to(device)
            bias[outside, start:end] = float("-inf")
        return bias


def region_masks(regions: tuple[Region, ...], width: int, height: int) -> torch.Tensor:
    """The regions' masks (painted, else their boxes) as 0/1 masks at latent resolution."""
    latent_width, latent_height = math.ceil(width / LATENT_SCALE), math.ceil(height / LATENT_SCALE)
    masks = torch.zeros(len(regions), latent_height, latent_width)
    for index, region in enumerate(regions):
        if region.mask:
            painted = cover(load_image(region.mask, f"regions[{index}].mask", mode="L"), width, height)
            small = painted.resize((latent_width, latent_height), Image.Resampling.BOX)
            masks[index] = torch.from_numpy((np.asarray(small) >= 128).astype(np.float32))
            continue
        x, y, w, h = region.box
        left, top = round(x * latent_width), round(y * latent_height)
        right, bottom = round((x + w) * latent_width), round((y + h) * latent_height)
        masks[index, top : max(bottom, top + 1), left : max(right, left + 1)] = 1.0
    return masks


def _masks_at(masks: torch.Tensor, query_length: int) -> torch.Tensor | None:
    """The masks at the resolution whose positions number ``query_length`` (each layer halves the last)."""
    height, width = masks.shape[-2:]
    for factor in (1, 2, 4, 8, 16, 32):
        size = (math.ceil(height / factor), math.ceil(width / factor))
        if size[0] * size[1] == query_length:
            if factor == 1:
                return masks > 0.5
            return F.interpolate(masks.unsqueeze(0), size=size, mode="area")[0] >= 0.5
    return None


class RegionalAttention:
    """Wraps a cross-attention processor so that region tokens are only seen inside their masks."""

    def __init__(self, inner, layout: RegionLayout):
        self.inner = inner
        self.layout = layout

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, **kwargs):
        """Call the wrapped processor with the regions' attention bias (plus any mask it was given)."""
        text = encoder_hidden_states[0] if isinstance(encoder_hidden_states, tuple) else encoder_hidden_states
        if text is not None and hidden_states.ndim == 3:
            bias = self.layout.attention_bias(
                hidden_states.shape[1], text.shape[1], hidden_states.dtype, hidden_states.device
            )
            if bias is not None:
                bias = bias.unsqueeze(0).expand(hidden_states.shape[0], -1, -1)
                attention_mask = bias if attention_mask is None else attention_mask + bias
        return self.inner(attn, hidden_states, encoder_hidden_states, attention_mask, **kwargs)


def regional_embeddings(
    pipe, request: GenerationRequest, device, dtype, width: int, height: int
) -> tuple[PromptEmbeddings, RegionLayout]:
    """The base prompt's embeddings followed by each region's, and where each region's tokens are."""
    skip = request.clip_skip
    base = encode_prompts(pipe, request.prompt, request.negative_prompt, device, dtype, skip)
    parts = [base]
    parts += [encode_prompts(pipe, r.prompt, request.negative_prompt, device, dtype, skip) for r in request.regions]
    spans, start = [], base.prompt_embeds.shape[1]
    for part in parts[1:]:
        spans.append((start, start + part.prompt_embeds.shape[1]))
        start += part.prompt_embeds.shape[1]
    embeddings = PromptEmbeddings(
        prompt_embeds=torch.cat([p.prompt_embeds for p in parts], dim=1),
        pooled_prompt_embeds=base.pooled_prompt_embeds,
        negative_prompt_embeds=torch.cat([p.negative_prompt_embeds for p in parts], dim=1),
        negative_pooled_prompt_embeds=base.negative_pooled_prompt_embeds,
    )
    layout = RegionLayout(tuple(spans), region_masks(request.regions, width, height), start)
    return embeddings, layout


@contextlib.contextmanager
def regions_applied(pipe, layout: RegionLayout) -> Iterator[None]:
    """Wrap every cross-attention processor of the pipeline's UNet (and ControlNet) for the duration."""
    parts: tuple[Any, ...] = (getattr(pipe, "unet", None), getattr(pipe, "controlnet", None))
    models = [model for model in parts if hasattr(model, "attn_processors")]
    saved = [(model, dict(model.attn_processors)) for model in models]
    try:
        for model, processors in saved:
            model.set_attn_processor(
                {
                    name: RegionalAttention(processor, layout) if name.endswith("attn2.processor") else processor
                    for name, processor in processors.items()
                }
            )
        yield
    finally:
        for model, processors in saved:
            model.set_attn_processor(processors)
