"""Shared pieces of the lettering tests: a plain panel picture and panels with given bubbles."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from stripstudio.domain import Bubble, Panel

GREY = (128, 128, 128)
PANEL_SIZE = (400, 300)
REPOSITORY = Path(__file__).resolve().parents[2]
OUTPUT_DIR = REPOSITORY / "test-output" / "lettering"


def grey_panel(size: tuple[int, int] = PANEL_SIZE) -> Image.Image:
    """A flat grey picture to letter."""
    return Image.new("RGB", size, GREY)


def panel_with(*bubbles: Bubble, characters: tuple[str, ...] = ("Mira", "Tom")) -> Panel:
    """A panel with the given bubbles and characters."""
    return Panel(description="two friends on a rooftop", characters=list(characters), bubbles=list(bubbles))
