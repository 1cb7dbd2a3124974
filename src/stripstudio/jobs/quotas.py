"""Per-author limits checked when a job is submitted, so that no author can crowd out the others.

Work is measured in *work units*: one unit is one sampling step on one 1024x1024 image (a megapixel
of 1024² pixels). A job's work is ``width x height / 1024² x steps x candidates``, the steps as asked
(an image-to-image job that repaints part of its image is counted in full). Exports count no work;
they count towards the number of jobs an author may have queued or running.

Limits (see :class:`~stripstudio.settings.StudioSettings`, 0 turns one off):

- ``max_prompt_chars``: the composed prompt and negative prompt of one job;
- ``max_job_work``: the work of one job (refused as too large, naming what to lower);
- ``max_active_jobs_per_author``: jobs queued or running at once;
- ``max_daily_work_per_author``: work submitted in any 24 hours, summed from the job rows.

The CLI renders on the author's own machine and is subject to none of these.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import FloatField, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from stripstudio.generation.request import GenerationRequest
from stripstudio.jobs.models import Job
from stripstudio.settings import StudioSettings

WORK_UNIT_PIXELS = 1024 * 1024
DAY = timedelta(hours=24)
Status = Job.Status


class JobTooLarge(ValueError):
    """One job asks for more than a single job may: ``field`` names what to change (a 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


class QuotaExceeded(Exception):
    """The author has reached a limit for now (a 429); ``retry_after`` seconds until it frees up, if known."""

    def __init__(self, limit: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.limit, self.message, self.retry_after = limit, message, retry_after


def work_units(request: GenerationRequest) -> float:
    """The work of a generation request: megapixels (of 1024²) x steps x candidates."""
    return request.width * request.height / WORK_UNIT_PIXELS * request.num_inference_steps * request.num_images


@dataclass(frozen=True)
class Submission:
    """What a new job asks for: its generation request (None for an export) and its work."""

    generation: GenerationRequest | None

    @property
    def work(self) -> float:
        """Work units of the job (0 for a job that draws nothing)."""
        return work_units(self.generation) if self.generation is not None else 0.0


def check_submission(settings: StudioSettings, owner, submission: Submission) -> None:
    """Refuse a job that is too large (JobTooLarge) or an author over a limit (QuotaExceeded).

    Call it inside the transaction that saves the job: on PostgreSQL it locks the author's row, so two
    submissions of one author cannot both pass; SQLite runs one writing transaction at a time.
    """
    if submission.generation is not None:
        check_prompts(settings, submission.generation)
        check_job_work(settings, submission.generation)
    get_user_model().objects.select_for_update().filter(pk=owner.pk).values_list("pk").first()
    check_active_jobs(settings, owner)
    if submission.work:
        check_daily_work(settings, owner, submission.work)


def check_prompts(settings: StudioSettings, request: GenerationRequest) -> None:
    """The composed prompts fit ``max_prompt_chars``; JobTooLarge naming ``prompt`` or ``negative_prompt``."""
    limit = settings.max_prompt_chars
    texts = {"prompt": request.prompt, "negative_prompt": request.negative_prompt}
    texts.update({f"regions.{i}.prompt": region.prompt for i, region in enumerate(request.regions)})
    for field, text in texts.items():
        if len(text) > limit:
            raise JobTooLarge(
                field,
                f"the composed {field} is {len(text):,} characters long; this server takes at most {limit:,} "
                "(max_prompt_chars): shorten the panel description, the characters' descriptions or the style",
            )


# What the author sets for each factor of a job's work, and its smallest value.
_FACTORS = (("candidates", "num_images", 1), ("steps", "num_inference_steps", 1), ("width", "width", 64))


def check_job_work(settings: StudioSettings, request: GenerationRequest) -> None:
    """The job's work fits ``max_job_work``; else JobTooLarge naming the first of candidates, steps or
    width whose lowering alone would make it fit, and how far."""
    limit, work = settings.max_job_work, work_units(request)
    if not limit or work <= limit:
        return
    measure = (
        f"this job is {work:,.0f} work units ({request.width}x{request.height} pixels x "
        f"{request.num_inference_steps} steps x {request.num_images} candidates / 1024²); "
        f"one job may be at most {limit:,.0f} (max_job_work)"
    )
    for field, attribute, smallest in _FACTORS:
        value = getattr(request, attribute)
        fitting = math.floor(value * limit / work + 1e-9)  # 2.9999… of rounding is 3
        if attribute == "width":
            fitting -= fitting % 8
        if smallest <= fitting < value:
            raise JobTooLarge(field, f"{measure}: with the rest unchanged, {field} may be at most {fitting}")
    raise JobTooLarge("width", f"{measure}: lower the size, steps and candidates together")


def active_jobs(owner) -> QuerySet[Job]:
    """The author's jobs that are queued or running."""
    return Job.objects.filter(owner=owner, status__in=[Status.QUEUED, Status.RUNNING])


def check_active_jobs(settings: StudioSettings, owner) -> None:
    """The author has fewer than ``max_active_jobs_per_author`` jobs queued or running; else QuotaExceeded."""
    limit = settings.max_active_jobs_per_author
    if not limit:
        return
    active = active_jobs(owner).count()
    if active >= limit:
        raise QuotaExceeded(
            "max_active_jobs_per_author",
            f"you have {active} jobs queued or running and an author may have at most {limit} "
            "(max_active_jobs_per_author): a place frees up as soon as one of them finishes or is cancelled",
        )


def counted_jobs(owner, since: datetime) -> QuerySet[Job]:
    """The author's jobs submitted since ``since`` that count as work (not those cancelled before they started)."""
    return Job.objects.filter(owner=owner, created_at__gte=since).exclude(
        Q(status=Status.CANCELLED) & Q(started_at__isnull=True)
    )


def stored_work() -> Coalesce:
    """The work of a job row, in SQL, from its stored request (0 for jobs that draw nothing)."""
    factors = ("width", "height", "num_inference_steps", "num_images")
    number = [Cast(KT(f"request__generation__{name}"), FloatField()) for name in factors]
    work = number[0] * number[1] * number[2] * number[3] / float(WORK_UNIT_PIXELS)
    return Coalesce(work, 0.0, output_field=FloatField())


def daily_work(owner, now: datetime | None = None) -> float:
    """Work units the author submitted in the 24 hours before ``now``."""
    now = now or timezone.now()
    total = counted_jobs(owner, now - DAY).aggregate(total=Sum(stored_work()))["total"]
    return float(total or 0.0)


def check_daily_work(settings: StudioSettings, owner, work: float) -> None:
    """The author's work in the last 24 hours plus ``work`` fits ``max_daily_work_per_author``."""
    limit = settings.max_daily_work_per_author
    if not limit:
        return
    now = timezone.now()
    used = daily_work(owner, now)
    if used + work <= limit:
        return
    message = (
        f"you have submitted {used:,.0f} work units in the last 24 hours and this job needs {work:,.0f}; "
        f"an author may submit at most {limit:,.0f} a day (max_daily_work_per_author)"
    )
    frees_at = _frees_at(owner, now, used + work - limit) if work <= limit else None
    if frees_at is None:
        raise QuotaExceeded("max_daily_work_per_author", f"{message}: make the job smaller")
    wait = max(1, math.ceil((frees_at - now).total_seconds()))
    when = f"{frees_at:%Y-%m-%d %H:%M} UTC (in {_duration(wait)})"
    raise QuotaExceeded("max_daily_work_per_author", f"{message}: enough frees up at {when}", retry_after=wait)


def _frees_at(owner, now: datetime, excess: float) -> datetime | None:
    """When enough of the author's oldest counted work leaves the 24-hour window to free ``excess`` units."""
    freed = 0.0
    rows = counted_jobs(owner, now - DAY).annotate(work=stored_work()).filter(work__gt=0).order_by("created_at")
    for created_at, work in rows.values_list("created_at", "work").iterator():
        freed += work
        if freed >= excess:
            return (created_at + DAY).astimezone(UTC)
    return None


def _duration(seconds: int) -> str:
    hours, minutes = divmod(math.ceil(seconds / 60), 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
