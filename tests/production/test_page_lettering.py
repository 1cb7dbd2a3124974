"""Page layouts letter each panel in its frame: no bubble, tail, thought circle or sound effect is cut
by the frame's edge, whatever the picture's shape, the frame's shape or where the author put the bubble."""

from __future__ import annotations

import pytest
from PIL import Image
from shapely import affinity
from shapely.geometry import Polygon, box

from stripstudio.domain import Bubble, BubbleKind, Character, Comic, Layout, LetteringStyle, PageLayout, Panel, TailTip
from stripstudio.layout import CoverCrop, Page, PanelRect, cover_crop, iter_pages
from stripstudio.production.export_comic import LetteredPanels

# Square, landscape and portrait pictures, in frames that are wide, tall and square (manga-5).
PICTURE_SIZES = [(512, 512), (672, 384), (384, 672), (512, 512), (672, 384), (384, 672), (672, 384)]


def bubbles(i: int) -> list[Bubble]:
    """A speech bubble and two more kinds per panel, some placed by the author at the picture's edges, tails
    toward speakers on and off the panel."""
    extra = [
        Bubble(kind=BubbleKind.THOUGHT, text="Not again...", speaker="Tom", tails=[TailTip(x=1.45, y=0.1)]),
        Bubble(kind=BubbleKind.SHOUT, text="RUN!", speaker="Mira", x=0.97, y=0.5),
        Bubble(kind=BubbleKind.WHISPER, text="over here", speaker="Tom", x=0.05, y=0.95, tail_x=1.4, tail_y=-0.3),
        Bubble(kind=BubbleKind.CAPTION, text="Later that night."),
        Bubble(kind=BubbleKind.SFX, text="KRAKOOM", x=0.9 if i % 2 else 0.1, y=0.9, rotation=20, font_size=60),
    ]
    # Two speakers, one of them off the panel; auto-sized, so the bubble grows to fit its text.
    speech = Bubble(
        kind=BubbleKind.SPEECH,
        text=f"Panel {i}: did you hear that?",
        speaker="Mira",
        x=0.5,
        y=0.03,
        tails=[TailTip(x=-0.3 if i % 2 else 1.3, y=1.2)],
        italic=bool(i % 2),
        text_stroke=1,
    )
    return [speech, extra[i % 5], extra[(i + 2) % 5]]


@pytest.fixture(scope="module")
def comic() -> Comic:
    layout = Layout(mode="pages", page=PageLayout(paper="A4", dpi=150, preset="manga-5"))
    panels = [
        Panel(description=f"panel {i}", characters=["Mira", "Tom"], bubbles=bubbles(i), focus_x=0.2, focus_y=0.8)
        for i in range(len(PICTURE_SIZES))
    ]
    cast = [Character(name="Mira"), Character(name="Tom")]
    style = LetteringStyle(fill="#fff8e0", border_color="#203040", bold=True)
    return Comic(title="Edges", layout=layout, characters=cast, panels=panels, lettering=style)


@pytest.fixture(scope="module")
def pictures() -> list[Image.Image]:
    return [Image.new("RGB", size, (120 + 10 * i, 140, 160)) for i, size in enumerate(PICTURE_SIZES)]


@pytest.fixture(scope="module")
def art(comic, pictures) -> LetteredPanels:
    return LetteredPanels(comic, pictures.__getitem__, find_faces_in=lambda _image: [])


@pytest.fixture(scope="module")
def pages(art, comic) -> list[Page]:
    return list(iter_pages(art, comic.layout))


def on_page(shape: Polygon, crop: CoverCrop, frame: PanelRect) -> Polygon:
    """A shape in the lettered picture's pixels, where the page shows it (through the frame's crop)."""
    scaled = affinity.scale(shape, crop.scale, crop.scale, origin=(0, 0))
    return affinity.translate(scaled, frame.x - crop.left, frame.y - crop.top)


def test_every_bubble_outline_lies_inside_its_frame_on_the_page(art, comic, pictures, pages):
    frames = [frame for page in pages for frame in page.frames]
    assert len(frames) == len(comic.panels) and len(pages) == 2
    aspects = {round(frame.width / frame.height, 1) for frame in frames}
    assert len(aspects) >= 3, aspects  # wide, tall and squarish frames
    kinds, outside, tails = set(), [], 0
    for index, frame in enumerate(frames):
        panel = comic.panels[index]
        lettered = art[index].image
        shown = art.shown(index, pictures[index])
        assert shown.size == lettered.size  # the bubbles below are those of the picture the page shows
        crop = cover_crop(lettered.size, (frame.width, frame.height), panel.focus_x, panel.focus_y)
        edge = box(frame.x, frame.y, frame.right, frame.bottom).buffer(1)
        for placed in art.placed(index, shown):
            kinds.add(placed.kind)
            tails += max(0, len(placed.tail_tips) - 1) + (len(placed.trail) > 3)
            shapes = [placed.outline, *placed.trail] if placed.outline is not None else [placed.footprint]
            for shape in shapes:
                if not edge.contains(on_page(shape, crop, frame)):
                    outside.append(f"panel {index} {placed.kind} {placed.bubble.text!r}")
    assert kinds == set(BubbleKind)
    assert outside == []
    assert tails > len(frames)  # the extra tails were drawn, and cut at the frame's edge like the others


def test_pictures_are_fitted_to_their_frame_before_lettering(art, comic, pictures, pages):
    """The page pastes the lettered picture as it is: it was already the frame's size, cropped around the focus."""
    frames = [frame for page in pages for frame in page.frames]
    for index, frame in enumerate(frames):
        assert art[index].image.size == (frame.width, frame.height)
    plain = Comic(title="Plain", layout=comic.layout, panels=[Panel(description="p", focus_x=0.0, focus_y=0.5)])
    wide = Image.new("RGB", (600, 200), (0, 0, 0))
    wide.paste((255, 0, 0), (0, 0, 100, 200))  # red at the left edge, where the focus is
    fitted = LetteredPanels(plain, [wide].__getitem__)[0].image
    assert fitted.size == (frames[0].width, frames[0].height)
    assert fitted.getpixel((2, fitted.height // 2)) == (255, 0, 0)


def test_a_right_to_left_comic_places_its_bubbles_to_be_read_right_to_left():
    bubbles = [Bubble(text="I am read first."), Bubble(text="And I come second.")]
    picture = Image.new("RGB", (600, 400), (200, 200, 200))
    placed = {
        direction: LetteredPanels(
            Comic(title="Manga", reading_direction=direction, panels=[Panel(description="p", bubbles=bubbles)]),
            [picture].__getitem__,
            find_faces_in=lambda _image: [],
        ).placed(0, picture)
        for direction in ("ltr", "rtl")
    }
    assert placed["ltr"][0].center[0] < placed["ltr"][1].center[0]
    assert placed["rtl"][0].center[0] > placed["rtl"][1].center[0]
