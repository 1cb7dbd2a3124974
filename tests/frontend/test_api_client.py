"""The browser studio's API client stays in step with the server: the committed OpenAPI schema
(frontend/openapi.json) is the server's current one, and the TypeScript types generated from it
(frontend/src/api/schema.d.ts) are what openapi-typescript makes of it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FRONTEND = REPO / "frontend"
REGENERATE = "npm --prefix frontend run api:generate"


def current_schema_text() -> str:
    """The schema exactly as `stripstudio openapi` writes it."""
    from stripstudio.web.api import api

    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"


def test_committed_openapi_schema_is_the_servers():
    committed = (FRONTEND / "openapi.json").read_text(encoding="utf-8")
    assert committed == current_schema_text(), (
        "frontend/openapi.json differs from the server's API schema: regenerate it and the client types with "
        f"`{REGENERATE}` (runs `stripstudio openapi -o frontend/openapi.json` and openapi-typescript), then commit both"
    )


def test_generated_types_match_the_committed_schema():
    npm = shutil.which("npm")
    assert npm, "npm is needed to check frontend/src/api/schema.d.ts (install Node 20, run `npm --prefix frontend ci`)"
    assert (FRONTEND / "node_modules" / ".bin" / "openapi-typescript").exists(), (
        "frontend/node_modules is missing: run `npm --prefix frontend ci` first"
    )
    result = subprocess.run(
        [npm, "--prefix", str(FRONTEND), "run", "--silent", "api:check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, (
        f"frontend/src/api/schema.d.ts is not generated from frontend/openapi.json; run `{REGENERATE}`.\n"
        f"{result.stdout}{result.stderr}"
    )
