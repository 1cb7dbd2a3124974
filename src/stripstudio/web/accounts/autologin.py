"""The local author: a studio on the author's own machine may sign its visitors in as one author.

Only ``stripstudio serve --auto-login`` (or ``STRIPSTUDIO_AUTO_LOGIN``) bound to a loopback address
turns this on. Even then a request is signed in only when it comes straight from this machine: from a
loopback address and without any header a reverse proxy adds. A proxy that forwards the internet to
127.0.0.1 without such headers (nginx's default) would still pass, which is why it is an opt-in and
``serve`` says loudly that it is on. Signing out turns it off for that browser.
"""

from __future__ import annotations

import ipaddress

from django.contrib.auth import get_user_model, login

LOCAL_AUTHOR = "author"
SIGNED_OUT = "stripstudio_signed_out"
# Headers that say a request passed through a proxy (request.META names).
FORWARDING_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_SERVER",
    "HTTP_X_REAL_IP",
    "HTTP_VIA",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1 and localhost: only this machine can reach the address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_direct_local_request(request) -> bool:
    """True when the request comes from this machine and carries no header a proxy adds."""
    if any(name in request.META for name in FORWARDING_HEADERS):
        return False
    return is_loopback(request.META.get("REMOTE_ADDR") or "")


class AutoLoginMiddleware:
    """Sign anonymous local requests in as the local author, unless this browser signed out."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.user.is_authenticated
            and is_direct_local_request(request)
            and not request.session.get(SIGNED_OUT)
        ):
            user = local_author()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.user = user
        return self.get_response(request)


def local_author():
    """The local author's account, made on first use (no usable password: it is only signed in locally)."""
    users = get_user_model()
    user, created = users.objects.get_or_create(username=LOCAL_AUTHOR)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
