"""The LoRAs a request applies: its ``loras`` and the ``<lora:…>`` tags left in its prompt.

Every engine reads a request's LoRAs through :func:`request_loras`, so a tag means the same on
each of them: the LoRA is applied as if it stood in ``loras`` with the tag's strengths.
"""

from __future__ import annotations

from stripstudio.generation.request import GenerationRequest, LoraSpec
from stripstudio.prompting import extract_lora_tags, lora_key, merge_loras


def request_loras(request: GenerationRequest) -> tuple[LoraSpec, ...]:
    """``request.loras`` then the prompt's tags, each LoRA once with the strengths of its last mention."""
    _, tags = extract_lora_tags(request.prompt)
    from_tags = (LoraSpec(name=t.name, strength_model=t.strength_model, strength_clip=t.strength_clip) for t in tags)
    return tuple(merge_loras([*request.loras, *from_tags]))


def lora_field(request: GenerationRequest, lora: LoraSpec) -> str:
    """Where ``lora`` (one of :func:`request_loras`) was asked for: ``loras[i]``, else ``prompt`` (a tag)."""
    key = lora_key(lora.name)
    index = next((i for i, own in enumerate(request.loras) if lora_key(own.name) == key), None)
    return f"loras[{index}]" if index is not None else "prompt"
