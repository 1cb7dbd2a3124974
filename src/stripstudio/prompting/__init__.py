"""Prompt text: A1111 weight syntax, ``<lora:...>`` tags, and composing a panel's prompt from the comic."""

from stripstudio.prompting.compose import (
    ComposedPrompt,
    compose_panel_prompt,
    compose_prompt,
    join_unique_fragments,
    lora_key,
    merge_loras,
)
from stripstudio.prompting.lora_tags import LoraTag, extract_lora_tags, format_lora_tag
from stripstudio.prompting.problems import PromptProblem, prompt_problems
from stripstudio.prompting.syntax import (
    BREAK,
    ParsedPrompt,
    WeightedFragment,
    format_fragments,
    parse_prompt,
    parse_weights,
    split_top_level_commas,
    to_comfyui,
)

__all__ = [
    "BREAK",
    "ComposedPrompt",
    "LoraTag",
    "ParsedPrompt",
    "PromptProblem",
    "WeightedFragment",
    "compose_panel_prompt",
    "compose_prompt",
    "extract_lora_tags",
    "format_fragments",
    "format_lora_tag",
    "join_unique_fragments",
    "lora_key",
    "merge_loras",
    "parse_prompt",
    "parse_weights",
    "prompt_problems",
    "split_top_level_commas",
    "to_comfyui",
]
