"""End-to-end fixtures: a live `stripstudio serve` (tiny model, no auto sign-in) and Debian's Chromium
driven by Playwright. Screenshots of each step go to test-output/e2e/."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "e2e"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def prepare_data_dir() -> Callable[[Path], None]:
    """What goes into the studio's data folder before it starts (a test module overrides this: model files)."""
    return lambda data_dir: None


@pytest.fixture(scope="module")
def studio_url(tmp_path_factory, prepare_data_dir) -> Iterator[str]:
    """`stripstudio serve` on a free port with its own data folder and the tiny model; yields its URL."""
    data_dir = tmp_path_factory.mktemp("e2e-data")
    prepare_data_dir(data_dir)
    port = _free_port()
    env = {
        **os.environ,
        "STRIPSTUDIO_DATA_DIR": str(data_dir),
        "STRIPSTUDIO_DEFAULT_MODEL": "tiny-random-sdxl",
        "STRIPSTUDIO_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
    }
    command = [sys.executable, "-m", "stripstudio", "serve", "--port", str(port), "--no-auto-login"]
    log = open(data_dir / "serve.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, data_dir / "serve.log")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"stripstudio serve exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/api/auth/csrf", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"stripstudio serve did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# Chromium reports whatever the server's Content-Security-Policy blocks as an event (and a console error).
RECORD_CSP_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
});
"""


@pytest.fixture
def page(browser, studio_url):
    """A fresh browser context (no cookies) at 1280×800 with downloads allowed; at the end, asserts that the
    Content-Security-Policy blocked nothing on the last page shown, nor on any page logged to the console."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True, base_url=studio_url)
    context.set_default_timeout(30_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    violations = page.evaluate("() => window.__violations || []")
    context.close()
    assert violations == [] and blocked == [], (violations, blocked)


@pytest.fixture
def shoot(request):
    """shoot(page, "name"): a screenshot in test-output/e2e/<test>/NN-name.png (the folder starts empty)."""
    folder = SCREENSHOTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)  # no stale shots from an earlier run with other steps
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return take
