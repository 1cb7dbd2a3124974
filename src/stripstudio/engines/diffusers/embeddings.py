"""Prompt weights applied to SDXL's text embeddings (both encoders and the pooled vector).

The prompt is parsed into weighted fragments (``(word:1.3)`` etc.), tokenised fragment by
fragment, cut into 75-token chunks (``BREAK`` starts a new one), and each chunk is encoded by
both CLIP text encoders. A token of weight ``w`` gets

    z_w = z_empty + w * (z - z_empty)

where ``z_empty`` is the embedding of the empty prompt at the same position: ComfyUI's formula,
so a prompt means the same on the diffusers and the ComfyUI engine. The pooled embedding follows
ComfyUI's rule too (``ClipTokenWeightEncoder.encode_token_weights``): it is the second encoder's
pooled output of the FIRST chunk, encoded without weights (weights act on the token embeddings
only). A prompt without weights keeps the exact embeddings of plain SDXL.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from stripstudio.generation.errors import InvalidRequest
from stripstudio.prompting import parse_prompt

CHUNK_TOKENS = 75  # 77 positions minus the start and end tokens


@dataclass
class PromptEmbeddings:
    """What StableDiffusionXL pipelines take instead of prompt strings."""

    prompt_embeds: torch.Tensor
    pooled_prompt_embeds: torch.Tensor | None
    negative_prompt_embeds: torch.Tensor
    negative_pooled_prompt_embeds: torch.Tensor | None

    def as_kwargs(self) -> dict[str, torch.Tensor]:
        """Keyword arguments for a pipeline call (SD 1.x pipelines take no pooled embeddings)."""
        arguments = {"prompt_embeds": self.prompt_embeds, "negative_prompt_embeds": self.negative_prompt_embeds}
        if self.pooled_prompt_embeds is not None and self.negative_pooled_prompt_embeds is not None:
            arguments["pooled_prompt_embeds"] = self.pooled_prompt_embeds
            arguments["negative_pooled_prompt_embeds"] = self.negative_pooled_prompt_embeds
        return arguments


@dataclass
class _Encoded:
    hidden: torch.Tensor  # (chunks * 77, dim of both encoders)
    pooled: torch.Tensor  # (pooled dim,): the second encoder's pooled output of the first chunk


def encode_prompts(pipe, prompt: str, negative_prompt: str, device, dtype, clip_skip: int = 1) -> PromptEmbeddings:
    """Weighted embeddings of ``prompt`` and ``negative_prompt`` for an SDXL pipeline.

    An empty negative prompt gives zero embeddings when the model asks for it
    (``force_zeros_for_empty_prompt``, as in plain SDXL). SD 1.x pipelines (one text encoder) are
    encoded by :func:`~stripstudio.engines.diffusers.embeddings_sd1.encode_prompts_sd1`.
    """
    if getattr(pipe, "text_encoder_2", None) is None:
        from stripstudio.engines.diffusers.embeddings_sd1 import encode_prompts_sd1

        return encode_prompts_sd1(pipe, prompt, negative_prompt, device, dtype, clip_skip)
    if clip_skip != 1:
        raise InvalidRequest(
            "SDXL always reads its text encoders' penultimate layer: leave clip_skip at 1 (clip skip is for SD 1.x)",
            field="clip_skip",
        )
    tokenizer = pipe.tokenizer or pipe.tokenizer_2  # the refiner has only the second
    tokens, weights = tokenize_weighted(tokenizer, prompt)
    negative_tokens, negative_weights = tokenize_weighted(tokenizer, negative_prompt)
    chunks = max(_chunk_count(tokens), _chunk_count(negative_tokens))
    with torch.no_grad():
        empty = _encode_chunks(pipe, [[]] * chunks, device)
        positive = _apply_weights(_encode_chunks(pipe, _chunked(tokens, chunks), device), empty, weights)
        if not negative_prompt.strip() and pipe.config.get("force_zeros_for_empty_prompt", True):
            negative = _Encoded(torch.zeros_like(positive.hidden), torch.zeros_like(positive.pooled))
        else:
            negative = _apply_weights(
                _encode_chunks(pipe, _chunked(negative_tokens, chunks), device), empty, negative_weights
            )
    return PromptEmbeddings(
        prompt_embeds=positive.hidden.unsqueeze(0).to(device, dtype),
        pooled_prompt_embeds=positive.pooled.unsqueeze(0).to(device, dtype),
        negative_prompt_embeds=negative.hidden.unsqueeze(0).to(device, dtype),
        negative_pooled_prompt_embeds=negative.pooled.unsqueeze(0).to(device, dtype),
    )


def tokenize_weighted(tokenizer, prompt: str) -> tuple[list[list[int]], list[list[float]]]:
    """Token ids and weights of ``prompt``, already split into chunks of at most 75 tokens."""
    chunks: list[list[int]] = [[]]
    chunk_weights: list[list[float]] = [[]]
    for fragment in parse_prompt(prompt).fragments:
        if fragment.is_break:
            if chunks[-1]:
                chunks.append([])
                chunk_weights.append([])
            continue
        for token in tokenizer(fragment.text, add_special_tokens=False, truncation=False).input_ids:
            if len(chunks[-1]) == CHUNK_TOKENS:
                chunks.append([])
                chunk_weights.append([])
            chunks[-1].append(token)
            chunk_weights[-1].append(fragment.weight)
    return chunks, chunk_weights


def _chunk_count(chunks: list[list[int]]) -> int:
    return max(1, len(chunks))


def _chunked(chunks: list[list[int]], count: int) -> list[list[int]]:
    return chunks + [[]] * (count - len(chunks))


def _encode_chunks(pipe, chunks: list[list[int]], device) -> _Encoded:
    """Encode each chunk with the pipeline's text encoders (penultimate layer, as SDXL was trained): both
    for SDXL base, the second (OpenCLIP-bigG) alone for the refiner."""
    hidden_parts = []
    pooled = None
    pairs = ((pipe.tokenizer, pipe.text_encoder), (pipe.tokenizer_2, pipe.text_encoder_2))
    encoders = [(tokenizer, encoder) for tokenizer, encoder in pairs if encoder is not None]
    for chunk in chunks:
        per_encoder = []
        for tokenizer, encoder in encoders:
            ids = _framed(tokenizer, chunk)
            output = encoder(torch.tensor([ids], device=device), output_hidden_states=True)
            per_encoder.append(output.hidden_states[-2][0].float())
            if encoder is pipe.text_encoder_2 and pooled is None:
                pooled = output[0][0].float()
        hidden_parts.append(torch.cat(per_encoder, dim=-1))
    if pooled is None:
        raise ValueError("no chunk to encode: a prompt always has at least one (possibly empty) chunk")
    return _Encoded(hidden=torch.cat(hidden_parts, dim=0), pooled=pooled)


def _framed(tokenizer, chunk: list[int]) -> list[int]:
    """Start token, the chunk, end token, padding to 77 positions."""
    ids = [tokenizer.bos_token_id, *chunk, tokenizer.eos_token_id]
    return ids + [tokenizer.pad_token_id] * (CHUNK_TOKENS + 2 - len(ids))


def _apply_weights(encoded: _Encoded, empty: _Encoded, weights: list[list[float]]) -> _Encoded:
    """Weights on the token embeddings; the pooled embedding stays the unweighted first chunk's (ComfyUI)."""
    position_weights = torch.ones(encoded.hidden.shape[0])
    flat: list[float] = []
    for index, chunk_weights in enumerate(weights):
        start = index * (CHUNK_TOKENS + 2) + 1  # after the chunk's start token
        position_weights[start : start + len(chunk_weights)] = torch.tensor(chunk_weights, dtype=torch.float32)
        flat += chunk_weights
    if all(w == 1.0 for w in flat):
        return encoded
    w = position_weights.unsqueeze(-1)
    # Tokens of weight 1 keep their exact embedding (the formula would round them slightly).
    hidden = torch.where(w == 1.0, encoded.hidden, empty.hidden + w * (encoded.hidden - empty.hidden))
    return _Encoded(hidden=hidden, pooled=encoded.pooled)  # the first chunk's, unweighted
