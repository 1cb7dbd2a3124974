"""The single page of the browser studio: the built front end's index.html, or a plain page until it is built."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.http import HttpResponse

from stripstudio.web.security import policy_with_style_nonce

DIST = Path(__file__).resolve().parent / "dist"

PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stripstudio</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>stripstudio</h1>
<p>The studio server is running. The browser studio is not built into this copy of the package;
the JSON API is at <a href="/api/docs">/api/docs</a> (schema: <a href="/api/openapi.json">/api/openapi.json</a>).</p>
</main></body></html>
"""


def studio_page(request) -> HttpResponse:
    """index.html of the built front end (every client-side route gets it), else the placeholder.

    The page carries a fresh style nonce in ``<meta name="csp-nonce">`` and in its Content-Security-Policy.
    """
    index = DIST / "index.html"
    body = index.read_text(encoding="utf-8") if index.is_file() else PLACEHOLDER
    nonce = secrets.token_urlsafe(18)
    body = body.replace("<head>", f'<head><meta name="csp-nonce" content="{nonce}">', 1)
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Content-Security-Policy"] = policy_with_style_nonce(nonce)
    return response
