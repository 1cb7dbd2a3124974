"""The one error lettering raises, and the label that names the bubble it is about."""

from __future__ import annotations

from stripstudio.domain.panel import panel_label


class LetteringError(ValueError):
    """A bubble cannot be lettered as written; the message says which one and what to change."""


def panel_name(panel_index: int, panel_id: str | None = None) -> str:
    """``panel 3`` or ``panel 3 (kitchen)``: the 1-based position, and the name or id when there is one."""
    return panel_label(panel_index, panel_id)


def bubble_label(panel: str, bubble_index: int, text: str, *, words: int = 5) -> str:
    """``panel 2, bubble 1 ("Where are we going…")``: 1-based numbers and the first few words."""
    parts = text.split()
    quoted = " ".join(parts[:words]) + ("…" if len(parts) > words else "")
    return f'{panel}, bubble {bubble_index + 1} ("{quoted}")'
