"""``tools/check_comfyui_server.py``: a report from a running server, one paragraph when there is none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.services import free_port

from .fake_server import fake_comfyui

TOOL = Path(__file__).resolve().parents[3] / "tools" / "check_comfyui_server.py"


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=300, check=False)


def test_a_server_that_is_not_running_gets_one_paragraph_and_status_2():
    url = f"http://127.0.0.1:{free_port()}"
    result = check("--url", url, "--model", "tiny_sdxl")
    assert result.returncode == 2 and result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"Cannot check the ComfyUI server: could not reach the ComfyUI server at {url}")
    assert "check the URL and that the server is running" in message and "--url" in message


def test_a_running_server_is_checked_task_by_task():
    with fake_comfyui() as server:
        result = check("--url", server.url, "--model", "tiny_sdxl", "--only", "text_to_image", "outpaint")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("tasks: text_to_image, image_to_image")
    assert [line[:24].strip() for line in lines[1:]] == ["text_to_image", "outpaint", "text_to_image + LoRA"]
    assert all(" ok in " in line and "2 image(s)" in line for line in lines[1:])
