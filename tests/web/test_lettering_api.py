"""The lettering the editor draws is the lettering the export draws: for every kind of bubble, the outline,
tails, thought circles, colours and SFX turn that /lettering reports (and the editor draws as given) match
the pixels of the exported picture within a few pixels, in the panel's page frame; new bubbles go where
nothing else is."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from PIL import Image, ImageDraw, ImageFilter
from shapely.geometry import MultiPoint, Polygon, box

from stripstudio.domain import BubbleKind, PageLayout
from stripstudio.jobs.storage import store_bytes
from stripstudio.web.studio import models
from tests.web.test_content_api import Api, signed_in

BACKGROUND = (90, 140, 90)
TOLERANCE = 3  # pixels between the editor's outline and the exported one
PAGE = PageLayout(paper="A4", dpi=100, preset="two-stacked")  # wide frames: the frame crops a square picture

# One bubble of each kind, apart from each other, with the style fields set on some.
BUBBLES = [
    {"kind": "speech", "text": "Hello there!", "speaker": "Mia", "x": 0.2, "y": 0.2, "tail_x": 0.2, "tail_y": 0.6},
    {"kind": "thought", "text": "Hmm...", "speaker": "Leo", "x": 0.5, "y": 0.2, "tail_x": 0.5, "tail_y": 0.6},
    {"kind": "shout", "text": "STOP!", "x": 0.8, "y": 0.22, "fill": "#ffe0e0", "border_color": "#aa0000"},
    {"kind": "whisper", "text": "psst", "speaker": "Mia", "x": 0.18, "y": 0.75, "tail_x": 0.05, "tail_y": 0.5},
    {"kind": "caption", "text": "Later.", "x": 0.5, "y": 0.85, "italic": True, "bold": True},
    {"kind": "sfx", "text": "BAM", "x": 0.8, "y": 0.7, "rotation": 25, "font_size": 60},
]


@pytest.fixture
def lettered(db) -> tuple[Api, dict, dict]:
    """A page-layout comic whose one panel has a bubble of every kind and a picked square picture."""
    api = signed_in("lena")
    comic = api.call(
        "POST", "/api/comics", 201, {"title": "Kinds", "layout": {"mode": "pages", "page": PAGE.model_dump()}}
    )
    for name in ("Mia", "Leo"):
        api.call("POST", f"/api/comics/{comic['id']}/characters", 201, {"name": name})
    panel = api.call(
        "POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "p", "characters": ["Mia", "Leo"]}
    )
    for bubble in BUBBLES:
        api.call("POST", f"/api/panels/{panel['id']}/bubbles", 201, bubble)
    give_picture(panel["id"], (600, 600))
    return api, comic, panel


def give_picture(panel_id: int, size: tuple[int, int]) -> None:
    """A flat picture, picked, as a generation job would leave it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, BACKGROUND).save(buffer, "PNG")
    name, _sha = store_bytes(buffer.getvalue(), ".png")
    owner = get_user_model().objects.get(username="lena")
    models.GeneratedImage.objects.create(
        owner=owner, panel_id=panel_id, candidate=0, file=name, seed=1, width=size[0], height=size[1], picked=True
    )


def exported(api: Api, panel_id: int) -> np.ndarray:
    response = api.client.get(f"/api/panels/{panel_id}/lettered")
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as picture:
        return np.asarray(picture.convert("RGB"))


def drawn_mask(shapes: list[list[tuple[float, float]]], size: tuple[int, int]) -> Image.Image:
    """The shapes the editor draws (fractions of the frame), filled, at the frame's pixel size."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    for points in shapes:
        draw.polygon([(x * size[0], y * size[1]) for x, y in points], fill=255)
    return mask


def covers(outer: Image.Image, inner: Image.Image, slack: int) -> float:
    """The share of ``inner``'s pixels that lie within ``slack`` pixels of ``outer``'s."""
    grown = np.asarray(outer.filter(ImageFilter.MaxFilter(2 * slack + 1))) > 0
    pixels = np.asarray(inner) > 0
    return float((grown & pixels).sum() / max(1, pixels.sum()))


def test_the_editor_outline_of_every_kind_is_the_exported_outline(lettered):
    api, _comic, panel = lettered
    lettering = api.call("GET", f"/api/panels/{panel['id']}/lettering")
    size = (lettering["width"], lettering["height"])
    assert lettering["framed"] and size[0] > 1.3 * size[1]  # the wide frame of the page, not the square picture
    left, top, right, bottom = lettering["crop"]
    assert (left, right) == (0, 1) and 0 < top < bottom < 1  # the frame shows a band of the picture
    picture = exported(api, panel["id"])
    assert picture.shape[:2] == (size[1], size[0])
    changed = Image.fromarray(((np.abs(picture.astype(int) - BACKGROUND).sum(axis=2)) > 24).astype(np.uint8) * 255)
    kinds = {b["kind"] for b in lettering["bubbles"]}
    assert kinds == {str(k) for k in BubbleKind}
    for bubble in lettering["bubbles"]:
        region = pixel_box(bubble["box"], size)
        if bubble["tail_tips"]:
            tips = [(x * size[0], y * size[1]) for x, y in bubble["tail_tips"]]
            region = MultiPoint([*region.exterior.coords, *tips]).convex_hull
        window = Image.new("L", size, 0)
        ImageDraw.Draw(window).polygon(list(region.buffer(2 * TOLERANCE).exterior.coords), fill=255)
        export = Image.fromarray(np.asarray(changed) & np.asarray(window))
        if bubble["kind"] == "sfx":
            check_sfx(bubble, export, picture, size)
            continue
        editor = drawn_mask([bubble["outline"], *bubble["trail"]], size)
        assert covers(editor, export, TOLERANCE) > 0.995, bubble["kind"]
        assert covers(export, editor, TOLERANCE) > 0.995, bubble["kind"]
        assert_colours(bubble, picture, size)


def assert_colours(bubble: dict, picture: np.ndarray, size: tuple[int, int]) -> None:
    """The fill the editor paints is the exported fill, and the outline is drawn in the border colour."""
    cx, cy = bubble["center"]
    line = bubble["lines"][0]
    inside = (round(cx * size[0]), round(line["baseline"] * size[1] - bubble["font_size"] * 1.2))
    assert tuple(picture[inside[1], inside[0]]) == rgb(bubble["fill"]), bubble["kind"]
    edge = min(bubble["outline"], key=lambda p: p[1])  # the top of the outline
    x, y = round(edge[0] * size[0]), round(edge[1] * size[1] + 1)
    near = picture[y : y + 2, x - 1 : x + 2].reshape(-1, 3)
    if not bubble["dashed"]:
        assert any(np.abs(p.astype(int) - rgb(bubble["border_color"])).sum() < 40 for p in near), bubble["kind"]


def check_sfx(bubble: dict, export: Image.Image, picture: np.ndarray, size: tuple[int, int]) -> None:
    """An SFX is drawn turned by its rotation, in its fill colour, inside the box the editor selects."""
    ys, xs = np.nonzero(np.asarray(export))
    points = MultiPoint(list(zip(xs.tolist(), ys.tolist(), strict=True)))
    assert pixel_box(bubble["box"], size).buffer(TOLERANCE).contains(points)
    turned = points.minimum_rotated_rectangle
    assert isinstance(turned, Polygon)
    corners = list(turned.exterior.coords)
    edges = [(corners[i], corners[i + 1]) for i in range(4)]
    longest = max(edges, key=lambda e: math.dist(*e))
    angle = math.degrees(math.atan2(-(longest[1][1] - longest[0][1]), longest[1][0] - longest[0][0])) % 180
    assert angle == pytest.approx(bubble["rotation"], abs=6)
    colours = [tuple(picture[y, x]) for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
    assert max(set(colours), key=colours.count) == rgb(bubble["fill"])


def pixel_box(fractions: list[float], size: tuple[int, int]) -> Polygon:
    left, top, right, bottom = fractions
    return box(left * size[0], top * size[1], right * size[0], bottom * size[1])


def rgb(color: str) -> tuple[int, int, int]:
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


def test_a_new_bubble_takes_free_space(lettered):
    api, _comic, panel = lettered
    before = api.call("GET", f"/api/panels/{panel['id']}/lettering")["bubbles"]
    for kind, text in (("speech", "New one here"), ("sfx", "POW")):
        made = api.call("POST", f"/api/panels/{panel['id']}/bubbles", 201, {"kind": kind, "text": text})
        assert made["spec"]["x"] is not None and made["spec"]["y"] is not None  # pinned where it was put
        after = api.call("GET", f"/api/panels/{panel['id']}/lettering")["bubbles"]
        new = next(b for b in after if b["bubble_id"] == made["id"])
        for other in before:
            assert not covered(new).intersects(covered(other)), (kind, other["kind"])
        before = after


def covered(bubble: dict) -> Polygon:
    """What a bubble covers (fractions of the frame): its outline with tails, or an SFX's box."""
    return Polygon(bubble["outline"]) if bubble["outline"] else box(*bubble["box"])


def test_a_new_bubble_without_a_picture_is_placed_when_lettered(db):
    api = signed_in("noor")
    comic = api.call("POST", "/api/comics", 201, {"title": "Empty"})
    panel = api.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "p"})
    made = api.call("POST", f"/api/panels/{panel['id']}/bubbles", 201, {"text": "Hi"})
    assert made["spec"]["x"] is None and made["spec"]["y"] is None


def test_a_new_bubble_in_a_full_panel_goes_to_the_middle_and_the_panel_stays_lettered(lettered):
    api, _comic, panel = lettered
    for x, y in ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)):  # captions tiling the whole frame
        box = {"x": x, "y": y, "width": 0.5, "height": 0.5}
        api.call("POST", f"/api/panels/{panel['id']}/bubbles", 201, {"kind": "caption", "text": "Full.", **box})
    made = api.call("POST", f"/api/panels/{panel['id']}/bubbles", 201, {"text": "And me?"})
    assert (made["spec"]["x"], made["spec"]["y"]) == (0.5, 0.5)
    bubbles = api.call("GET", f"/api/panels/{panel['id']}/lettering")["bubbles"]
    assert made["id"] in {b["bubble_id"] for b in bubbles}
