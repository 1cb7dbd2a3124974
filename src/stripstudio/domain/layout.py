"""How chosen panels are put together: a vertical webtoon strip or pages."""

from typing import Literal

from pydantic import Field

from stripstudio.domain.base import DomainModel


class Layout(DomainModel):
    """Strip or page layout settings; ``width`` and ``gutter`` are in pixels."""

    mode: Literal["webtoon", "pages"] = "webtoon"
    width: int = Field(800, ge=100, le=4000)
    gutter: int = Field(40, ge=0, le=2000)
    margin: int = Field(0, ge=0, le=2000)
    background: str = Field("#ffffff", pattern=r"^#[0-9a-fA-F]{6}$")
