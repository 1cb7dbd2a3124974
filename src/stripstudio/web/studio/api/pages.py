"""A comic's page as it prints: the page preview, drawn by the same code as the PDF export's pages."""

from __future__ import annotations

import io

from django.http import HttpResponse
from ninja import Router

from stripstudio.export.episode import translate_layout_errors
from stripstudio.jobs.storage import stored_name, stored_path
from stripstudio.layout import iter_pages, page_count, page_frames
from stripstudio.lettering import LetteringError
from stripstudio.production.export_comic import LetteredPanels, open_picture
from stripstudio.web.studio import models
from stripstudio.web.studio.api.access import owned
from stripstudio.web.studio.api.comics import checked_comic
from stripstudio.web.studio.api.validation import invalid
from stripstudio.web.studio.runners.exporting import chosen_images

router = Router(tags=["pages"])


@router.get("/comics/{comic_id}/pages/{number}", response={200: bytes})
def page_preview(request, comic_id: int, number: int):
    """Page ``number`` (from 1) of a comic laid out in pages, as PNG with its bleed, as the PDF prints it.

    Each panel's picked picture (else its newest first candidate) is fitted to its frame and
    lettered there, exactly as the export does.
    """
    row = owned(request, models.Comic, comic_id)
    comic = checked_comic(row)
    if comic.layout.mode != "pages":
        raise invalid("layout.mode", "this comic is a webtoon strip: set the layout's mode to pages to preview pages")
    with translate_layout_errors():
        total = page_count(len(comic.panels), comic.layout) if comic.panels else 0
        if not 1 <= number <= total:
            raise invalid("page", f"the comic has {total} page(s): ask for a page from 1 to {total}")
        per_page = len(page_frames(comic.layout))
        images = chosen_images(row)
        art = LetteredPanels(comic, lambda index: open_picture(stored_path(stored_name(images[index].file))))
        try:
            page = next(iter_pages(art[(number - 1) * per_page : number * per_page], comic.layout))
        except LetteringError as error:
            raise invalid("bubbles", str(error)) from None
    buffer = io.BytesIO()
    page.image.save(buffer, format="PNG", compress_level=3)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response
