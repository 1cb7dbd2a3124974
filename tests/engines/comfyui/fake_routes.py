"""The fake server's HTTP and WebSocket routes, each served at ``/x`` and ``/api/x`` like ComfyUI's.

Status codes and bodies follow ComfyUI 0.3.64's ``server.py``: empty 200 bodies for the control
routes, 400/403/404 from ``/view``, 400 JSON from ``/prompt``, and the plain aiohttp 500 for
requests ComfyUI itself would fail on (a body that is not JSON, an unknown upload type).
"""

from __future__ import annotations

import copy
import io
import ipaddress
import json
import mimetypes
import posixpath
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse, urlsplit

from aiohttp import WSMsgType, web
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from .fake_execution import Worker
from .fake_files import FOLDERS, PathEscapes, annotated, normalise_subfolder
from .fake_script import Upload
from .fake_state import PromptQueue, QueueItem, SocketHub
from .fake_validation import error_dict, validate_prompt

if TYPE_CHECKING:
    from .fake_server import FakeComfyUI

SERVER_FEATURES = {"supports_preview_metadata": True, "max_upload_size": 100 * 1024 * 1024}
MODEL_FOLDERS = {
    "checkpoints": ("CheckpointLoaderSimple", "ckpt_name"),
    "loras": ("LoraLoader", "lora_name"),
    "controlnet": ("ControlNetLoader", "control_net_name"),
    "vae": ("VAELoader", "vae_name"),
}
NOT_FILES = {"pixel_space"}
INTERNAL_ERROR = "500 Internal Server Error\n\nServer got itself in trouble"


def _is_loopback(hostname: str | None) -> bool:
    if hostname is None:
        return False
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


@web.middleware
async def origin_only(request: web.Request, handler: Callable) -> web.StreamResponse:
    """ComfyUI's origin check: 403 when a loopback ``Host`` and a different ``Origin`` are both sent."""
    host, origin = request.headers.get("Host"), request.headers.get("Origin")
    if host and origin:
        host_domain = host.lower()
        if _is_loopback(urlsplit("//" + host_domain).hostname) and host_domain != urlparse(origin).netloc.lower():
            return web.Response(status=403)
    return await handler(request)


class ComfyRoutes:
    """Request handlers bound to one server run (its sockets, queue and worker)."""

    def __init__(self, server: FakeComfyUI, hub: SocketHub, queue: PromptQueue, worker: Worker):
        self.server, self.hub, self.queue, self.worker = server, hub, queue, worker

    def register(self, app: web.Application) -> None:
        """Add every route twice: ``/x`` and ``/api/x``."""
        table = [
            ("GET", "/ws", self.websocket),
            ("GET", "/object_info", self.object_info),
            ("GET", "/object_info/{node_class}", self.object_info_node),
            ("GET", "/system_stats", self.system_stats),
            ("GET", "/features", self.features),
            ("GET", "/embeddings", self.empty_list),
            ("GET", "/extensions", self.empty_list),
            ("GET", "/models", self.model_folders),
            ("GET", "/models/{folder}", self.model_files),
            ("GET", "/prompt", self.prompt_info),
            ("POST", "/prompt", self.post_prompt),
            ("GET", "/queue", self.get_queue),
            ("POST", "/queue", self.post_queue),
            ("GET", "/history", self.get_history),
            ("GET", "/history/{prompt_id}", self.get_history_entry),
            ("POST", "/history", self.post_history),
            ("GET", "/view", self.view),
            ("POST", "/upload/image", self.upload_image),
            ("POST", "/upload/mask", self.upload_mask),
            ("POST", "/interrupt", self.interrupt),
            ("POST", "/free", self.free),
        ]
        for method, path, handler in table:
            app.router.add_route(method, path, handler)
            app.router.add_route(method, "/api" + path, handler)

    # -- WebSocket ---------------------------------------------------------------------------
    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        """``/ws?clientId=ID``: greeting ``status`` with the sid, then events; answers ``feature_flags``."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        sid = request.query.get("clientId", "") or uuid.uuid4().hex
        self.hub.connect(sid, socket, request.transport)
        try:
            await self.hub.send("status", {"status": self.queue.queue_info(), "sid": sid}, sid)
            if self.worker.client_id == sid and self.worker.last_node_id is not None:
                await self.hub.send("executing", {"node": self.worker.last_node_id}, sid)
            first = True
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(message.data)
                except json.JSONDecodeError:
                    continue
                if first and isinstance(data, dict) and data.get("type") == "feature_flags":
                    self.hub.feature_flags[sid] = data.get("data", {})
                    await self.hub.send("feature_flags", self.server.features, sid)
                first = False
        finally:
            self.hub.disconnect(sid, socket)
        return socket

    # -- reading -----------------------------------------------------------------------------
    async def object_info(self, request: web.Request) -> web.Response:
        return web.json_response(self.server.object_info())

    async def object_info_node(self, request: web.Request) -> web.Response:
        info = self.server.object_info()
        name = request.match_info["node_class"]
        return web.json_response({name: info[name]} if name in info else {})

    async def system_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.server.system_stats)

    async def features(self, request: web.Request) -> web.Response:
        return web.json_response(self.server.features)

    async def empty_list(self, request: web.Request) -> web.Response:
        return web.json_response([])

    async def model_folders(self, request: web.Request) -> web.Response:
        return web.json_response(list(MODEL_FOLDERS))

    async def model_files(self, request: web.Request) -> web.Response:
        folder = request.match_info["folder"]
        if folder not in MODEL_FOLDERS:
            return web.Response(status=404)
        class_type, input_name = MODEL_FOLDERS[folder]
        choices = self.server.object_info()[class_type]["input"]["required"][input_name][0]
        return web.json_response([name for name in choices if name not in NOT_FILES])

    async def prompt_info(self, request: web.Request) -> web.Response:
        return web.json_response({"exec_info": {"queue_remaining": self.queue.remaining()}})

    async def get_queue(self, request: web.Request) -> web.Response:
        return web.json_response(self.queue.snapshot())

    async def get_history(self, request: web.Request) -> web.Response:
        query = request.query
        max_items = int(query["max_items"]) if "max_items" in query else None
        return web.json_response(self.queue.get_history(None, max_items, int(query.get("offset", -1))))

    async def get_history_entry(self, request: web.Request) -> web.Response:
        return web.json_response(self.queue.get_history(request.match_info["prompt_id"]))

    async def view(self, request: web.Request) -> web.Response:
        """``/view?filename=&subfolder=&type=``: the stored file's bytes."""
        query = request.query
        if "filename" not in query:
            return web.Response(status=404)
        filename, folder = annotated(query["filename"])
        if not filename or filename[0] == "/" or ".." in filename:
            return web.Response(status=400)
        folder = folder or query.get("type", "output")
        if folder not in FOLDERS:
            return web.Response(status=400)
        try:
            subfolder = normalise_subfolder(query.get("subfolder", ""))
        except PathEscapes:
            return web.Response(status=403)
        name = posixpath.basename(filename)
        data = self.server.files.get(folder, subfolder, name)
        if data is None:
            return web.Response(status=404)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return web.Response(body=data, content_type=content_type, headers={"Content-Disposition": f'filename="{name}"'})

    # -- prompts -----------------------------------------------------------------------------
    async def post_prompt(self, request: web.Request) -> web.Response:
        """Validate and queue a prompt: 200 ``{prompt_id, number, node_errors}`` or 400 ``{error, node_errors}``."""
        body = await request.json()
        self.server.received.prompts.append(copy.deepcopy(body))
        if self.server.script.peek().http_500:
            self.server.script.take()
            return web.Response(status=500, text=INTERNAL_ERROR)
        number = self.queue.take_number(body)
        if "prompt" not in body:
            error = error_dict("no_prompt", "No prompt provided", "No prompt provided")
            return web.json_response({"error": error, "node_errors": {}}, status=400)
        prompt = body["prompt"]
        prompt_id = str(body.get("prompt_id", uuid.uuid4()))
        valid, error, outputs, node_errors = validate_prompt(
            prompt, self.server.object_info(), self.server.files.exists_annotated, body.get("partial_execution_targets")
        )
        extra_data = body.get("extra_data", {})
        if "client_id" in body:
            extra_data["client_id"] = body["client_id"]
        if not valid:
            return web.json_response({"error": error, "node_errors": node_errors}, status=400)
        behaviour = self.server.script.take()
        node_errors = {**node_errors, **(behaviour.node_errors or {})}
        if behaviour.outputs_reversed:
            outputs = outputs[::-1]
        await self.queue.put(QueueItem(number, prompt_id, prompt, extra_data, outputs, behaviour))
        return web.json_response({"prompt_id": prompt_id, "number": number, "node_errors": node_errors})

    async def post_queue(self, request: web.Request) -> web.Response:
        """``{"clear": true}`` or ``{"delete": [ids]}`` on pending prompts."""
        body = await request.json()
        self.server.received.queue_requests.append(body)
        if body.get("clear"):
            await self.queue.clear()
        if "delete" in body:
            await self.queue.delete(list(body["delete"]))
        return web.Response(status=200)

    async def post_history(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("clear"):
            self.queue.history.clear()
        for prompt_id in body.get("delete", []):
            self.queue.history.pop(prompt_id, None)
        return web.Response(status=200)

    async def interrupt(self, request: web.Request) -> web.Response:
        """Stop the running prompt: any, or only ``prompt_id`` when the body names one."""
        try:
            body = await request.json()
        except json.JSONDecodeError:
            body = {}
        self.server.received.interrupts.append(body)
        self.worker.interrupt(body.get("prompt_id") or None)
        return web.Response(status=200)

    async def free(self, request: web.Request) -> web.Response:
        """``{"unload_models", "free_memory"}``: acted on after the running prompt (free_memory drops the cache)."""
        body = await request.json()
        self.server.received.frees.append(body)
        for flag in ("unload_models", "free_memory"):
            if body.get(flag):
                self.queue.flags[flag] = body[flag]
        if self.queue.running is None and self.queue.flags.pop("free_memory", False):
            self.worker.cache.clear()
        return web.Response(status=200)

    # -- uploads -----------------------------------------------------------------------------
    async def upload_image(self, request: web.Request) -> web.Response:
        """Multipart ``image`` (+ ``type``, ``subfolder``, ``overwrite``) → ``{name, subfolder, type}``."""
        return await self._upload("image", await request.post(), None)

    async def upload_mask(self, request: web.Request) -> web.Response:
        """As upload/image; stores ``original_ref``'s image with the uploaded image's alpha channel.

        Like ComfyUI, a missing original stores nothing but still answers 200 with the name.
        """
        post = await request.post()
        original_ref = json.loads(post["original_ref"])
        return await self._upload("mask", post, original_ref)

    async def _upload(self, route: str, post: Any, original_ref: dict[str, Any] | None) -> web.Response:
        image = post.get("image")
        if not isinstance(image, web.FileField) or not image.filename:
            return web.Response(status=400)
        folder = post.get("type") or "input"
        if folder not in FOLDERS:
            return web.Response(status=500, text=INTERNAL_ERROR)
        subfolder = post.get("subfolder", "")
        try:
            stored_subfolder, base = posixpath.split(normalise_subfolder(posixpath.join(subfolder, image.filename)))
        except PathEscapes:
            return web.Response(status=400)
        data = image.file.read()
        overwrite = post.get("overwrite") in ("true", "1")
        name, duplicate = self.server.files.upload_name(folder, stored_subfolder, base, data, overwrite)
        stored = None if duplicate else data if original_ref is None else self._with_alpha_of(original_ref, data)
        if stored is not None:
            self.server.files.put(folder, stored_subfolder, name, stored)
        self.server.received.uploads.append(
            Upload(route, image.filename, name, subfolder, folder, overwrite, data, original_ref)
        )
        shown_name = posixpath.join(posixpath.dirname(image.filename), name)
        return web.json_response({"name": shown_name, "subfolder": subfolder, "type": folder})

    def _with_alpha_of(self, original_ref: dict[str, Any], mask: bytes) -> bytes | None:
        """The referenced image, its text chunks kept, with ``mask``'s alpha; None if it does not exist."""
        filename, folder = annotated(original_ref.get("filename", ""))
        if not filename or filename[0] == "/" or ".." in filename:
            return None
        folder = folder or original_ref.get("type", "output")
        subfolder, base = posixpath.split(posixpath.join(original_ref.get("subfolder", ""), filename))
        original = self.server.files.get(folder, subfolder, base) if folder in FOLDERS else None
        if original is None:
            return None
        with Image.open(io.BytesIO(original)) as source, Image.open(io.BytesIO(mask)) as alpha_source:
            info = PngInfo()
            for key, value in getattr(source, "text", {}).items():
                info.add_text(key, value)
            combined = source.convert("RGBA")
            combined.putalpha(alpha_source.convert("RGBA").getchannel("A"))
        buffer = io.BytesIO()
        combined.save(buffer, "PNG", pnginfo=info, compress_level=4)
        return buffer.getvalue()
