"""How chosen panels are put together: a vertical webtoon strip or printed pages."""

from typing import Literal

from pydantic import Field, model_validator

from stripstudio.domain.base import DomainModel

PagePreset = Literal["single", "two-stacked", "2x2", "three-rows", "manga-5"]
Paper = Literal["A4", "Letter", "B5"]


class GridCell(DomainModel):
    """One frame of a custom page grid; rows and columns count from 0, spans from 1."""

    row: int = Field(ge=0)
    column: int = Field(ge=0)
    row_span: int = Field(1, ge=1)
    column_span: int = Field(1, ge=1)


class PageLayout(DomainModel):
    """Page size and frame grid for print: a preset, or ``rows`` x ``columns`` with ``cells``.

    Cells are filled with panels in the order listed. Sizes are in millimetres at ``dpi``.
    """

    paper: Paper = "A4"
    dpi: int = Field(300, ge=72, le=1200)
    preset: PagePreset | None = "2x2"
    rows: int | None = Field(None, ge=1, le=12)
    columns: int | None = Field(None, ge=1, le=12)
    cells: list[GridCell] = Field(default_factory=list, max_length=144)
    margin_mm: float = Field(12.0, ge=0, le=100)
    bleed_mm: float = Field(3.0, ge=0, le=20)
    gutter_mm: float = Field(4.0, ge=0, le=50)

    @model_validator(mode="after")
    def _grid_is_complete(self) -> "PageLayout":
        custom = self.rows is not None or self.columns is not None or bool(self.cells)
        if custom and not (self.rows and self.columns and self.cells):
            raise ValueError("a custom page grid needs rows, columns and cells (or use a preset)")
        for cell in self.cells:
            if cell.row + cell.row_span > (self.rows or 0) or cell.column + cell.column_span > (self.columns or 0):
                raise ValueError(f"cell at row {cell.row}, column {cell.column} reaches outside the grid")
        return self


class Layout(DomainModel):
    """Strip or page layout. Webtoon sizes (``width``, ``gutter``, ``margin``) are in pixels."""

    mode: Literal["webtoon", "pages"] = "webtoon"
    width: int = Field(800, ge=100, le=4000)
    gutter: int = Field(40, ge=0, le=2000)
    margin: int = Field(0, ge=0, le=2000)
    background: str = Field("#ffffff", pattern=r"^#[0-9a-fA-F]{6}$")
    page: PageLayout = Field(default_factory=PageLayout)
