"""HTTP security of the studio: HTTPS cookies and HSTS, the Content-Security-Policy, sign-in throttling,
and the client's address behind trusted proxies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from stripstudio.settings import StudioSettings

# The browser studio and Swagger UI load only this server's scripts, styles and fonts; the canvases show
# pictures from the API and from blob:/data: URLs they make themselves; events come over same-origin
# EventSource. tests/e2e/test_content_security.py proves it in Chromium.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def policy_with_style_nonce(nonce: str) -> str:
    """:data:`CONTENT_SECURITY_POLICY` that also lets <style> elements carrying ``nonce`` apply.

    The studio page's dialogs lock page scrolling with a <style> element they add at run time; the page
    gets a fresh nonce each time it is served, so no other inline style can use it.
    """
    return CONTENT_SECURITY_POLICY.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'", 1)


def security_settings(studio: StudioSettings) -> dict[str, Any]:
    """Django settings for HTTPS, proxies and sign-in throttling (django-axes)."""
    https = studio.served_over_https
    header = studio.proxy_ssl_header
    return {
        "SECURE_PROXY_SSL_HEADER": ("HTTP_" + header.upper().replace("-", "_"), "https") if header else None,
        "SESSION_COOKIE_SECURE": https,
        "CSRF_COOKIE_SECURE": https,
        "SECURE_HSTS_SECONDS": studio.hsts_seconds if https else 0,  # sent only on HTTPS requests
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",  # refuses sign-ins while locked out
            "django.contrib.auth.backends.ModelBackend",
        ],
        "AXES_FAILURE_LIMIT": studio.login_failure_limit,
        "AXES_COOLOFF_TIME": timedelta(minutes=studio.login_lockout_minutes),
        "AXES_LOCKOUT_PARAMETERS": ["username", "ip_address"],  # each on its own: per account and per address
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_LOCKOUT_CALLABLE": "stripstudio.web.accounts.throttle.lockout_response",
        "AXES_CLIENT_IP_CALLABLE": "stripstudio.web.security.client_address",
        "AXES_DISABLE_ACCESS_LOG": True,  # no row per successful sign-in
        "AXES_VERBOSE": False,
    }


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the one the outermost trusted proxy saw.

    Each of ``trusted_proxy_count`` proxies appends the address it was reached from to X-Forwarded-For,
    so the client is that many entries from the right; entries further left are the client's own claims.
    """
    from stripstudio.web.config import studio_settings

    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = studio_settings().trusted_proxy_count
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


class ContentSecurityPolicyMiddleware:
    """Send :data:`CONTENT_SECURITY_POLICY` with every response that does not set its own."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
