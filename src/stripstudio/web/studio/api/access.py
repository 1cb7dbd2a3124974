"""Rows of the signed-in author only: anything else is "not found", never "forbidden".

Every lookup of the API goes through :func:`owned`, so another author's objects are indistinguishable
from objects that do not exist.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def mine(request, model: type[M]) -> QuerySet[M]:
    """Every row of ``model`` that belongs to the signed-in author."""
    return model._default_manager.filter(owner=request.user)


def owned(request, model: type[M], pk, queryset: QuerySet[M] | None = None) -> M:
    """The author's row ``pk`` of ``model``; Http404 when it does not exist or is someone else's."""
    rows = queryset if queryset is not None else mine(request, model)
    try:
        return rows.filter(owner=request.user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):  # ValidationError: not a UUID
        raise Http404(f"no such {model._meta.verbose_name}") from None
