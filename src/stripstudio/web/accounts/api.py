"""Sign up, log in, log out, and who is signed in (Django auth with sessions and CSRF)."""

from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.middleware.csrf import get_token
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from ninja.utils import check_csrf
from pydantic import Field

from stripstudio.web.accounts.autologin import SIGNED_OUT
from stripstudio.web.studio.api.validation import invalid

router = Router(tags=["accounts"])


class Credentials(Schema):
    """A user name and password."""

    username: str = Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    password: str = Field(min_length=1, max_length=200)


class AuthorOut(Schema):
    """The signed-in author."""

    id: int
    username: str


class CsrfOut(Schema):
    """The CSRF token to send as ``X-CSRFToken`` with every change."""

    csrf_token: str


def _author(user) -> AuthorOut:
    return AuthorOut(id=user.pk, username=user.username)


def _require_csrf(request) -> None:
    failure = check_csrf(request)
    if failure is not None:
        raise HttpError(403, "CSRF check failed: GET /api/auth/csrf and send its token as X-CSRFToken")


@router.get("/auth/csrf", response=CsrfOut, auth=None)
def csrf(request):
    """Set the CSRF cookie and return its token."""
    return CsrfOut(csrf_token=get_token(request))


@router.post("/auth/signup", response={201: AuthorOut}, auth=None)
def signup(request, payload: Credentials):
    """Create an author and sign them in."""
    _require_csrf(request)
    users = get_user_model()
    if users.objects.filter(username__iexact=payload.username).exists():
        raise invalid("username", "this name is taken; choose another")
    try:
        validate_password(payload.password, users(username=payload.username))
    except DjangoValidationError as error:
        raise invalid("password", " ".join(error.messages)) from None
    user = users.objects.create_user(username=payload.username, password=payload.password)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.pop(SIGNED_OUT, None)
    return Status(201, _author(user))


@router.post("/auth/login", response=AuthorOut, auth=None)
def log_in(request, payload: Credentials):
    """Sign in with user name and password."""
    _require_csrf(request)
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise HttpError(401, "wrong user name or password")
    login(request, user)
    request.session.pop(SIGNED_OUT, None)
    return _author(user)


@router.post("/auth/logout", response={204: None}, auth=django_auth)
def log_out(request):
    """Sign out (a studio on 127.0.0.1 stops signing this browser in by itself)."""
    logout(request)
    request.session[SIGNED_OUT] = True
    return Status(204, None)


@router.get("/auth/me", response=AuthorOut, auth=django_auth)
def me(request):
    """The signed-in author; 401 when nobody is signed in."""
    return _author(request.user)
