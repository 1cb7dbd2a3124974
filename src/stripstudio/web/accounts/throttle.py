"""What a locked-out sign-in gets: 429 with when to try again (django-axes counts the failures)."""

from __future__ import annotations

from datetime import timedelta

from django.http import JsonResponse
from django.utils import timezone

from stripstudio.web.config import studio_settings


def lockout_response(request, original_response=None, credentials=None) -> JsonResponse:
    """429 Too Many Requests, with Retry-After and the time (UTC) from which signing in works again.

    Every failed try while locked out starts the wait again, so the wait counts from now.
    """
    minutes = studio_settings().login_lockout_minutes
    until = timezone.now() + timedelta(minutes=minutes)
    response = JsonResponse(
        {
            "detail": "too many failed sign-ins for this account or from this address; "
            f"try again in {minutes:g} minutes (after {until:%H:%M} UTC)",
            "retry_after": round(minutes * 60),
        },
        status=429,
    )
    response["Retry-After"] = str(round(minutes * 60))
    return response
