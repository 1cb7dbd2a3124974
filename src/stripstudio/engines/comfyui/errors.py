"""Errors particular to ComfyUI servers, mapped onto the generation contract."""

from __future__ import annotations

from stripstudio.generation.errors import EngineUnavailable, GenerationError


class ServerLost(EngineUnavailable):
    """The server cannot take this job: it went away (refused connections, dropped socket) after
    answering before, or it was never reached at all (``reached=False``: a wrong URL or a server
    that is not running). Either way the job moves on to the next server of the pool.
    """

    def __init__(self, url: str, reason: str, *, reached: bool = True):
        if reached:
            message = f"ComfyUI server {url} went away: {reason}"
        else:
            message = (
                f"could not reach the ComfyUI server at {url}: check the URL and that the server is running ({reason})"
            )
        super().__init__(message)
        self.url = url
        self.reached = reached


# CLIPTextEncodeSDXL on an SD 1.x/2.x checkpoint, whose CLIP has no "g" encoder.
NOT_SDXL_FAILURE = ("CLIPTextEncodeSDXL", "KeyError", "'g'")
NOT_SDXL_HINT = (
    " (the checkpoint is not SDXL: for an SD 1.x or 2.x checkpoint, declare its family (--model-family sd1)"
    " or set STRIPSTUDIO_COMFYUI_TEXT_ENCODE=plain)"
)


class ComfyUIExecutionError(GenerationError):
    """A node failed while the server ran the workflow; keeps the server's exception type and message."""

    def __init__(self, exception_type: str, message: str, node_id: str | None, node_type: str | None):
        where = f" in node {node_id} ({node_type})" if node_id else ""
        hint = NOT_SDXL_HINT if (node_type, exception_type, message.strip()) == NOT_SDXL_FAILURE else ""
        super().__init__(f"ComfyUI failed{where}: {exception_type}: {message.strip()}{hint}")
        self.exception_type = exception_type
        self.node_id = node_id
        self.node_type = node_type

    @property
    def type_name(self) -> str:
        """The server's exception type (e.g. KeyError), which is what failed jobs record."""
        return self.exception_type
