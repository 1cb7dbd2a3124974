"""The browser studio and the API documentation work under the server's Content-Security-Policy.

Chromium reports every blocked script, style, font, picture or connection as a ``securitypolicyviolation``
event and a console error, and the ``page`` fixture fails a test that caused any: here an author's usual
steps (sign up, a comic, a sketch, generating and picking, a speech bubble drawn with the lettering fonts)
and Swagger UI.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_author_loop import SAVE_TIMEOUT, api_get, api_send, draw, pick, run_job, sign_up

pytestmark = pytest.mark.slow

expect.set_options(timeout=30_000)


def test_the_studio_works_under_its_content_security_policy(page: Page):
    with page.expect_response(lambda r: r.url.endswith("/")) as first:
        page.goto("/")
    policy = first.value.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy

    sign_up(page, "cass")
    page.get_by_label("Title", exact=True).fill("Policy")
    page.get_by_test_id("create-comic").click()
    page.wait_for_url(re.compile(r"/comics/\d+"))
    comic_id = int(re.search(r"/comics/(\d+)", page.url).group(1))
    small = {"generation": {"steps": 2, "width": 128, "height": 128, "candidates": 2}}
    api_send(page, "PATCH", f"/api/comics/{comic_id}", small)

    page.reload()
    page.get_by_test_id("section-panels").click()
    page.get_by_label("New panel description").fill("A lighthouse in a storm")
    page.get_by_role("button", name="Add panel").click()
    page.get_by_test_id("panel-link-1").click()
    page.get_by_role("tab", name="Scene & sketch").click()
    sketch = page.get_by_test_id("sketch-canvas")
    draw(page, sketch, [(0.2, 0.8), (0.5, 0.2), (0.8, 0.8)])
    page.get_by_test_id("save-sketch").click()
    expect(page.get_by_test_id("sketch-status")).to_have_text("Sketch saved", timeout=SAVE_TIMEOUT)

    page.get_by_role("tab", name="Generate").click()
    run_job(page, lambda: page.get_by_test_id("generate").click())  # events over EventSource, previews
    grid = page.get_by_test_id("candidate-grid")
    expect(grid.get_by_test_id("candidate")).to_have_count(2)
    pick(page, grid, 1)

    page.get_by_role("tab", name="Canvas").click()  # opens on the lettering layer
    page.get_by_test_id("add-speech").click()
    page.get_by_test_id("bubble-text").fill("Storm's coming!")
    page.get_by_test_id("bubble-text").blur()
    expect(page.get_by_test_id("lettering-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    (panel,) = api_get(page, f"/api/comics/{comic_id}/panels")
    assert api_get(page, f"/api/panels/{panel['id']}/bubbles")[0]["spec"]["text"] == "Storm's coming!"
    loaded = page.evaluate(
        """async () => {
          const families = ["Comic Neue", "Bangers", "Patrick Hand", "Noto Sans"];
          await Promise.all(families.map((f) => document.fonts.load(`20px "${f}"`)));
          return families.filter((f) => document.fonts.check(`20px "${f}"`) &&
            [...document.fonts].some((face) => face.family.replaceAll('"', "") === f && face.status === "loaded"));
        }"""
    )
    assert loaded == ["Comic Neue", "Bangers", "Patrick Hand", "Noto Sans"]


def test_swagger_ui_works_under_the_policy_without_a_cdn(page: Page, studio_url: str):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui .opblock-summary-path", has_text="/api/comics").first).to_be_visible()
    assert any(url.endswith("swagger-ui-bundle.js") for url in requested), requested
    assert [url for url in requested if not url.startswith(studio_url + "/")] == []
