"""Prompt weights on SD 1.x's one text encoder (CLIP-L), the same weighting rule as for SDXL.

Each 75-token chunk is encoded with the encoder's last layer (after its final layer norm, as SD 1.x
was trained), and a token of weight ``w`` gets ``z_empty + w * (z - z_empty)``: ComfyUI's formula.
There is no pooled embedding. An empty negative prompt is encoded like any other (SD 1.x does not
use zeros for it).
"""

from __future__ import annotations

import torch

from stripstudio.engines.diffusers.embeddings import (
    CHUNK_TOKENS,
    PromptEmbeddings,
    _apply_weights,
    _chunk_count,
    _chunked,
    _Encoded,
    _framed,
    tokenize_weighted,
)
from stripstudio.generation.errors import InvalidRequest


def encode_prompts_sd1(pipe, prompt: str, negative_prompt: str, device, dtype, clip_skip: int = 1) -> PromptEmbeddings:
    """Weighted embeddings of ``prompt`` and ``negative_prompt`` for an SD 1.x pipeline.

    ``clip_skip`` 2 reads the penultimate layer (then the final layer norm), as A1111 does.
    """
    tokens, weights = tokenize_weighted(pipe.tokenizer, prompt)
    negative_tokens, negative_weights = tokenize_weighted(pipe.tokenizer, negative_prompt)
    chunks = max(_chunk_count(tokens), _chunk_count(negative_tokens))
    with torch.no_grad():
        empty = _encode(pipe, [[]] * chunks, device, clip_skip)
        positive = _apply_weights(_encode(pipe, _chunked(tokens, chunks), device, clip_skip), empty, weights)
        negatives = _encode(pipe, _chunked(negative_tokens, chunks), device, clip_skip)
        negative = _apply_weights(negatives, empty, negative_weights)
    return PromptEmbeddings(
        prompt_embeds=positive.hidden.unsqueeze(0).to(device, dtype),
        pooled_prompt_embeds=None,
        negative_prompt_embeds=negative.hidden.unsqueeze(0).to(device, dtype),
        negative_pooled_prompt_embeds=None,
    )


def _encode(pipe, chunks: list[list[int]], device, clip_skip: int) -> _Encoded:
    hidden = []
    encoder = pipe.text_encoder
    layers = encoder.config.num_hidden_layers
    if clip_skip > layers:
        raise InvalidRequest(f"clip_skip is at most {layers} for this text encoder", field="clip_skip")
    for chunk in chunks:
        ids = torch.tensor([_framed(pipe.tokenizer, chunk)], device=device)
        if clip_skip == 1:
            hidden.append(encoder(ids).last_hidden_state[0].float())
            continue
        states = encoder(ids, output_hidden_states=True).hidden_states[-clip_skip]
        norm = getattr(encoder, "text_model", encoder).final_layer_norm  # transformers 5 flattened text_model
        hidden.append(norm(states)[0].float())
    encoded = torch.cat(hidden, dim=0)
    assert encoded.shape[0] == len(chunks) * (CHUNK_TOKENS + 2)
    # SD 1.x has no pooled embedding; the weighting code's pooled slot carries a placeholder.
    return _Encoded(hidden=encoded, pooled=torch.zeros(encoded.shape[-1]))
