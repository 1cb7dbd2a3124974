"""A generation request checked against its engine before a job is queued.

Every field the engine cannot honour comes back at once as a 422 whose ``loc`` is
``["body", "generation", ...the field's path]``; an engine that cannot be reached to check
(a ComfyUI server that does not answer within a few seconds) is a 503 saying what to do.
A web process that cannot load the engine at all (a web-only host without the engine's extra)
queues the job unchecked: the worker's engine refuses it, field by field, before drawing.
"""

from __future__ import annotations

import re

from ninja.errors import HttpError, ValidationError

from stripstudio.generation.capabilities import check_request
from stripstudio.generation.errors import EngineUnavailable, FieldProblem, InvalidRequest
from stripstudio.generation.request import GenerationRequest
from stripstudio.jobs.runtime import current_runtime
from stripstudio.web.studio.api.validation import invalid
from stripstudio.web.studio.runners.generating import local_request

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def refuse_what_the_engine_cannot_honour(
    engine_name: str,
    request: GenerationRequest,
    *,
    skip_missing_loras: bool = False,
    required_loras: dict[str, str] | None = None,
) -> GenerationRequest:
    """``request`` when ``engine_name`` can run it; else raise the 422 (or 503) described above.

    With ``skip_missing_loras`` the LoRAs of ``request.loras`` that are not installed are dropped
    instead of refused: the request returned is the one to queue. ``required_loras`` maps the names of
    LoRAs the request cannot go without (a fast profile's) to what to do instead; they are never dropped.
    """
    required = required_loras or {}
    try:
        engine = current_runtime().engine(engine_name)
    except InvalidRequest as error:  # an unknown engine, or one configured wrongly
        raise invalid(error.field or "engine", str(error)) from None
    except EngineUnavailable:
        return request
    problems = [_required(problem, request, required) for problem in _problems(engine, request)]
    missing = {index for problem in problems if problem.missing and (index := _lora_index(problem)) is not None}
    if skip_missing_loras and missing:
        kept = tuple(lora for index, lora in enumerate(request.loras) if index not in missing)
        request = request.model_copy(update={"loras": kept})
        problems = [_required(problem, request, required) for problem in _problems(engine, request)]
    if problems:
        raise ValidationError([_detail(problem) for problem in problems])
    return request


def _problems(engine, request: GenerationRequest) -> list[FieldProblem]:
    """The engine's problems with ``request``, its stored files named by their paths on this machine."""
    try:
        return check_request(engine, local_request(request))
    except EngineUnavailable as error:
        raise HttpError(503, str(error)) from None


def _required(problem: FieldProblem, request: GenerationRequest, required: dict[str, str]) -> FieldProblem:
    """A missing LoRA the request cannot go without: not skippable, and its fix says what to do instead."""
    index = _lora_index(problem)
    if not problem.missing or index is None or request.loras[index].name not in required:
        return problem
    message = problem.message.rsplit(", or ", 1)[0] + f", or {required[request.loras[index].name]}"
    return FieldProblem(problem.field, message, missing=False)


def _lora_index(problem: FieldProblem) -> int | None:
    path = field_path(problem.field)
    return path[1] if len(path) == 2 and path[0] == "loras" and isinstance(path[1], int) else None


def _detail(problem: FieldProblem) -> dict:
    return {"loc": ["body", "generation", *field_path(problem.field)], "msg": problem.message, "type": "value_error"}


def field_path(field: str) -> list[str | int]:
    """``"controls[0].kind"`` -> ``["controls", 0, "kind"]``."""
    return [int(index) if index else name for name, index in _PART.findall(field)]
