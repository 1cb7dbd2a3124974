"""Lettering: speech and thought bubbles, shouts, whispers, captions and sound effects on a panel.

Bubbles are data (``stripstudio.domain.Bubble``); :func:`layout_bubbles` turns a panel's bubbles
into geometry (outlines, line breaks, font sizes) and :func:`letter_panel` draws them with Pillow.
"""

from stripstudio.lettering.errors import LetteringError
from stripstudio.lettering.fonts import FontBook, FontChain, FontFace, default_fontbook
from stripstudio.lettering.layout import PlacedBubble, layout_bubbles
from stripstudio.lettering.placement import default_speaker_points
from stripstudio.lettering.render import draw_bubbles, letter_panel
from stripstudio.lettering.style import KIND_STYLES, KindStyle, SpeechShape
from stripstudio.lettering.text_fit import FittedText, TextLine, fit_text

__all__ = [
    "KIND_STYLES",
    "FittedText",
    "FontBook",
    "FontChain",
    "FontFace",
    "KindStyle",
    "LetteringError",
    "PlacedBubble",
    "SpeechShape",
    "TextLine",
    "default_fontbook",
    "default_speaker_points",
    "draw_bubbles",
    "fit_text",
    "layout_bubbles",
    "letter_panel",
]
