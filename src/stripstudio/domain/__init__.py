"""The comic as pure data: no torch, no Django, no files read."""

from stripstudio.domain.bubble import Bubble, BubbleKind, LetteringStyle, TailTip
from stripstudio.domain.character import Character
from stripstudio.domain.comic import Comic, GenerationDefaults
from stripstudio.domain.fast import FAST_PROFILES, FastProfile, fast_profile, profile_drawn
from stripstudio.domain.layout import GridCell, Layout, PageLayout
from stripstudio.domain.lora import LoraRef
from stripstudio.domain.panel import Panel
from stripstudio.domain.region import PLACEMENTS, CharacterRegion, default_regions
from stripstudio.domain.style import Style

__all__ = [
    "FAST_PROFILES",
    "FastProfile",
    "fast_profile",
    "profile_drawn",
    "PLACEMENTS",
    "Bubble",
    "CharacterRegion",
    "BubbleKind",
    "Character",
    "Comic",
    "GenerationDefaults",
    "GridCell",
    "Layout",
    "LetteringStyle",
    "LoraRef",
    "PageLayout",
    "Panel",
    "Style",
    "TailTip",
    "default_regions",
]
