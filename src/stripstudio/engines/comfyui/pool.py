"""Several ComfyUI servers as one: each job goes to the least busy server that answers."""

from __future__ import annotations

from collections.abc import Callable

from stripstudio.engines.comfyui.client import ComfyUIClient
from stripstudio.generation.errors import EngineUnavailable, InvalidRequest


class ServerPool:
    """The servers in settings, asked for their queue length before each job (``GET /queue``)."""

    def __init__(self, urls: list[str], client_factory: Callable[[str], ComfyUIClient] = ComfyUIClient):
        if not urls:
            raise InvalidRequest("no ComfyUI server configured; set STRIPSTUDIO_COMFYUI_URLS", field="comfyui_urls")
        self.clients = [client_factory(url) for url in urls]

    def by_load(self) -> tuple[list[ComfyUIClient], dict[str, str]]:
        """Reachable servers, least busy first (ties keep the settings' order), and why others were skipped."""
        loads, unreachable = [], {}
        for position, client in enumerate(self.clients):
            try:
                loads.append((client.load(), position, client))
            except EngineUnavailable as error:
                unreachable[client.url] = str(error)
        return [client for _, _, client in sorted(loads, key=lambda item: item[:2])], unreachable

    def close(self) -> None:
        """Close every client."""
        for client in self.clients:
            client.close()
