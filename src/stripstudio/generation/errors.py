"""Errors an engine raises; each message tells the user what went wrong and what to do."""


class GenerationError(Exception):
    """Base of every error a generation can end with. ``type_name`` is what jobs record."""

    @property
    def type_name(self) -> str:
        """The error's class name, stored on failed jobs."""
        return type(self).__name__


class InvalidRequest(GenerationError):
    """The request cannot be run as asked (bad value, unsupported combination, unreadable input)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class ModelNotFound(GenerationError):
    """A checkpoint, LoRA, VAE or control model named in the request could not be found."""


class EngineUnavailable(GenerationError):
    """The engine cannot run at all right now (missing dependency, server down, out of memory)."""


class JobCancelled(GenerationError):
    """The job was cancelled before it finished."""
