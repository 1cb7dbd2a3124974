"""The render manifest: which files a render wrote for each panel, with seeds and picks."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

MANIFEST_NAME = "manifest.json"


class CandidateFile(BaseModel):
    """One drawn candidate: its file (relative to the render folder) and seed."""

    file: str
    seed: int


class PanelRender(BaseModel):
    """What was drawn for one panel and which candidate the author picked (0-based)."""

    id: str
    index: int
    prompt: str
    negative_prompt: str
    request: dict
    candidates: list[CandidateFile] = Field(default_factory=list)
    picked: int = 0


class RenderManifest(BaseModel):
    """Everything a render folder holds, readable by the export step and by people."""

    title: str
    script: str | None = None
    engine: str
    model: str
    panels: list[PanelRender] = Field(default_factory=list)

    def panel(self, panel_id: str) -> PanelRender | None:
        """The render of the panel with ``panel_id``, if any."""
        return next((p for p in self.panels if p.id == panel_id), None)

    def put(self, render: PanelRender) -> None:
        """Add or replace a panel's render, keeping panels in comic order."""
        self.panels = sorted([p for p in self.panels if p.id != render.id] + [render], key=lambda p: p.index)


def read_manifest(folder: Path) -> RenderManifest | None:
    """The manifest in ``folder``, or None if there is none yet."""
    path = Path(folder) / MANIFEST_NAME
    return RenderManifest.model_validate_json(path.read_text()) if path.is_file() else None


def write_manifest(folder: Path, manifest: RenderManifest) -> Path:
    """Write the manifest atomically (a crash leaves the previous one intact)."""
    path = Path(folder) / MANIFEST_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".partial") as handle:
        handle.write(manifest.model_dump_json(indent=2))
    os.replace(handle.name, path)
    return path
