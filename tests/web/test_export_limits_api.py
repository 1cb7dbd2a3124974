"""Page-size limits at the API: a page too large is refused when the layout is saved (422 at the field,
nothing changed); an export of too many page pixels is refused when it is asked for, naming the dpi."""

from __future__ import annotations

from stripstudio.jobs.models import Job
from tests.web.test_content_api import api, comic  # noqa: F401 - fixtures


def test_saving_a_1200_dpi_page_layout_is_refused_at_the_field_and_changes_nothing(api, comic):  # noqa: F811
    before = api.call("GET", f"/api/comics/{comic['id']}")
    layout = {"mode": "pages", "page": {"paper": "A4", "dpi": 1200}}
    problems = api.invalid("PATCH", f"/api/comics/{comic['id']}", {"layout": layout})
    (field, message), *_ = problems.items()
    assert field.startswith("layout.page") and "set dpi to 888 or less" in message and "megapixel" in message
    assert api.call("GET", f"/api/comics/{comic['id']}") == before


def test_an_export_of_too_many_page_pixels_is_refused_before_it_is_queued(api, comic):  # noqa: F811
    layout = {"mode": "pages", "page": {"paper": "A4", "dpi": 880, "preset": "single"}}
    api.call("PATCH", f"/api/comics/{comic['id']}", json={"layout": layout})
    for number in range(38):
        api.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": f"panel {number}"})
    refused = api.call("POST", f"/api/comics/{comic['id']}/exports", 422, {"formats": ["pdf"]})
    assert "layout.page.dpi" in refused["detail"] and "gigapixel limit" in refused["detail"]
    assert not Job.objects.exists()
