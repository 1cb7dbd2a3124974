"""Captions: the prefilled "TRIGGER, photo of a CLASS, framing" text, and the checks on words and captions."""

from __future__ import annotations

import re

from stripstudio.training.kohya_layout import DatasetError, check_class_word, check_trigger

MAX_CAPTION_CHARS = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

__all__ = ["check_caption", "check_class_word", "check_trigger", "class_caption", "prefill_caption"]


def check_caption(caption: str) -> str:
    """The caption, checked: one line of text, not empty, at most 1000 characters."""
    caption = caption.strip()
    if not caption:
        raise DatasetError("caption", "the caption is empty; describe the image, starting with the trigger word")
    if "\n" in caption or "\r" in caption:
        raise DatasetError(
            "caption", "the caption has several lines; write it on one line (kohya reads only the first)"
        )
    if _CONTROL.search(caption):
        raise DatasetError("caption", "the caption holds control characters; type it as plain text")
    if len(caption) > MAX_CAPTION_CHARS:
        raise DatasetError(
            "caption", f"the caption is {len(caption)} characters; shorten it to at most {MAX_CAPTION_CHARS}"
        )
    return caption


def prefill_caption(trigger: str, class_word: str, framing: str | None = None) -> str:
    """The caption an image starts with: ``rc_test, photo of a man, close up`` (framing when known)."""
    parts = [trigger, class_caption(class_word)]
    return ", ".join([*parts, framing] if framing else parts)


def class_caption(class_word: str) -> str:
    """The caption of a regularisation image, the class alone: ``photo of a man``, ``photo of an elf``."""
    article = "an" if class_word[:1].lower() in "aeiou" else "a"
    return f"photo of {article} {class_word}"
