"""Lettering attached to a panel: what is said, thought or heard, and by whom."""

from enum import StrEnum

from pydantic import Field

from stripstudio.domain.base import DomainModel


class BubbleKind(StrEnum):
    """The kinds of lettering a panel can carry."""

    SPEECH = "speech"
    THOUGHT = "thought"
    SHOUT = "shout"
    WHISPER = "whisper"
    CAPTION = "caption"
    SFX = "sfx"


class Bubble(DomainModel):
    """One bubble, caption box or sound effect; the speaker is a character's name."""

    kind: BubbleKind = BubbleKind.SPEECH
    text: str = Field(min_length=1)
    speaker: str | None = None
