"""The page preview: one page of a comic laid out in pages, drawn as the PDF export draws it, its
lettering fitted into each frame; asking for a page that does not exist names the page."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from PIL import Image

from stripstudio.domain import Layout, PageLayout
from stripstudio.jobs.storage import store_bytes
from stripstudio.layout import page_frames, page_geometry
from stripstudio.web.studio import models
from tests.web.test_content_api import api, comic, panels_of  # noqa: F401 - fixtures

PAGE = PageLayout(paper="A4", dpi=72, preset="two-stacked")
PICTURE = (200, 400)  # portrait pictures in wide frames: the frame crops them


def give_pictures(api, comic) -> None:  # noqa: F811
    owner = get_user_model().objects.get(username="ann")
    for panel in panels_of(api, comic):
        buffer = io.BytesIO()
        Image.new("RGB", PICTURE, (40, 120, 200)).save(buffer, "PNG")
        name, _sha = store_bytes(buffer.getvalue(), ".png")
        models.GeneratedImage.objects.create(
            owner=owner,
            panel_id=panel["id"],
            candidate=0,
            file=name,
            seed=1,
            width=PICTURE[0],
            height=PICTURE[1],
            picked=True,
        )


def test_a_page_previews_as_it_prints_with_the_bubbles_inside_their_frames(api, comic):  # noqa: F811
    api.call("PATCH", f"/api/comics/{comic['id']}", json={"layout": {"mode": "pages", "page": PAGE.model_dump()}})
    first = panels_of(api, comic)[0]
    api.call(
        "POST",
        f"/api/panels/{first['id']}/bubbles",
        201,
        {"text": "At the edge!", "kind": "shout", "x": 0.5, "y": 0.99},
    )
    give_pictures(api, comic)
    response = api.client.get(f"/api/comics/{comic['id']}/pages/1")
    assert response.status_code == 200 and response["content-type"] == "image/png"
    geometry = page_geometry(PAGE)
    with Image.open(io.BytesIO(response.content)) as page:
        assert page.size == (geometry.width, geometry.height)
        top = page_frames(Layout(mode="pages", page=PAGE))[0]
        # The shout asked for the frame's bottom edge: its black outline is inside the frame, above the edge.
        column = [page.convert("RGB").getpixel((top.x + top.width // 2, y)) for y in range(top.y, top.y + top.height)]
        assert any(sum(pixel) < 60 for pixel in column[-top.height // 4 :])
        assert all(pixel == (40, 120, 200) for pixel in column[-2:])  # the edge itself is still the picture


def test_a_page_past_the_last_or_a_webtoon_is_refused_naming_the_field(api, comic):  # noqa: F811
    give_pictures(api, comic)
    refused = api.invalid("GET", f"/api/comics/{comic['id']}/pages/1")
    assert "layout.mode" in refused
    api.call("PATCH", f"/api/comics/{comic['id']}", json={"layout": {"mode": "pages", "page": PAGE.model_dump()}})
    refused = api.invalid("GET", f"/api/comics/{comic['id']}/pages/2")
    assert "page" in refused and "from 1 to 1" in refused["page"]
