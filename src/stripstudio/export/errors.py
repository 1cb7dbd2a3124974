"""What export raises and warns."""

from __future__ import annotations

import warnings


class ExportError(ValueError):
    """The comic cannot be exported as asked; the message names the panel or setting and the fix.

    ``setting`` is the field or option at fault (e.g. ``panels[2]`` or ``max_height``), if any.
    """

    def __init__(self, message: str, *, setting: str | None = None):
        super().__init__(f"{setting}: {message}" if setting else message)
        self.message = message
        self.setting = setting


class ExportWarning(UserWarning):
    """The export finished, but a file breaks a publishing limit (file size, episode size)."""


def warn(message: str) -> str:
    """Emit ``message`` as an :class:`ExportWarning` and return it, for results that list warnings."""
    warnings.warn(message, ExportWarning, stacklevel=3)
    return message
