"""JSON calls through Django's test client, shared by the API tests that need no live server."""

from __future__ import annotations

from django.test import Client


class DjangoApi:
    """JSON calls through a signed-in test client, asserting the status."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, method: str, url: str, expected: int = 200, json: dict | list | None = None):
        """Send a request; assert its status; return the JSON body (None when empty)."""
        send = getattr(self.client, method.lower())
        response = send(url) if json is None else send(url, data=json, content_type="application/json")
        assert response.status_code == expected, f"{method} {url}: {response.status_code} {response.content[:2000]!r}"
        return response.json() if response.content and "json" in response.get("content-type", "") else None
