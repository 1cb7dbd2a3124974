"""The error layout raises when panels cannot be placed as asked."""


class LayoutError(ValueError):
    """Panels cannot be laid out as asked; the message names the panel or setting and the fix.

    ``setting`` is the field at fault (e.g. ``layout.page.preset`` or ``panels[2]``), if any.
    """

    def __init__(self, message: str, *, setting: str | None = None):
        super().__init__(f"{setting}: {message}" if setting else message)
        self.message = message
        self.setting = setting
