"""HTTP and WebSocket transport to one ComfyUI server.

Every network failure becomes an error of the generation contract: a refused or dropped
connection is :class:`ServerLost` (an EngineUnavailable; worded as a server that could not be
reached until it has answered once, then as one that went away), a validation refusal (HTTP 400 with
``node_errors``) is InvalidRequest naming the node, the input and the allowed values.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from stripstudio.engines.comfyui.check import input_choices
from stripstudio.engines.comfyui.errors import ServerLost
from stripstudio.generation.errors import EngineUnavailable, InvalidRequest

UPLOAD_FOLDER = "stripstudio"


class ComfyUIClient:
    """One server's API: ``/prompt``, ``/ws``, ``/history``, ``/view``, uploads, ``/object_info``, queue."""

    def __init__(self, url: str, *, timeout: float = 30.0, transport: httpx.BaseTransport | None = None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._http = httpx.Client(base_url=self.url, timeout=timeout, transport=transport)
        self._object_info: dict[str, Any] | None = None
        self.reached = False  # True once the server has answered: later failures mean it went away

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()

    # -- reading ---------------------------------------------------------------------------
    def object_info(self, refresh: bool = False, timeout: float | None = None) -> dict[str, Any]:
        """Every node type the server has, with inputs and file lists (cached until ``refresh``).

        ``timeout`` bounds this one call (default: the client's timeout).
        """
        if self._object_info is None or refresh:
            self._object_info = self._json("GET", "/object_info", timeout=timeout or self.timeout)
        return self._object_info

    def system_stats(self) -> dict[str, Any]:
        """The server's version, Python/torch versions and devices."""
        return self._json("GET", "/system_stats")

    def queue(self) -> dict[str, Any]:
        """``{"queue_running": [...], "queue_pending": [...]}``."""
        return self._json("GET", "/queue")

    def load(self) -> int:
        """How many prompts are running or waiting on the server."""
        queue = self.queue()
        return len(queue.get("queue_running", [])) + len(queue.get("queue_pending", []))

    def is_queued(self, prompt_id: str) -> bool:
        """True while ``prompt_id`` is running or waiting."""
        return self.queue_state(prompt_id) is not None

    def queue_state(self, prompt_id: str) -> str | None:
        """``"running"``, ``"pending"`` or None (finished, removed or unknown) for ``prompt_id``."""
        queue = self.queue()
        for state in ("running", "pending"):
            if any(len(item) > 1 and item[1] == prompt_id for item in queue.get(f"queue_{state}", [])):
                return state
        return None

    def history(self, prompt_id: str) -> dict[str, Any] | None:
        """The finished prompt's history entry, or None while it is queued, running or unknown."""
        return self._json("GET", f"/history/{prompt_id}").get(prompt_id)

    def view(self, filename: str, subfolder: str = "", folder_type: str = "output") -> bytes:
        """The bytes of an output (or input/temp) file."""
        params = {"filename": filename, "subfolder": subfolder, "type": folder_type}
        return self._request("GET", "/view", params=params).content

    # -- writing ---------------------------------------------------------------------------
    def upload_image(self, data: bytes, name: str) -> str:
        """Upload ``data`` into the server's input/stripstudio folder; returns the LoadImage name."""
        files = {"image": (name, data, "image/png")}
        form = {"subfolder": UPLOAD_FOLDER, "type": "input", "overwrite": "true"}
        answer = self._request("POST", "/upload/image", files=files, data=form).json()
        return f"{answer['subfolder']}/{answer['name']}" if answer.get("subfolder") else answer["name"]

    def upload_mask(self, data: bytes, name: str, original: str) -> str:
        """Upload ``data``'s alpha as the alpha channel of the already uploaded image ``original``.

        ComfyUI's LoadImage then reads the transparent part as the mask (mask = 1 - alpha).
        """
        subfolder, _, filename = original.rpartition("/")
        reference = json.dumps({"filename": filename, "subfolder": subfolder, "type": "input"})
        files = {"image": (name, data, "image/png")}
        form = {"subfolder": UPLOAD_FOLDER, "type": "input", "overwrite": "true", "original_ref": reference}
        answer = self._request("POST", "/upload/mask", files=files, data=form).json()
        return f"{answer['subfolder']}/{answer['name']}" if answer.get("subfolder") else answer["name"]

    def submit(self, graph: dict[str, Any], client_id: str, prompt_id: str, extra_data: dict | None = None) -> str:
        """Queue ``graph``; returns the prompt id. A refused graph raises InvalidRequest naming each problem."""
        body = {"prompt": graph, "client_id": client_id, "prompt_id": prompt_id, "extra_data": extra_data or {}}
        response = self._request("POST", "/prompt", json=body, ok=(200, 400))
        answer = response.json()
        if response.status_code == 400 or answer.get("node_errors"):
            raise InvalidRequest(describe_refusal(answer, graph, self._cached_object_info()), field="workflow")
        return answer.get("prompt_id", prompt_id)

    def interrupt(self, prompt_id: str) -> None:
        """Stop ``prompt_id`` if it is the running prompt (servers since 0.3 leave any other prompt alone)."""
        self._request("POST", "/interrupt", json={"prompt_id": prompt_id})

    def delete_from_queue(self, prompt_id: str) -> None:
        """Remove ``prompt_id`` from the waiting queue (no effect once it runs)."""
        self._request("POST", "/queue", json={"delete": [prompt_id]})

    # -- WebSocket -------------------------------------------------------------------------
    def connect_socket(self, client_id: str, open_timeout: float = 10.0) -> ClientConnection:
        """Open ``/ws?clientId=…``; per-prompt events only reach the socket of the prompt's client_id."""
        parts = urlsplit(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        try:
            connection = connect(
                f"{scheme}://{parts.netloc}{parts.path}/ws?clientId={client_id}",
                open_timeout=open_timeout,
                max_size=None,
                max_queue=None,  # unread frames must not block close()
                origin=None,  # ComfyUI answers 403 to a mismatched Origin header
            )
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as error:
            raise ServerLost(self.url, f"WebSocket connection failed ({error})", reached=self.reached) from error
        # The socket outlives this call (it is handed from reconnect to reconnect) and the caller
        # closes it; entering it marks it as managed, as websockets asks.
        return connection.__enter__()

    # -- plumbing --------------------------------------------------------------------------
    def _cached_object_info(self) -> dict[str, Any]:
        try:
            return self.object_info()
        except EngineUnavailable:
            return {}

    def _json(self, method: str, path: str, **kwargs) -> Any:
        return self._request(method, path, **kwargs).json()

    def _request(self, method: str, path: str, ok: tuple[int, ...] = (200,), **kwargs) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            reason = f"{type(error).__name__}: {error or 'connection refused'}"
            raise ServerLost(self.url, reason, reached=self.reached) from error
        except httpx.TimeoutException as error:
            message = f"ComfyUI server {self.url} did not answer {path} within {kwargs.get('timeout', self.timeout)} s"
            raise EngineUnavailable(message) from error
        self.reached = True
        if response.status_code not in ok:
            raise EngineUnavailable(
                f"ComfyUI server {self.url} answered {path} with HTTP {response.status_code}: {response.text[:300]}"
            )
        return response


def describe_refusal(answer: dict[str, Any], graph: dict[str, Any], object_info: dict[str, Any]) -> str:
    """The server's validation answer in words: each failing node, input and the values it allows."""
    lines = []
    for node_id, entry in sorted(answer.get("node_errors", {}).items(), key=lambda item: _order(item[0])):
        class_type = entry.get("class_type") or graph.get(node_id, {}).get("class_type", "?")
        for error in entry.get("errors", []):
            lines.append(f"node {node_id} ({class_type}): {_describe_node_error(error, class_type, object_info)}")
    if not lines:
        error = answer.get("error", {})
        lines.append(f"{error.get('message', 'the server refused the workflow')} {error.get('details', '')}".strip())
    return "ComfyUI refused the workflow: " + "; ".join(lines)


def _describe_node_error(error: dict[str, Any], class_type: str, object_info: dict[str, Any]) -> str:
    extra = error.get("extra_info", {}) or {}
    name = extra.get("input_name") or error.get("details", "")
    text = f"{name}: {error.get('message', error.get('type'))}"
    if "received_value" in extra:
        text += f" (got {extra['received_value']!r})"
    if error.get("type") == "value_not_in_list":
        allowed = input_choices(object_info, class_type, name)
        if allowed:
            text += f"; allowed: {', '.join(map(str, allowed[:20]))}{' …' if len(allowed) > 20 else ''}"
    return text


def _order(node_id: str) -> tuple[int, str]:
    return (int(node_id), "") if node_id.isdigit() else (1 << 30, node_id)


def receive(socket: ClientConnection, timeout: float) -> dict[str, Any] | bytes | None:
    """The next message (a dict for text frames, bytes for binary ones), or None after ``timeout`` s."""
    try:
        message = socket.recv(timeout=timeout)
    except TimeoutError:
        return None
    if isinstance(message, bytes):
        return message
    return json.loads(message)


def retry(action: Callable[[], Any], attempts: int, delay: float) -> Any:
    """Run ``action`` until it stops raising ServerLost, at most ``attempts`` times."""
    for attempt in range(attempts):
        try:
            return action()
        except ServerLost:
            if attempt == attempts - 1:
                raise
            time.sleep(delay * (attempt + 1))
    return None


__all__ = ["ComfyUIClient", "ConnectionClosed", "describe_refusal", "receive", "retry"]
