"""URLs: the API, its event streams, the admin, and the browser studio for everything else."""

from django.contrib import admin
from django.urls import path, re_path

from stripstudio.web.api import api
from stripstudio.web.frontend.views import studio_page
from stripstudio.web.studio.streams import comic_events, job_events

urlpatterns = [
    path("api/jobs/<uuid:job_id>/events", job_events, name="job-events"),
    path("api/comics/<int:comic_id>/events", comic_events, name="comic-events"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    re_path(r"^(?!api/|admin/|static/).*$", studio_page, name="studio"),
]
