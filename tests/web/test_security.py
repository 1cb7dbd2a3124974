"""HTTP security: HTTPS cookies and HSTS behind a proxy, the Content-Security-Policy, Swagger UI without a
CDN, the lettering fonts served from the package, no session row for anonymous visitors, sign-in
throttling per account and per address, and bounded text in every API input."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from stripstudio.lettering.fonts import FONT_DIR
from stripstudio.settings import StudioSettings
from stripstudio.web.security import CONTENT_SECURITY_POLICY, client_address, security_settings

PASSWORD = "a long enough secret 42"


def _post(client: Client, url: str, payload: dict, **extra):
    return client.post(url, payload, content_type="application/json", **extra)


# HTTPS behind a proxy ------------------------------------------------------------------------------------------


@pytest.fixture
def behind_https_proxy(settings, tmp_path):
    """The test settings as a studio behind a proxy that sends X-Forwarded-Proto."""
    studio = StudioSettings(data_dir=tmp_path, secret_key="x", proxy_ssl_header="X-Forwarded-Proto")
    for name, value in security_settings(studio).items():
        setattr(settings, name, value)
    return studio


def test_https_through_the_proxy_gets_hsts_and_secure_cookies(db, behind_https_proxy):
    client = Client()
    answer = client.get("/api/auth/csrf", HTTP_X_FORWARDED_PROTO="https")
    assert answer["Strict-Transport-Security"] == "max-age=31536000"
    assert client.cookies["csrftoken"]["secure"] is True
    token = answer.json()["csrf_token"]
    made = _post(
        client,
        "/api/auth/signup",
        {"username": "ann", "password": PASSWORD},
        HTTP_X_CSRFTOKEN=token,
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_REFERER="https://testserver/",
    )
    assert made.status_code == 201, made.content
    assert client.cookies["sessionid"]["secure"] is True


def test_plain_http_gets_no_hsts_and_plain_studio_settings_no_secure_cookies(db, tmp_path):
    assert "Strict-Transport-Security" not in Client().get("/api/auth/csrf")
    plain = security_settings(StudioSettings(data_dir=tmp_path, secret_key="x"))
    assert plain["SESSION_COOKIE_SECURE"] is False and plain["SECURE_PROXY_SSL_HEADER"] is None
    direct = security_settings(StudioSettings(data_dir=tmp_path, secret_key="x", https=True))
    assert direct["SESSION_COOKIE_SECURE"] and direct["CSRF_COOKIE_SECURE"] and direct["SECURE_HSTS_SECONDS"] > 0


def test_proxy_ssl_header_must_be_a_header_name(tmp_path):
    with pytest.raises(ValueError, match="proxy_ssl_header"):
        StudioSettings(data_dir=tmp_path, proxy_ssl_header="X-Forwarded-Proto: https")


# Headers on every page -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/auth/csrf", "/api/docs"])
def test_every_page_has_the_content_security_policy(client, db, path):
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY
    assert answer["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/comics/1", "/comics/1/panels/2/generate", "/comics/1/characters/3"])
def test_studio_pages_get_the_policy_with_a_fresh_style_nonce_of_their_own(client, db, path):
    nonces = []
    for _ in range(2):
        answer = client.get(path)
        assert answer.status_code == 200 and answer["X-Content-Type-Options"] == "nosniff"
        (nonce,) = re.findall(r'<meta name="csp-nonce" content="([\w-]+)">', answer.content.decode())
        assert answer["Content-Security-Policy"] == CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", f"style-src 'self' 'nonce-{nonce}'"
        )
        nonces.append(nonce)
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 22


def test_swagger_ui_loads_only_files_of_this_server(client, db):
    page = client.get("/api/docs").content.decode()
    assert not re.findall(r"(?:https?:)?//[\w.-]+", re.sub(r"<!--.*?-->", "", page, flags=re.S))
    scripts = re.findall(r'(?:src|href)="(/[^"]+)"', page)
    assert any(s.endswith("swagger-ui-bundle.js") for s in scripts), scripts
    for url in scripts:
        answer = client.get(url)
        assert answer.status_code == 200, url
        b"".join(answer.streaming_content) if answer.streaming else answer.content  # noqa: B018 - read it


def test_the_studio_fonts_come_from_the_lettering_folder(client, db):
    css_files = re.findall(r'href="(/static/studio/assets/[^"]+\.css)"', client.get("/").content.decode())
    css = b"".join(b"".join(client.get(url).streaming_content) for url in css_files).decode()
    fonts = re.findall(r"url\((/static/studio/fonts/[^)]+\.woff)\)", css)
    assert sorted(url.rsplit("/", 1)[1] for url in set(fonts)) == sorted(p.name for p in FONT_DIR.glob("*.woff"))
    for url in fonts:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert b"".join(answer.streaming_content) == (FONT_DIR / url.rsplit("/", 1)[1]).read_bytes()


def test_anonymous_visits_make_no_session_rows(client, db):
    for path in ["/", "/comics/3", "/api/auth/csrf", "/api/auth/me", "/api/comics", "/api/docs", "/api/openapi.json"]:
        client.get(path)
    token = client.cookies["csrftoken"].value
    _post(client, "/api/auth/login", {"username": "nobody", "password": "wrong"}, HTTP_X_CSRFTOKEN=token)
    assert Session.objects.count() == 0
    _post(client, "/api/auth/signup", {"username": "ann", "password": PASSWORD}, HTTP_X_CSRFTOKEN=token)
    assert Session.objects.count() == 1  # signing in makes the one session


# Sign-in throttling --------------------------------------------------------------------------------------------


def _log_in(username: str, password: str, address: str):
    client = Client(REMOTE_ADDR=address)
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    return _post(client, "/api/auth/login", {"username": username, "password": password}, HTTP_X_CSRFTOKEN=token)


def _assert_locked_out(answer) -> None:
    assert answer.status_code == 429, answer.content
    assert int(answer["Retry-After"]) == 15 * 60
    assert re.search(r"try again in 15 minutes \(after \d\d:\d\d UTC\)", answer.json()["detail"])


def test_an_account_is_locked_after_five_failures_from_any_addresses(db):
    get_user_model().objects.create_user("ann", password=PASSWORD)
    for n in range(4):
        assert _log_in("ann", "wrong password", f"10.0.0.{n}").status_code == 401
    _assert_locked_out(_log_in("ann", "wrong password", "10.0.0.4"))
    _assert_locked_out(_log_in("ann", PASSWORD, "10.0.0.5"))  # even the right password, from a new address
    assert _log_in("ann", PASSWORD, "10.0.0.5").status_code == 429
    get_user_model().objects.create_user("bob", password=PASSWORD)
    assert _log_in("bob", PASSWORD, "10.0.0.6").status_code == 200  # other accounts are not affected


def test_an_address_is_locked_after_five_failures_on_any_accounts(db):
    get_user_model().objects.create_user("ann", password=PASSWORD)
    for n in range(4):
        assert _log_in(f"guess-{n}", "wrong password", "192.0.2.7").status_code == 401
    _assert_locked_out(_log_in("guess-4", "wrong password", "192.0.2.7"))
    _assert_locked_out(_log_in("ann", PASSWORD, "192.0.2.7"))
    assert _log_in("ann", PASSWORD, "192.0.2.8").status_code == 200  # from elsewhere ann still signs in


def test_a_successful_sign_in_resets_the_count(db):
    get_user_model().objects.create_user("ann", password=PASSWORD)
    for _round in range(3):
        for _n in range(4):
            assert _log_in("ann", "wrong password", "10.1.0.1").status_code == 401
        assert _log_in("ann", PASSWORD, "10.1.0.1").status_code == 200


def test_the_client_address_behind_trusted_proxies(settings, rf):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.STRIPSTUDIO = StudioSettings(secret_key="x")
    assert client_address(request) == "127.0.0.1"  # no trusted proxy: the header is anyone's claim
    settings.STRIPSTUDIO = StudioSettings(secret_key="x", trusted_proxy_count=1)
    assert client_address(request) == "198.51.100.4"  # what our proxy saw; "6.6.6.6" was the client's claim
    settings.STRIPSTUDIO = StudioSettings(secret_key="x", trusted_proxy_count=3)
    assert client_address(request) == "127.0.0.1"
