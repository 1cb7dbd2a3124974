"""The local author: a studio served on 127.0.0.1 signs its visitors in as one author.

Only ``stripstudio serve`` bound to a loopback address turns this on (``auto_login``); anyone who can
reach such a server is already on the author's own machine. Signing out turns it off for that browser.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model, login

LOCAL_AUTHOR = "author"
SIGNED_OUT = "stripstudio_signed_out"


class AutoLoginMiddleware:
    """Sign anonymous requests in as the local author, unless this browser signed out."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.session.get(SIGNED_OUT):
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
