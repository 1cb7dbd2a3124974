"""The ComfyUI engine: the same requests as the diffusers engine, drawn by ComfyUI servers."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from PIL import Image

from stripstudio.engines.comfyui.capabilities import (
    ENGINE_NAME,
    builder_capabilities,
    graph_problems,
    server_capabilities,
)
from stripstudio.engines.comfyui.check import check_graph
from stripstudio.engines.comfyui.client import ComfyUIClient
from stripstudio.engines.comfyui.errors import ServerLost
from stripstudio.engines.comfyui.execution import PromptFollower, PromptWatchers, WaitLimits
from stripstudio.engines.comfyui.families import workflow_options
from stripstudio.engines.comfyui.names import input_paths, resolve_names
from stripstudio.engines.comfyui.pool import ServerPool
from stripstudio.engines.comfyui.server_families import server_file
from stripstudio.engines.comfyui.workflows import BuiltWorkflow, ServerNames, WorkflowOptions, build_workflow
from stripstudio.generation.capabilities import EngineCapabilities, refuse_unless_honoured
from stripstudio.generation.engine import CancelSignal, EventSink
from stripstudio.generation.errors import EngineUnavailable, FieldProblem, InvalidRequest, JobCancelled
from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.generation.images import GeneratedImage
from stripstudio.generation.metadata import a1111_parameters
from stripstudio.generation.request import GenerationRequest
from stripstudio.settings import StudioSettings

CHECK_TIMEOUT = 3.0
"""Seconds each server gets to answer the check of a request at submission."""


@dataclass
class _Delivery:
    """Collects the candidates of one prompt as their SaveImage outputs appear."""

    request: GenerationRequest
    built: BuiltWorkflow
    names: ServerNames
    client: ComfyUIClient
    options: WorkflowOptions
    on_event: EventSink
    images: dict[int, GeneratedImage] = field(default_factory=dict)

    def output(self, node_id: str, output: dict) -> None:
        if node_id not in self.built.outputs:
            return
        index = self.built.outputs.index(node_id)
        files = output.get("images") or []
        if index in self.images or not files:
            return
        picture = files[0]
        data = self.client.view(picture["filename"], picture.get("subfolder", ""), picture.get("type", "output"))
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            self.images[index] = self._generated(index, image.convert("RGB"))
        self.on_event(
            JobEvent(
                kind=EventKind.IMAGE,
                candidate=index,
                image=self.images[index],
                data={"seed": self.images[index].seed, "server": self.client.url},
            )
        )

    def _generated(self, index: int, image: Image.Image) -> GeneratedImage:
        single = self.request.for_candidate(index)
        graph = build_workflow(single, self.names, self.options).graph.to_api()
        return GeneratedImage(
            image=image,
            request=single,
            index=index,
            parameters=a1111_parameters(single, model_name=self.names.checkpoint.rsplit(".", 1)[0]),
            extra_text={"prompt": json.dumps(graph)},
        )


class ComfyUIEngine:
    """Sends each request as an API-format workflow to the least busy of the configured ComfyUI servers.

    Every request is checked against the server's ``/object_info`` first (node types, inputs,
    allowed values, model files). A server that goes away mid-job hands the job to the next one.
    """

    name = ENGINE_NAME

    def __init__(
        self,
        settings: StudioSettings | None = None,
        *,
        pool: ServerPool | None = None,
        limits: WaitLimits | None = None,
        check_timeout: float = CHECK_TIMEOUT,
    ):
        settings = settings or StudioSettings()
        self.settings = settings
        self.pool = pool or ServerPool(settings.comfyui_urls, lambda url: ComfyUIClient(url))
        self.limits = limits or WaitLimits(timeout=settings.comfyui_timeout)
        self.check_timeout = check_timeout

    def capabilities(self) -> EngineCapabilities:
        """What the graphs can do, narrowed to the answering servers' nodes, samplers and checkpoints."""
        infos, unreachable = self._object_infos(refresh=True)
        return server_capabilities(infos, unreachable)

    def request_problems(self, request: GenerationRequest) -> list[FieldProblem]:
        """``request`` checked against each server's ``/object_info``: none when one server can run it.

        Each server gets :attr:`check_timeout` seconds; EngineUnavailable when none answers.
        """
        infos, unreachable = self._object_infos()
        if not infos:
            reasons = "; ".join(f"{url}: {reason}" for url, reason in unreachable.items())
            raise EngineUnavailable(
                f"no ComfyUI server answered within {self.check_timeout:g} s ({reasons}); "
                "start the server, or check the address in STRIPSTUDIO_COMFYUI_URLS"
            )
        found: list[FieldProblem] = []
        for url, info in infos.items():
            problems = graph_problems(
                request,
                info,
                url,
                options=workflow_options(request, self.settings.comfyui_text_encode),
                face_detector=self.settings.comfyui_face_detector,
                sam_model=self.settings.comfyui_sam_model,
                models_dir=self.settings.comfyui_models_dir,
            )
            if not problems:
                return []
            found = found or problems
        return found

    def _object_infos(self, refresh: bool = False) -> tuple[dict[str, dict], dict[str, str]]:
        """Each server's ``/object_info`` (cached by the client unless ``refresh``), and why others gave none."""
        infos, unreachable = {}, {}
        for client in self.pool.clients:
            try:
                infos[client.url] = client.object_info(refresh=refresh, timeout=self.check_timeout)
            except EngineUnavailable as error:
                unreachable[client.url] = str(error)
        return infos, unreachable

    def run(
        self, request: GenerationRequest, on_event: EventSink, cancel: CancelSignal | None = None
    ) -> list[GeneratedImage]:
        """Run ``request`` on the least busy server; move to the next one if a server goes away."""
        refuse_unless_honoured(request, builder_capabilities())
        clients, reasons = self.pool.by_load()
        for client in clients:
            try:
                return self._run_on(client, request, on_event, cancel)
            except ServerLost as error:
                reasons[client.url] = str(error)
                on_event(JobEvent(kind=EventKind.STARTED, message=f"{error}; trying another server"))
        detail = "; ".join(f"{url}: {reason}" for url, reason in reasons.items()) or "no server configured"
        raise EngineUnavailable(f"no ComfyUI server could run the job ({detail})")

    def _run_on(
        self, client: ComfyUIClient, request: GenerationRequest, on_event: EventSink, cancel: CancelSignal | None
    ) -> list[GeneratedImage]:
        object_info = client.object_info()

        def names_for(images: dict[str, str]) -> ServerNames:
            return resolve_names(
                request,
                object_info,
                images,
                client.url,
                face_detector=self.settings.comfyui_face_detector,
                sam_model=self.settings.comfyui_sam_model,
                models_dir=self.settings.comfyui_models_dir,
            )

        names_for({path: PurePosixPath(path).name for path in input_paths(request)})  # what is missing, before uploads
        names = names_for({path: client.upload_image(*_png_upload(path)) for path in input_paths(request)})
        server_checkpoint = server_file(self.settings.comfyui_models_dir, "checkpoints", names.checkpoint)
        options = workflow_options(request, self.settings.comfyui_text_encode, server_checkpoint)
        built = build_workflow(request, names, options)
        graph = built.graph.to_api()
        problems = check_graph(graph, object_info)
        if problems:
            raise InvalidRequest(f"the ComfyUI server {client.url} cannot run this: " + "; ".join(problems))
        client_id, prompt_id = uuid.uuid4().hex, str(uuid.uuid4())
        socket = client.connect_socket(client_id)
        try:
            on_event(JobEvent(kind=EventKind.STARTED, total=request.num_images, data={"server": client.url}))
            delivery = _Delivery(request, built, names, client, options, on_event)
            watchers = PromptWatchers(
                on_progress=_progress_reporter(built, request, on_event),
                on_output=delivery.output,
                on_preview=_preview_sender(request, on_event),
            )
            if cancel is not None and cancel.is_set():
                raise JobCancelled("cancelled before the prompt was sent")
            client.submit(graph, client_id, prompt_id)
            follower = PromptFollower(client, client_id, socket, watchers, cancel, self.limits)
            follower.wait(prompt_id)
            socket = follower.socket
        finally:
            socket.close()
        missing = [k for k in range(request.num_images) if k not in delivery.images]
        if missing:
            raise EngineUnavailable(f"ComfyUI server {client.url} finished without images for candidates {missing}")
        return [delivery.images[k] for k in range(request.num_images)]


def _preview_sender(request: GenerationRequest, on_event: EventSink):
    """Previews go on only when the request asks for them (the server sends them to every client)."""

    def send(data: bytes) -> None:
        if request.previews:
            on_event(JobEvent(kind=EventKind.PREVIEW, preview=data))

    return send


def _progress_reporter(built: BuiltWorkflow, request: GenerationRequest, on_event: EventSink):
    # ComfyUI runs the candidates' samplers in no fixed order (it keeps a prompt's outputs in a
    # set), so the steps done are the sum over the samplers, not counted from the candidate index.
    done: dict[str, int] = {}

    def report(node_id: str, value: int, maximum: int) -> None:
        if node_id not in built.samplers or not maximum:
            return
        done[node_id] = value
        index = built.samplers.index(node_id)
        on_event(JobEvent.progress(sum(done.values()), maximum * request.num_images, index))

    return report


def _png_upload(path: str) -> tuple[bytes, str]:
    """The image at ``path`` as PNG bytes and a content-addressed file name."""
    try:
        with Image.open(path) as image:
            buffer = io.BytesIO()
            image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB").save(buffer, format="PNG")
    except FileNotFoundError:
        raise InvalidRequest(f"file not found: {path} (check the path, or put the image there)") from None
    except OSError as error:
        raise InvalidRequest(f"{path} is not a readable image ({error})") from error
    data = buffer.getvalue()
    return data, f"{hashlib.sha256(data).hexdigest()[:20]}.png"
