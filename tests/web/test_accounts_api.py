"""Accounts: sign up, log in, log out, CSRF, the local author of a studio on 127.0.0.1, and ``stripstudio serve``
as a real process (database made and migrated in the data folder, pages served, clean stop on a signal)."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory

from stripstudio.settings import StudioSettings
from stripstudio.web.accounts.autologin import LOCAL_AUTHOR, SIGNED_OUT, AutoLoginMiddleware
from stripstudio.web.config import django_settings

PASSWORD = "a long enough secret 42"


def json_post(client: Client, url: str, payload: dict | None = None, **headers):
    """POST JSON through the test client."""
    return client.post(url, payload or {}, content_type="application/json", headers=headers)


def field_of(response) -> str:
    """The last part of the location of the single problem of a 422."""
    (problem,) = response.json()["detail"]
    return str(problem["loc"][-1])


# Sign up, log in, log out -------------------------------------------------------------------------------------


def test_signup_signs_in_and_me_says_who(client, db):
    made = json_post(client, "/api/auth/signup", {"username": "ann", "password": PASSWORD})
    assert made.status_code == 201, made.content
    assert made.json()["username"] == "ann" and isinstance(made.json()["id"], int)
    assert client.get("/api/auth/me").json() == made.json()
    assert get_user_model().objects.get(username="ann").check_password(PASSWORD)


def test_duplicate_username_is_422_whatever_the_case(client, db):
    get_user_model().objects.create_user("ann", password=PASSWORD)
    for name in ("ann", "ANN"):
        response = json_post(client, "/api/auth/signup", {"username": name, "password": PASSWORD})
        assert response.status_code == 422 and field_of(response) == "username", response.content
        assert "taken" in response.json()["detail"][0]["msg"]
    assert get_user_model().objects.count() == 1
    assert client.get("/api/auth/me").status_code == 401


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("83920174659", "entirely numeric"),
        ("ann-the-author", "too similar"),
    ],
)
def test_weak_password_is_422_naming_password(client, db, password, fragment):
    response = json_post(client, "/api/auth/signup", {"username": "ann-the-author", "password": password})
    assert response.status_code == 422, response.content
    assert field_of(response) == "password"
    assert fragment in response.json()["detail"][0]["msg"]
    assert not get_user_model().objects.exists()


def test_bad_username_is_422(client, db):
    response = json_post(client, "/api/auth/signup", {"username": "ann smith/../", "password": PASSWORD})
    assert response.status_code == 422 and field_of(response) == "username"
    assert not get_user_model().objects.exists()


def test_login_wrong_password_is_401_and_right_one_signs_in(client, db):
    get_user_model().objects.create_user("ann", password=PASSWORD)
    wrong = json_post(client, "/api/auth/login", {"username": "ann", "password": "not it at all"})
    assert wrong.status_code == 401 and "wrong user name or password" in wrong.json()["detail"]
    nobody = json_post(client, "/api/auth/login", {"username": "nobody", "password": PASSWORD})
    assert nobody.status_code == 401 and nobody.json() == wrong.json()  # no hint which of the two was wrong
    assert client.get("/api/auth/me").status_code == 401

    right = json_post(client, "/api/auth/login", {"username": "ann", "password": PASSWORD})
    assert right.status_code == 200 and right.json()["username"] == "ann"
    assert client.get("/api/auth/me").json()["username"] == "ann"


def test_logout_ends_the_session(client, db):
    assert json_post(client, "/api/auth/signup", {"username": "ann", "password": PASSWORD}).status_code == 201
    assert client.get("/api/comics").status_code == 200

    assert json_post(client, "/api/auth/logout").status_code == 204

    assert client.get("/api/auth/me").status_code == 401
    assert client.get("/api/comics").status_code == 401
    assert json_post(client, "/api/auth/logout").status_code == 401


# CSRF ---------------------------------------------------------------------------------------------------------


def test_changes_need_the_csrf_token(db):
    browser = Client(enforce_csrf_checks=True)
    token = browser.get("/api/auth/csrf").json()["csrf_token"]

    refused = json_post(browser, "/api/auth/signup", {"username": "ann", "password": PASSWORD})
    assert refused.status_code == 403 and "X-CSRFToken" in refused.json()["detail"]
    assert not get_user_model().objects.exists()
    forged = json_post(browser, "/api/auth/signup", {"username": "ann", "password": PASSWORD}, X_CSRFToken="x" * 32)
    assert forged.status_code == 403

    made = json_post(browser, "/api/auth/signup", {"username": "ann", "password": PASSWORD}, X_CSRFToken=token)
    assert made.status_code == 201, made.content
    token = browser.cookies["csrftoken"].value  # signing in rotates the token
    assert json_post(browser, "/api/comics", {"title": "No token"}).status_code == 403
    assert json_post(browser, "/api/comics", {"title": "Token"}, X_CSRFToken=token).status_code == 201
    assert [c["title"] for c in browser.get("/api/comics").json()] == ["Token"]
    assert json_post(browser, "/api/auth/logout").status_code == 403
    assert browser.get("/api/auth/me").status_code == 200  # still signed in
    assert json_post(browser, "/api/auth/login", {"username": "ann", "password": PASSWORD}).status_code == 403


def test_live_server_checks_csrf(live_studio):
    with httpx.Client(base_url=live_studio) as http:
        token = http.get("/api/auth/csrf").json()["csrf_token"]
        assert http.post("/api/auth/signup", json={"username": "ann", "password": PASSWORD}).status_code == 403
        made = http.post(
            "/api/auth/signup", json={"username": "ann", "password": PASSWORD}, headers={"X-CSRFToken": token}
        )
        assert made.status_code == 201
        assert http.post("/api/comics", json={"title": "x"}).status_code == 403
        token = http.cookies["csrftoken"]
        assert http.post("/api/comics", json={"title": "x"}, headers={"X-CSRFToken": token}).status_code == 201


# The local author ---------------------------------------------------------------------------------------------


def test_auto_login_middleware_is_installed_only_when_the_setting_is_on(tmp_path):
    middleware = "stripstudio.web.accounts.autologin.AutoLoginMiddleware"
    on = django_settings(StudioSettings(data_dir=tmp_path, auto_login=True, secret_key="x"))["MIDDLEWARE"]
    off = django_settings(StudioSettings(data_dir=tmp_path, secret_key="x"))["MIDDLEWARE"]
    assert middleware in on and middleware not in off
    assert on.index(middleware) == on.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1


def test_production_settings_answer_only_their_own_host_names(tmp_path):
    hosts = django_settings(StudioSettings(data_dir=tmp_path, secret_key="x"))["ALLOWED_HOSTS"]
    assert hosts == ["127.0.0.1", "localhost"]
    chosen = StudioSettings(data_dir=tmp_path, secret_key="x", allowed_hosts="studio.example, www.studio.example")
    assert django_settings(chosen)["ALLOWED_HOSTS"] == ["studio.example", "www.studio.example"]


def _through_middleware(session: dict | None = None, user=None, **meta):
    """A GET (from 127.0.0.1 unless ``meta`` says otherwise) through sessions, authentication and the
    auto-login middleware; returns the request."""
    from django.contrib.auth.middleware import AuthenticationMiddleware

    request = RequestFactory().get("/api/auth/me", **meta)
    SessionMiddleware(lambda r: None).process_request(request)
    for key, value in (session or {}).items():
        request.session[key] = value
    AuthenticationMiddleware(lambda r: None).process_request(request)
    if user is not None:
        request.user = user
    AutoLoginMiddleware(lambda r: r)(request)
    return request


def test_auto_login_signs_an_anonymous_visitor_in_as_the_local_author(db):
    request = _through_middleware()
    assert request.user.is_authenticated and request.user.username == LOCAL_AUTHOR
    assert not request.user.has_usable_password()  # nobody can log in as them with a password
    assert request.session["_auth_user_id"] == str(request.user.pk)
    again = _through_middleware()
    assert again.user.pk == request.user.pk and get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    "meta",
    [
        {"HTTP_X_FORWARDED_FOR": "203.0.113.9"},
        {"HTTP_FORWARDED": "for=203.0.113.9"},
        {"HTTP_X_REAL_IP": "203.0.113.9"},
        {"HTTP_X_FORWARDED_PROTO": "https"},
        {"HTTP_X_FORWARDED_HOST": "studio.example"},
        {"HTTP_VIA": "1.1 proxy"},
        {"REMOTE_ADDR": "192.168.1.20"},
        {"REMOTE_ADDR": ""},
    ],
)
def test_auto_login_never_signs_in_a_request_through_a_proxy_or_from_another_machine(db, meta):
    request = _through_middleware(**meta)
    assert not request.user.is_authenticated
    assert not get_user_model().objects.filter(username=LOCAL_AUTHOR).exists()


def test_auto_login_signs_in_direct_requests_from_ipv6_loopback(db):
    assert _through_middleware(REMOTE_ADDR="::1").user.username == LOCAL_AUTHOR


def test_auto_login_leaves_signed_out_and_signed_in_visitors_alone(db):
    assert not _through_middleware({SIGNED_OUT: True}).user.is_authenticated
    ann = get_user_model().objects.create_user("ann", password=PASSWORD)
    assert _through_middleware(user=ann).user == ann
    assert not get_user_model().objects.filter(username=LOCAL_AUTHOR).exists()


# stripstudio serve as a process ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stripstudio() -> list[str]:
    script = Path(sys.executable).parent / "stripstudio"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from stripstudio.cli.app import main; main()"]


class Served:
    """A ``stripstudio serve`` subprocess with its own data folder."""

    def __init__(self, data_dir: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        extra, env = (
            env,
            {key: value for key, value in os.environ.items() if not key.startswith(("STRIPSTUDIO_", "DJANGO_"))},
        )
        env.update(
            STRIPSTUDIO_DATA_DIR=str(data_dir),
            STRIPSTUDIO_DEFAULT_MODEL="tiny-random-sdxl",
            STRIPSTUDIO_OFFLINE="1",
            HF_HUB_OFFLINE="1",
            PYTHONUNBUFFERED="1",
            COLUMNS="200",
        )
        env.update(extra or {})
        self.process = subprocess.Popen(
            [*_stripstudio(), "serve", "--port", str(self.port), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_until_ready(self, timeout: float = 120) -> bool:
        """Poll until the server answers: True; False when another process took its port first (start again).

        Fails with the server's output if it exits otherwise or takes too long.
        """
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                out, err = self.process.communicate()
                if "address already in use" in err:
                    return False
                pytest.fail(f"stripstudio serve exited with {self.process.returncode}:\n{out}\n{err}")
            try:
                httpx.get(f"{self.url}/api/auth/csrf", timeout=2)
                return True
            except httpx.TransportError:
                assert time.monotonic() < deadline, f"stripstudio serve did not answer within {timeout} s"
                time.sleep(0.05)

    def stop(self, signum: int = signal.SIGINT, timeout: float = 30) -> tuple[int, str, str]:
        """Send ``signum``; wait for the exit; returns (exit status, stdout, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            pytest.fail(f"stripstudio serve still ran {timeout} s after signal {signum}:\n{out}\n{err}")
        return self.process.returncode, out, err


@pytest.fixture
def serving(tmp_path):
    """Start ``stripstudio serve`` processes and wait until they answer; whatever still runs at the end is killed."""
    started: list[Served] = []

    def start(*args: str, data_dir: Path | None = None, ready: bool = True, env: dict | None = None) -> Served:
        data_dir = data_dir or tmp_path / f"data-{len(started)}"
        for _attempt in range(3):  # the free port may be taken before the server binds it
            served = Served(data_dir, *args, env=env)
            started.append(served)
            if not ready or served.wait_until_ready():
                return served
        pytest.fail("stripstudio serve found its port taken three times")

    yield start
    for served in started:
        if served.process.poll() is None:
            served.process.kill()
            served.process.communicate()


def test_serve_migrates_serves_signs_in_the_local_author_and_stops_on_sigint(serving, tmp_path):
    data_dir = tmp_path / "data"
    served = serving("--auto-login", data_dir=data_dir)

    database = data_dir / "studio.sqlite3"
    assert database.is_file()
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = {row[0] for row in connection.execute("SELECT DISTINCT app FROM django_migrations")}
    assert {"studio_comic", "studio_panel", "jobs_job", "auth_user", "django_session"} <= tables
    assert {"studio", "jobs", "auth", "sessions"} <= applied
    page = httpx.get(f"{served.url}/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<!doctype html>" in page.text.lower()
    schema = httpx.get(f"{served.url}/api/openapi.json")
    assert schema.status_code == 200 and "/api/comics" in schema.json()["paths"]

    with httpx.Client(base_url=served.url) as browser:  # on 127.0.0.1 a visitor is the local author ...
        me = browser.get("/api/auth/me")
        assert me.status_code == 200 and me.json()["username"] == LOCAL_AUTHOR
        token = browser.get("/api/auth/csrf").json()["csrf_token"]
        assert browser.post("/api/comics", json={"title": "Mine"}, headers={"X-CSRFToken": token}).status_code == 201
        assert browser.post("/api/auth/logout", headers={"X-CSRFToken": token}).status_code == 204
        assert browser.get("/api/auth/me").status_code == 401  # ... until they log out
        assert browser.get("/api/comics").status_code == 401
    with httpx.Client(base_url=served.url) as other_browser:
        assert [c["title"] for c in other_browser.get("/api/comics").json()] == ["Mine"]
    with httpx.Client(base_url=served.url, headers={"X-Forwarded-For": "203.0.113.9"}) as through_a_proxy:
        assert through_a_proxy.get("/api/comics").status_code == 401

    status, out, err = served.stop(signal.SIGINT)

    assert status in (0, 128 + signal.SIGINT), (status, out, err)
    assert f"http://127.0.0.1:{served.port}/" in out and "AUTO-LOGIN IS ON" in out and "'author'" in out
    assert "Traceback" not in err, err
    with socket.socket() as port:
        port.bind(("127.0.0.1", served.port))  # free again


def test_serve_without_auto_login_asks_to_sign_in_and_stops_on_sigterm(serving):
    served = serving()  # auto-login is off unless asked for
    assert httpx.get(f"{served.url}/api/auth/me").status_code == 401

    status, out, err = served.stop(signal.SIGTERM)

    assert status == 128 + signal.SIGTERM, (status, out, err)  # exited, worker stopped, not killed by the signal
    assert f"http://127.0.0.1:{served.port}/" in out and "AUTO-LOGIN" not in out
    assert "Traceback" not in err, err


def test_auto_login_on_every_network_refuses_to_start(serving, tmp_path):
    served = serving("--host", "0.0.0.0", "--auto-login", data_dir=tmp_path / "refused", ready=False)
    out, err = served.process.communicate(timeout=60)
    assert served.process.returncode == 2, (out, err)
    assert "only works on 127.0.0.1" in re.sub(r"[\s│]+", " ", err), err
    assert not (tmp_path / "refused" / "studio.sqlite3").exists()


def test_auto_login_from_the_environment_on_every_network_refuses_to_start(serving, tmp_path):
    refused = tmp_path / "refused"
    served = serving("--host", "0.0.0.0", data_dir=refused, ready=False, env={"STRIPSTUDIO_AUTO_LOGIN": "1"})
    out, err = served.process.communicate(timeout=60)
    assert served.process.returncode == 2, (out, err)
    assert "only works on 127.0.0.1" in re.sub(r"[\s│]+", " ", err), err
    assert not (refused / "studio.sqlite3").exists()


def test_serve_on_every_network_answers_only_the_allowed_host_names(serving):
    served = serving("--host", "0.0.0.0", env={"STRIPSTUDIO_ALLOWED_HOSTS": "studio.example"})
    assert httpx.get(f"{served.url}/api/auth/csrf", headers={"Host": "studio.example"}).status_code == 200
    assert httpx.get(f"{served.url}/api/auth/csrf", headers={"Host": "127.0.0.1"}).status_code == 400
    assert httpx.get(f"{served.url}/api/auth/me", headers={"Host": "studio.example"}).status_code == 401
    status, out, err = served.stop()
    assert "Answering any host name" not in out and "AUTO-LOGIN" not in out, out


def test_serve_answers_sign_ins_past_the_failure_limit_with_429(serving):
    served = serving(env={"STRIPSTUDIO_LOGIN_FAILURE_LIMIT": "3", "STRIPSTUDIO_LOGIN_LOCKOUT_MINUTES": "2"})
    with httpx.Client(base_url=served.url) as browser:
        token = browser.get("/api/auth/csrf").json()["csrf_token"]
        answers = [
            browser.post(
                "/api/auth/login", json={"username": "ann", "password": "guess"}, headers={"X-CSRFToken": token}
            )
            for _ in range(4)
        ]
    assert [a.status_code for a in answers] == [401, 401, 429, 429]
    assert answers[-1].headers["retry-after"] == "120"
    assert "try again in 2 minutes" in answers[-1].json()["detail"]
