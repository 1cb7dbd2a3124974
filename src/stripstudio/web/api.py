"""The JSON API under /api/: every router, session authentication with CSRF, and error shapes."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.security import django_auth

from stripstudio.export import ExportError
from stripstudio.jobs.quotas import JobTooLarge, QuotaExceeded
from stripstudio.training.dataset import DatasetError
from stripstudio.uploads import UploadRejected
from stripstudio.web.accounts.api import router as accounts_router
from stripstudio.web.studio.api import (
    assets,
    batches,
    comics,
    composed,
    content,
    jobs,
    lettering,
    library,
    pages,
    portraits,
    projects,
    training,
    training_runs,
)
from stripstudio.web.upload_limits import UploadTooLarge


def build_api() -> NinjaAPI:
    """The API with its routers; every endpoint needs a signed-in author unless it says otherwise."""
    api = NinjaAPI(
        title="stripstudio",
        version="1",
        description=(
            "Comics, characters, panels, bubbles, uploads, and the generation, export and training jobs "
            "of signed-in authors."
        ),
        auth=django_auth,
        urls_namespace="api",
    )
    api.add_router("/", accounts_router)
    for module in (
        comics,
        composed,
        content,
        assets,
        jobs,
        batches,
        lettering,
        pages,
        portraits,
        projects,
        library,
        training,
        training_runs,
    ):
        api.add_router("/", module.router)
    _error_handlers(api)
    return api


def _error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(UploadRejected)
    def upload_rejected(request, error: UploadRejected):
        return api.create_response(
            request, {"detail": [{"loc": ["body", error.field], "msg": error.message, "type": "upload"}]}, status=400
        )

    @api.exception_handler(UploadTooLarge)
    def upload_too_large(request, error: UploadTooLarge):
        return api.create_response(
            request, {"detail": [{"loc": ["body", error.field], "msg": error.message, "type": "upload"}]}, status=413
        )

    @api.exception_handler(ExportError)
    def export_error(request, error: ExportError):
        return api.create_response(request, {"detail": str(error)}, status=422)

    @api.exception_handler(DatasetError)
    def dataset_error(request, error: DatasetError):
        detail = [{"loc": ["body", error.field], "msg": error.message, "type": "dataset"}]
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(JobTooLarge)
    def job_too_large(request, error: JobTooLarge):
        detail = [{"loc": ["body", *error.field.split(".")], "msg": error.message, "type": "job_too_large"}]
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(QuotaExceeded)
    def quota_exceeded(request, error: QuotaExceeded):
        response = api.create_response(request, {"detail": error.message, "limit": error.limit}, status=429)
        if error.retry_after is not None:
            response["Retry-After"] = str(error.retry_after)
        return response

    @api.exception_handler(Http404)
    def not_found(request, error: Http404):
        return api.create_response(request, {"detail": str(error) or "not found"}, status=404)


api = build_api()
