"""Server test fixtures: an installed job runtime, a live studio (uvicorn + in-process worker) and
API clients that sign up, keep the session cookie and send the CSRF token."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from django.conf import settings

from stripstudio.jobs.runtime import JobRuntime, install_runtime


@pytest.fixture
def runtime(db) -> JobRuntime:
    """A job runtime on the test settings (SQLite queue in the test data folder, in-process bus)."""
    return install_runtime(JobRuntime(settings.STRIPSTUDIO))


class StudioClient:
    """An author's session against a live studio: JSON helpers that raise on unexpected statuses."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        token = self.http.get("/api/auth/csrf").json()["csrf_token"]
        self.http.headers["X-CSRFToken"] = token

    def signup(self, username: str | None = None, password: str = "a long enough secret 42") -> dict:
        """Create an author and stay signed in as them."""
        username = username or f"author-{uuid.uuid4().hex[:8]}"
        answer = self.call("POST", "/api/auth/signup", 201, json={"username": username, "password": password})
        self.http.headers["X-CSRFToken"] = self.http.cookies["csrftoken"]  # login rotates the token
        return answer

    def call(self, method: str, url: str, expected: int = 200, **kwargs):
        """Send a request; assert its status; return the JSON body (or None when empty)."""
        response = self.http.request(method, url, **kwargs)
        assert response.status_code == expected, f"{method} {url}: {response.status_code} {response.text[:2000]}"
        return response.json() if response.content and "json" in response.headers.get("content-type", "") else None

    def events(self, url: str, until: set[str] | None = None, timeout: float = 120) -> list[dict]:
        """Read a Server-Sent Event stream until it ends (or an event of a type in ``until`` arrives)."""
        import json

        events: list[dict] = []
        deadline = time.monotonic() + timeout
        with self.http.stream("GET", url, timeout=timeout) as response:
            assert response.status_code == 200, response.read()
            assert response.headers["content-type"].startswith("text/event-stream")
            for line in response.iter_lines():
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
                    if until and events[-1]["type"] in until:
                        break
                assert time.monotonic() < deadline, f"stream {url} still open after {timeout} s: {events[-3:]}"
        return events

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_studio(transactional_db) -> Iterator[str]:
    """A running studio (uvicorn in a thread, the embedded worker in this process); yields its URL."""
    import uvicorn

    from stripstudio.jobs.worker import EmbeddedWorker
    from stripstudio.web.asgi import application_for_settings

    runtime = install_runtime(JobRuntime(settings.STRIPSTUDIO))
    worker = EmbeddedWorker(runtime).start()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            application_for_settings(settings.STRIPSTUDIO),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    worker.stop()


@pytest.fixture
def author(live_studio) -> Iterator[StudioClient]:
    """A new author signed in to the live studio."""
    client = StudioClient(live_studio)
    client.signup()
    yield client
    client.close()
