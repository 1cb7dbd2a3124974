"""A local stand-in for a ComfyUI 0.3.64 server: HTTP and WebSocket on one port, for client tests.

It serves the recorded ``/object_info`` and reproduces the recorded request/response and
WebSocket shapes (``recorded/recorded-exchanges.json``): validation errors, the event sequence of
a prompt, history entries, ``/view`` files (real PNGs with the ``prompt`` text chunk), uploads,
queue control, interrupts. Faults are scripted through :attr:`FakeComfyUI.script`::

    with fake_comfyui() as server:
        server.script.next_prompt(step_delay=0.2)  # the next prompt is slow
        client = ComfyUIClient(server.url)
        ...
        server.stop()   # the server goes away …
        server.start()  # … and comes back on the same port, with an empty queue and history

The server runs on its own event loop in a background thread, bound to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import copy
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from .fake_execution import Worker
from .fake_files import FileStore
from .fake_routes import SERVER_FEATURES, ComfyRoutes, origin_only
from .fake_script import Received, Script
from .fake_state import PromptQueue, SocketHub

RECORDED_OBJECT_INFO = Path(__file__).parent / "recorded" / "object_info.json"
HOST = "127.0.0.1"
START_TIMEOUT = 10.0


def default_system_stats() -> dict[str, Any]:
    """A ``GET /system_stats`` answer shaped like the recorded CPU server's."""
    gib = 1024**3
    return {
        "system": {
            "os": "posix",
            "ram_total": 64 * gib,
            "ram_free": 48 * gib,
            "comfyui_version": "0.3.64",
            "required_frontend_version": "1.27.10",
            "installed_templates_version": "0.1.94",
            "required_templates_version": "0.1.94",
            "python_version": sys.version,
            "pytorch_version": "2.13.0+cpu",
            "embedded_python": False,
            "argv": ["main.py", "--cpu"],
        },
        "devices": [
            {
                "name": "cpu",
                "type": "cpu",
                "index": None,
                "vram_total": 64 * gib,
                "vram_free": 48 * gib,
                "torch_vram_total": 64 * gib,
                "torch_vram_free": 48 * gib,
            }
        ],
    }


def complete_node_info(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """Fill the ``/object_info`` fields a partial node description leaves out."""
    inputs = entry.get("input", {})
    outputs = list(entry.get("output", []))
    defaults = {
        "input": inputs,
        "input_order": {section: list(names) for section, names in inputs.items()},
        "output": outputs,
        "output_is_list": [False] * len(outputs),
        "output_name": outputs,
        "name": name,
        "display_name": name,
        "description": "",
        "python_module": "custom_nodes",
        "category": "",
        "output_node": False,
    }
    return {**defaults, **entry}


class FakeComfyUI:
    """The fake server. What persists across :meth:`stop`/:meth:`start`: the port, files, script,
    received requests and node classes. What does not: queue, history, output cache, sockets, temp/.
    """

    def __init__(self, port: int = 0, extra_nodes: dict[str, Any] | None = None):
        self.script = Script()
        self.received = Received()
        self.files = FileStore()
        self.system_stats = default_system_stats()
        self.features = dict(SERVER_FEATURES)
        self._recorded: dict[str, Any] = json.loads(RECORDED_OBJECT_INFO.read_text())
        self._extra: dict[str, Any] = {}
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._current: _ServerRun | None = None
        self._down = threading.Event()
        self._down.set()
        if extra_nodes:
            self.add_nodes(extra_nodes)

    # -- configuration ---------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The TCP port (chosen on the first start, kept afterwards)."""
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{HOST}:{self._port}"

    @property
    def is_up(self) -> bool:
        """True while the server accepts connections."""
        return not self._down.is_set()

    def add_nodes(self, nodes: dict[str, Any]) -> None:
        """Add (or replace) node classes, e.g. custom-node packs; missing /object_info fields get defaults."""
        for name, entry in nodes.items():
            self._extra[name] = complete_node_info(name, entry)

    def set_choices(self, class_type: str, input_name: str, choices: list[str]) -> None:
        """Replace the allowed values of a combo input (e.g. the checkpoints a server has)."""
        entry = copy.deepcopy(self.object_info()[class_type])
        for section in ("required", "optional"):
            spec = entry["input"].get(section, {}).get(input_name)
            if spec is not None:
                if isinstance(spec[0], list):
                    spec[0] = list(choices)
                else:
                    spec[1]["options"] = list(choices)
        self._extra[class_type] = entry

    def object_info(self) -> dict[str, Any]:
        """The current ``/object_info``: recorded + added classes, upload combos listing input/ files."""
        info = {**self._recorded, **self._extra}
        uploaded = self.files.names("input")
        for name, entry in list(info.items()):
            uploads = [
                (section, input_name, spec[1])
                for section, specs in entry.get("input", {}).items()
                if section != "hidden"
                for input_name, spec in specs.items()
                if _is_upload(spec)
            ]
            if uploads:
                entry = info[name] = copy.deepcopy(entry)
                for section, input_name, options in uploads:
                    entry["input"][section][input_name] = [uploaded, options]
        return info

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeComfyUI:
        """Start serving (again, on the same port after a stop or a scripted drop)."""
        if self._thread is not None:
            self.stop()
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=_run_loop, args=(loop,), name="fake-comfyui", daemon=True)
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._serve(), loop).result(START_TIMEOUT)
        except BaseException:
            self.stop()  # e.g. the port was taken while the server was away
            raise
        return self

    def stop(self) -> None:
        """Go away: cut every socket, stop answering HTTP, forget the queue and history."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            if self._current is not None:
                asyncio.run_coroutine_threadsafe(self._current.shut_down(), loop).result(START_TIMEOUT)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(START_TIMEOUT)
            self._loop = self._thread = self._current = None
            self._down.set()

    def wait_down(self, timeout: float = 5.0) -> bool:
        """Wait until the server has gone away (after a scripted drop); False on timeout."""
        return self._down.wait(timeout)

    def __enter__(self) -> FakeComfyUI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _serve(self) -> None:
        self.files.clear("temp")
        self._current = _ServerRun(self)
        await self._current.open(self._port)
        self._port = self._current.port
        self._down.clear()


def _is_upload(spec: Any) -> bool:
    """True for an input declared with ``image_upload: true`` (LoadImage's ``image``)."""
    return isinstance(spec, list) and len(spec) > 1 and isinstance(spec[1], dict) and bool(spec[1].get("image_upload"))


class _ServerRun:
    """One start-to-stop run of the server: the aiohttp runner, the sockets, the queue, the worker."""

    def __init__(self, server: FakeComfyUI):
        self.server = server
        self.hub = SocketHub()
        self.queue = PromptQueue(self.hub)
        self.worker = Worker(self.hub, self.queue, server.files, server.object_info, self.go_away)
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._worker_task: asyncio.Task | None = None
        self._closing: asyncio.Task | None = None

    async def open(self, port: int) -> None:
        """Bind 127.0.0.1:``port`` (0: any free port) and start the worker."""
        app = web.Application(client_max_size=self.server.features["max_upload_size"], middlewares=[origin_only])
        ComfyRoutes(self.server, self.hub, self.queue, self.worker).register(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, port, reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._worker_task = asyncio.get_running_loop().create_task(self.worker.run_forever())

    async def shut_down(self) -> None:
        """Close everything once, however many times it is asked for."""
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(self._close())
        await asyncio.shield(self._closing)

    async def go_away(self) -> None:
        """Called by the worker for a scripted drop: shut down, and never return to the prompt."""
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(self._close())
        await asyncio.Event().wait()  # cancelled by the shutdown

    async def _close(self) -> None:
        await self.hub.cut_all()
        if self._worker_task is not None:
            self._worker_task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
        self.server._down.set()


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    """The server thread: run the loop until stopped, then cancel what is left and close it."""
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
        tasks = asyncio.all_tasks(loop)
        for task in tasks:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()


@contextmanager
def fake_comfyui(port: int = 0, extra_nodes: dict[str, Any] | None = None) -> Iterator[FakeComfyUI]:
    """A started :class:`FakeComfyUI`, stopped on exit."""
    server = FakeComfyUI(port=port, extra_nodes=extra_nodes)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def comfyui_server() -> Iterator[FakeComfyUI]:
    """Pytest fixture: a fresh fake ComfyUI server per test."""
    with fake_comfyui() as server:
        yield server
