"""Captions: the prefilled "TRIGGER, photo of a CLASS, framing" text, and the checks on words and captions."""

from __future__ import annotations

import re

from stripstudio.training.kohya_layout import DatasetError

MAX_CAPTION_CHARS = 1000
MAX_WORD_CHARS = 64
_TRIGGER = re.compile(r"^[^\s,/\\]+$")
_CLASS_WORD = re.compile(r"^[^,/\\]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_trigger(trigger: str) -> str:
    """The trigger word, checked: one word (no spaces, commas or slashes), at most 64 characters."""
    trigger = trigger.strip()
    if not trigger or len(trigger) > MAX_WORD_CHARS or not _TRIGGER.match(trigger) or _CONTROL.search(trigger):
        raise DatasetError(
            "trigger",
            f"{trigger!r} cannot be a trigger word: use one word of at most {MAX_WORD_CHARS} characters with no "
            "spaces, commas or slashes, e.g. rc_test",
        )
    return trigger


def check_class_word(class_word: str) -> str:
    """The class, checked: words without commas or slashes, at most 64 characters (e.g. ``man``, ``young woman``)."""
    class_word = " ".join(class_word.split())
    if not class_word or len(class_word) > MAX_WORD_CHARS or not _CLASS_WORD.match(class_word):
        raise DatasetError(
            "class_word",
            f"{class_word!r} cannot be a class: use a few words of at most {MAX_WORD_CHARS} characters with no "
            "commas or slashes, e.g. man",
        )
    return class_word


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
