"""Prompt weights scale the SDXL token embeddings of both encoders; the pooled one follows ComfyUI."""

from __future__ import annotations

import pytest
import torch

from stripstudio.engines.diffusers.embeddings import CHUNK_TOKENS, encode_prompts, tokenize_weighted

from .helpers import TINY


@pytest.fixture(scope="module")
def pipe(engine):
    return engine.cache.get(TINY).base


def encode(pipe, prompt, negative=""):
    return encode_prompts(pipe, prompt, negative, torch.device("cpu"), torch.float32)


def test_weights_follow_the_formula_on_every_token(pipe):
    plain = encode(pipe, "a cat sits")
    weighted = encode(pipe, "a (cat:1.5) sits")
    empty = encode(pipe, "")
    tokens, weights = tokenize_weighted(pipe.tokenizer, "a (cat:1.5) sits")
    cat = 1 + weights[0].index(1.5)  # position after the start token
    z, z_w, z_0 = plain.prompt_embeds[0], weighted.prompt_embeds[0], empty.prompt_embeds[0]
    assert torch.allclose(z_w[cat], z_0[cat] + 1.5 * (z[cat] - z_0[cat]), atol=1e-6)
    others = [i for i in range(z.shape[0]) if i != cat]
    assert torch.equal(z_w[others], z[others])
    assert z.shape[-1] == 64  # both encoders: 32 + 32 features


def reference_pooled(pipe, text: str) -> torch.Tensor:
    """ComfyUI's pooled output, computed straight from the second text encoder: the first 75 tokens
    of ``text`` (no weights), framed by the start and end tokens and padded to 77."""
    tokenizer = pipe.tokenizer_2
    ids = tokenizer(text, add_special_tokens=False).input_ids[:CHUNK_TOKENS]
    framed = [tokenizer.bos_token_id, *ids, tokenizer.eos_token_id]
    framed += [tokenizer.pad_token_id] * (CHUNK_TOKENS + 2 - len(framed))
    with torch.no_grad():
        return pipe.text_encoder_2(torch.tensor([framed])).text_embeds.float()


def test_pooled_embedding_is_the_first_chunk_without_weights(pipe):
    weighted = encode(pipe, "(a cat sits:1.2), (dark night:0.5)")
    assert torch.equal(weighted.pooled_prompt_embeds, reference_pooled(pipe, "a cat sits, dark night"))
    assert not torch.equal(weighted.pooled_prompt_embeds, reference_pooled(pipe, "a cat sits"))


def test_pooled_embedding_of_a_long_weighted_prompt_is_its_first_chunk(pipe):
    first = ", ".join(["(red apple:1.3)"] * 30)  # 89 tokens: the second chunk starts inside it
    second = ", ".join(["green pear"] * 10)
    embeds = encode(pipe, f"{first}, {second}")
    assert embeds.prompt_embeds.shape[1] == 77 * 2
    plain_first = ", ".join(["red apple"] * 30)
    assert torch.equal(embeds.pooled_prompt_embeds, reference_pooled(pipe, f"{plain_first}, {second}"))
    other_tail = encode(pipe, f"{first}, " + ", ".join(["blue sky"] * 10))
    assert torch.equal(other_tail.pooled_prompt_embeds, embeds.pooled_prompt_embeds)


def test_a1111_nesting_multiplies(pipe):
    _, weights = tokenize_weighted(pipe.tokenizer, "((cartoon style)), [blurry]")
    assert weights[0][0] == pytest.approx(1.21)
    assert weights[0][-1] == pytest.approx(1 / 1.1)


def test_unweighted_prompt_gives_plain_sdxl_embeddings(pipe):
    ours = encode(pipe, "a cat sits", "ugly")
    theirs = pipe.encode_prompt(
        "a cat sits",
        device=torch.device("cpu"),
        num_images_per_prompt=1,
        do_classifier_free_guidance=True,
        negative_prompt="ugly",
    )
    assert torch.allclose(ours.prompt_embeds, theirs[0], atol=1e-5)
    assert torch.allclose(ours.negative_prompt_embeds, theirs[1], atol=1e-5)
    assert torch.allclose(ours.pooled_prompt_embeds, theirs[2], atol=1e-5)


def test_empty_negative_prompt_is_zeros_as_in_sdxl(pipe):
    embeds = encode(pipe, "a cat")
    assert not embeds.negative_prompt_embeds.any() and not embeds.negative_pooled_prompt_embeds.any()


def test_long_prompts_and_break_make_more_chunks(pipe):
    long_prompt = ", ".join(["red apple"] * 40)  # 119 tokens: two chunks
    embeds = encode(pipe, long_prompt, "ugly")
    assert embeds.prompt_embeds.shape[1] == 77 * 2 == embeds.negative_prompt_embeds.shape[1]
    tokens, _ = tokenize_weighted(pipe.tokenizer, "a cat BREAK a dog")
    assert len(tokens) == 2 and all(len(chunk) <= CHUNK_TOKENS for chunk in tokens)


def test_weights_change_the_picture(run):
    from .helpers import pixels

    plain, _ = run(prompt="a red apple")
    weighted, _ = run(prompt="a (red apple:1.6)")
    assert pixels(plain[0]) != pixels(weighted[0])
