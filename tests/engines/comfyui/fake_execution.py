"""The fake server's worker: runs queued prompts one at a time with ComfyUI's events.

Per prompt, as recorded from ComfyUI 0.3.64: ``status`` (taken from the queue),
``execution_start``, ``execution_cached``; for each node to run, in ComfyUI's execution order:
``progress_state`` (running), ``executing``, for samplers ``progress_state`` + ``progress`` per
step, for image outputs ``executed``, then ``progress_state`` (finished); at the end
``execution_success`` (or ``execution_error`` / ``execution_interrupted``), the history entry,
``status`` and last ``executing`` with ``node: null``.

Node outputs are cached by a signature of their inputs and everything upstream, and the cache
keeps only nodes of the latest prompt, so a re-queued identical prompt runs nothing and reports
its previous files.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import posixpath
import random
import string
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .fake_files import FileStore
from .fake_images import GraphImages, is_link, preview_png, render_png
from .fake_state import PromptQueue, QueueItem, SocketHub
from .fake_validation import is_output_node

SAMPLERS = {"KSampler", "KSamplerAdvanced", "FaceDetailer"}
IMAGE_SAVERS = {"SaveImage": "output", "PreviewImage": "temp"}
FAKE_TRACEBACK = [
    '  File "ComfyUI/execution.py", line 496, in execute\n    output_data, output_ui, ... = '
    "await get_output_data(...)\n"
]


class Interrupted(Exception):
    """POST /interrupt reached the running prompt."""


class NodeFailure(Exception):
    """A node raised during execution."""

    def __init__(self, exception_type: str, message: str):
        super().__init__(message)
        self.exception_type = exception_type
        self.message = message


def now_ms() -> int:
    """A ComfyUI message timestamp: milliseconds since the epoch."""
    return int(time.time() * 1000)


def compute_vars(prefix: str, width: int, height: int) -> str:
    """SaveImage's ``%width%``, ``%height%``, ``%year%`` … substitutions in ``filename_prefix``."""
    now = time.localtime()
    values = {
        "width": width,
        "height": height,
        "year": now.tm_year,
        "month": f"{now.tm_mon:02}",
        "day": f"{now.tm_mday:02}",
        "hour": f"{now.tm_hour:02}",
        "minute": f"{now.tm_min:02}",
        "second": f"{now.tm_sec:02}",
    }
    for name, value in values.items():
        prefix = prefix.replace(f"%{name}%", str(value))
    return prefix


def signatures(prompt: dict[str, Any], input_file: Callable[[Any], bytes | None]) -> dict[str, str]:
    """A cache key per node: its class, literal inputs, input file contents and upstream keys."""
    keys: dict[str, str] = {}

    def key(node_id: str, visiting: frozenset) -> str:
        if node_id in keys:
            return keys[node_id]
        if node_id not in prompt or node_id in visiting:
            return f"missing:{node_id}"
        node = prompt[node_id]
        parts: list[Any] = [node.get("class_type")]
        for name in sorted(node.get("inputs", {})):
            value = node["inputs"][name]
            parts.append([name, key(value[0], visiting | {node_id}), value[1]] if is_link(value) else [name, value])
        data = input_file(node.get("inputs", {}).get("image"))
        parts.append(hashlib.sha256(data).hexdigest() if data is not None else None)
        keys[node_id] = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
        return keys[node_id]

    for node_id in prompt:
        key(node_id, frozenset())
    return keys


def execution_order(
    prompt: dict[str, Any], outputs: list[str], cached: set[str], is_output: Callable[[str], bool]
) -> list[str]:
    """ComfyUI's ``ExecutionList`` order: outputs and their uncached ancestors, outputs as early as possible."""
    pending: dict[str, None] = {}
    blocking: dict[str, set[str]] = {}
    blockers: dict[str, set[str]] = {}

    def add(node_id: str) -> None:
        if node_id in pending:
            return
        pending[node_id] = None
        blocking.setdefault(node_id, set())
        blockers.setdefault(node_id, set())
        for value in prompt[node_id]["inputs"].values():
            if is_link(value) and value[0] not in cached:
                add(value[0])
                blocking[value[0]].add(node_id)
                blockers[node_id].add(value[0])

    def pick(available: list[str]) -> str:
        for depth in range(3):  # an output first, then what unblocks one, then what unblocks that
            for node_id in available:
                frontier = {node_id}
                for _ in range(depth):
                    frontier = {after for before in frontier for after in blocking[before]}
                if any(is_output(candidate) for candidate in frontier):
                    return node_id
        return available[0]

    for output in outputs:
        add(output)
    order = []
    while pending:
        available = [node_id for node_id in pending if not blockers[node_id]]
        chosen = pick(available)
        order.append(chosen)
        del pending[chosen]
        for after in blocking[chosen]:
            blockers[after].discard(chosen)
    return order


class Worker:
    """Takes prompts off the queue and runs them; keeps the output cache between prompts."""

    def __init__(
        self,
        hub: SocketHub,
        queue: PromptQueue,
        files: FileStore,
        object_info: Callable[[], dict],
        go_away: Callable[[], Awaitable[None]],
    ):
        self.hub = hub
        self.queue = queue
        self.files = files
        self.object_info = object_info
        self.go_away = go_away
        self.cache: dict[str, dict[str, Any] | None] = {}  # signature -> ui output (None: no ui)
        self.interrupt_requested = asyncio.Event()
        self.client_id: str | None = None
        self.last_node_id: str | None = None
        self.temp_prefixes: dict[str, str] = {}

    async def run_forever(self) -> None:
        """The worker loop: one prompt at a time until the server stops."""
        while True:
            item = await self.queue.get()
            run = PromptRun(self, item)
            result, status = await run.execute()
            await asyncio.sleep(item.behaviour.history_delay)
            await self.queue.task_done(item, result, status)
            if run.client_id is not None:
                await self.hub.send("executing", {"node": None, "prompt_id": item.prompt_id}, run.client_id)
            self.client_id = self.last_node_id = None
            if self.queue.flags.pop("free_memory", False):
                self.cache.clear()
            self.queue.flags.clear()

    def interrupt(self, prompt_id: str | None) -> None:
        """``POST /interrupt``: stop the running prompt (only if it is ``prompt_id``, when given)."""
        running = self.queue.running
        if running is not None and prompt_id in (None, running.prompt_id):
            self.interrupt_requested.set()

    def temp_prefix(self, node_id: str) -> str:
        """PreviewImage's ``ComfyUI_temp_<5 letters>`` name, fixed per node like ComfyUI's node objects."""
        letters = "".join(random.choice(string.ascii_lowercase) for _ in range(5))
        return self.temp_prefixes.setdefault(node_id, f"ComfyUI_temp_{letters}")


class PromptRun:
    """One execution of one queued prompt."""

    def __init__(self, worker: Worker, item: QueueItem):
        self.worker, self.item, self.hub = worker, item, worker.hub
        self.prompt, self.prompt_id, self.behaviour = item.prompt, item.prompt_id, item.behaviour
        self.client_id: str | None = item.extra_data.get("client_id")
        self.object_info = worker.object_info()
        self.images = GraphImages(self.prompt, self.object_info, worker.files)
        self.keys = signatures(self.prompt, worker.files.read_annotated)
        self.messages: list[list[Any]] = []
        self.executed: list[str] = []
        self.progress: dict[str, dict[str, Any]] = {}

    # -- messages --------------------------------------------------------------------------
    async def add_message(self, event: str, data: dict[str, Any], broadcast: bool) -> None:
        """Record a status message for the history and send it (to the client, or to all if ``broadcast``)."""
        data = {**data, "timestamp": now_ms()}
        self.messages.append([event, data])
        if self.client_id is not None or broadcast:
            await self.hub.send(event, data, self.client_id)

    async def to_client(self, event: str, data: dict[str, Any]) -> None:
        """A message that only goes out when the prompt has a client_id."""
        if self.client_id is not None:
            await self.hub.send(event, data, self.client_id)

    async def progress_state(self, node_id: str, value: float, maximum: float, state: str) -> None:
        """Update the node's progress and send every started node's state (broadcast without client_id)."""
        self.progress[node_id] = {"value": value, "max": maximum, "state": state}
        nodes = {
            nid: {
                **entry,
                "node_id": nid,
                "prompt_id": self.prompt_id,
                "display_node_id": nid,
                "parent_node_id": None,
                "real_node_id": nid,
            }
            for nid, entry in self.progress.items()
        }
        await self.hub.send("progress_state", {"prompt_id": self.prompt_id, "nodes": nodes}, self.client_id)

    # -- the prompt ------------------------------------------------------------------------
    async def execute(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Run the prompt; returns the history ``outputs``/``meta`` and ``status``."""
        self.worker.interrupt_requested.clear()
        self.worker.client_id = self.client_id
        await self.add_message("execution_start", {"prompt_id": self.prompt_id}, broadcast=False)
        if self.behaviour.drop_at_step == 0:
            await self.worker.go_away()
        cache = self.worker.cache
        wanted = set(self.keys.values())
        for key in [key for key in cache if key not in wanted]:
            del cache[key]
        cached = {node_id for node_id, key in self.keys.items() if key in cache}
        await self.add_message(
            "execution_cached",
            {"nodes": [n for n in self.prompt if n in cached], "prompt_id": self.prompt_id},
            broadcast=False,
        )
        order = execution_order(
            self.prompt,
            self.item.outputs,
            cached,
            lambda node_id: is_output_node(self.object_info, self.prompt[node_id]["class_type"]),
        )
        success = await self._run_nodes(order, cached)
        if success:
            if self.behaviour.drop_at_step is not None:  # the samplers never reached that step
                await self.worker.go_away()
            await self.add_message("execution_success", {"prompt_id": self.prompt_id}, broadcast=False)
        return self._history_result(), {
            "status_str": "success" if success else "error",
            "completed": success,
            "messages": self.messages,
        }

    async def _run_nodes(self, order: list[str], cached: set[str]) -> bool:
        """Run (or replay) each node; False once one fails or is interrupted."""
        for node_id in order:
            try:
                try:
                    if node_id in cached:
                        await self._replay_cached(node_id)
                    else:
                        await self._run_node(node_id)
                except (Interrupted, NodeFailure):
                    raise
                except Exception as ex:  # e.g. an uploaded file that is not an image: a node error, as in ComfyUI
                    raise NodeFailure(type(ex).__name__, str(ex)) from ex
            except Interrupted:
                await self.add_message("execution_interrupted", self._failure(node_id), broadcast=True)
                return False
            except NodeFailure as failure:
                await self.add_message(
                    "execution_error", {**self._failure(node_id), **self._details(node_id, failure)}, broadcast=False
                )
                return False
        return True

    def _failure(self, node_id: str) -> dict[str, Any]:
        return {
            "prompt_id": self.prompt_id,
            "node_id": node_id,
            "node_type": self.prompt[node_id]["class_type"],
            "executed": list(self.executed),
        }

    def _details(self, node_id: str, failure: NodeFailure) -> dict[str, Any]:
        inputs = {}
        for name, value in self.prompt[node_id]["inputs"].items():
            inputs[name] = [f"<{self._link_type(value)} object at 0x{id(value):x}>" if is_link(value) else value]
        return {
            "exception_message": f"{failure.message}\n",
            "exception_type": failure.exception_type,
            "traceback": FAKE_TRACEBACK,
            "current_inputs": inputs,
            "current_outputs": list(self.prompt),
        }

    def _link_type(self, link: list) -> str:
        outputs = self.object_info[self.prompt[link[0]]["class_type"]].get("output", [])
        return outputs[link[1]] if link[1] < len(outputs) else "object"

    def _history_result(self) -> dict[str, Any]:
        outputs = {
            node_id: self.worker.cache[key]
            for node_id, key in self.keys.items()
            if self.worker.cache.get(key) is not None
        }
        meta = {
            node_id: {"node_id": node_id, "display_node": node_id, "parent_node": None, "real_node_id": node_id}
            for node_id in outputs
        }
        return {"outputs": outputs, "meta": meta}

    # -- nodes -----------------------------------------------------------------------------
    async def _replay_cached(self, node_id: str) -> None:
        """A cached output node: ``executed`` with its previous output, then finished."""
        ui = self.worker.cache[self.keys[node_id]]
        await self.to_client(
            "executed", {"node": node_id, "display_node": node_id, "output": ui, "prompt_id": self.prompt_id}
        )
        await self.progress_state(node_id, 1.0, 1.0, "finished")

    async def _run_node(self, node_id: str) -> None:
        node = self.prompt[node_id]
        await self.progress_state(node_id, 0.0, 1.0, "running")
        self.worker.last_node_id = node_id
        await self.to_client("executing", {"node": node_id, "display_node": node_id, "prompt_id": self.prompt_id})
        self._check_interrupt()
        failure = self.behaviour.error
        if failure is not None and failure.node in (node_id, node["class_type"]):
            raise NodeFailure(failure.exception_type, failure.exception_message)
        self.images.geometry(node_id)  # reads LoadImage files, so a broken one fails at its own node
        if node["class_type"] in SAMPLERS:
            await self._sample(node_id)
        ui = self._save_images(node_id) if node["class_type"] in IMAGE_SAVERS else None
        if ui:
            await self.to_client(
                "executed", {"node": node_id, "display_node": node_id, "output": ui, "prompt_id": self.prompt_id}
            )
        self.worker.cache[self.keys[node_id]] = ui
        self.executed.append(node_id)
        await self.progress_state(node_id, 1.0, 1.0, "finished")

    def _check_interrupt(self) -> None:
        if self.worker.interrupt_requested.is_set():
            raise Interrupted()

    async def _sample(self, node_id: str) -> None:
        """Sampler steps: per step ``progress_state``, optional previews and ``progress``."""
        total = sampler_steps(self.prompt[node_id])
        size = self.images.geometry(node_id)
        key = self.images.pixel_key(node_id)
        metadata = self.hub.supports_preview_metadata(self.client_id)
        for step in range(1, total + 1):
            if self.behaviour.step_delay:
                await _wait(self.worker.interrupt_requested, self.behaviour.step_delay)
            self._check_interrupt()
            await self.progress_state(node_id, step, total, "running")
            preview = preview_png(size, key, step) if self.behaviour.previews else None
            if preview is not None and metadata:
                await self.hub.send_preview(preview, self.client_id, self._preview_metadata(node_id))
            await self.hub.send(
                "progress", {"value": step, "max": total, "prompt_id": self.prompt_id, "node": node_id}, self.client_id
            )
            if preview is not None and not metadata:
                await self.hub.send_preview(preview, self.client_id, None)
            if self.behaviour.drop_at_step == step:
                await self.worker.go_away()

    def _preview_metadata(self, node_id: str) -> dict[str, Any]:
        return {
            "node_id": node_id,
            "prompt_id": self.prompt_id,
            "display_node_id": node_id,
            "parent_node_id": node_id,
            "real_node_id": node_id,
        }

    def _save_images(self, node_id: str) -> dict[str, Any]:
        """SaveImage / PreviewImage: write one PNG per batch item; returns the ``{"images": [...]}`` ui."""
        node = self.prompt[node_id]
        folder = IMAGE_SAVERS[node["class_type"]]
        source = node["inputs"]["images"]
        size = self.images.geometry(source[0])
        if folder == "output":
            prefix = compute_vars(str(node["inputs"].get("filename_prefix", "ComfyUI")), size.width, size.height)
            subfolder, base = posixpath.split(posixpath.normpath(prefix))
            if subfolder.startswith("/") or subfolder == ".." or subfolder.startswith("../"):
                raise NodeFailure(
                    "Exception",
                    "**** ERROR: Saving image outside the output folder is not allowed."
                    f"\n full_output_folder: {subfolder}\n         output_dir: output",
                )
        else:
            subfolder, base = "", self.worker.temp_prefix(node_id)
        text = {"prompt": json.dumps(self.prompt)}
        text.update({k: json.dumps(v) for k, v in self.item.extra_data.get("extra_pnginfo", {}).items()})
        key = self.images.pixel_key(node_id)
        counter = self.worker.files.next_counter(folder, subfolder, base)
        images = []
        for index in range(size.batch):
            name = f"{base.replace('%batch_num%', str(index))}_{counter + index:05}_.png"
            data = render_png(size, key, index, text, compress_level=4 if folder == "output" else 1)
            self.worker.files.put(folder, subfolder, name, data)
            images.append({"filename": name, "subfolder": subfolder, "type": folder})
        return {"images": images}


def sampler_steps(node: dict[str, Any]) -> int:
    """Progress steps a sampler reports: ``steps``; KSamplerAdvanced only runs start..min(end, steps)."""
    inputs = node["inputs"]
    steps = int(inputs.get("steps", 1))
    if node["class_type"] == "KSamplerAdvanced":
        return max(0, min(int(inputs.get("end_at_step", steps)), steps) - int(inputs.get("start_at_step", 0)))
    return steps


async def _wait(event: asyncio.Event, seconds: float) -> None:
    """Sleep ``seconds``, waking early when ``event`` is set (an interrupt ends a slow step at once)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
