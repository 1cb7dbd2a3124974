"""Exporting a panel of a comic as a ComfyUI API workflow."""

from __future__ import annotations

from typing import Any

from stripstudio.domain import Comic
from stripstudio.engines.comfyui.export import export_workflow
from stripstudio.production.panel_request import PanelOverrides
from stripstudio.production.render_comic import plan_render
from stripstudio.settings import StudioSettings


def panel_workflow(
    comic: Comic,
    panel_id: str,
    settings: StudioSettings,
    overrides: PanelOverrides | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """The API-format graph that draws panel ``panel_id`` (checked against the server at ``url`` if given)."""
    (planned,) = plan_render(comic, settings.default_model, overrides, only=[panel_id])
    return export_workflow(planned.request, settings, url)
