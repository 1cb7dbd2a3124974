"""The admin for staff: every studio table, read mostly, searchable by owner (jobs: the jobs app's admin)."""

from django.contrib import admin

from stripstudio.web.studio import models


@admin.register(models.Comic)
class ComicAdmin(admin.ModelAdmin):
    """Comics by title and owner."""

    list_display = ("title", "owner", "updated_at")
    search_fields = ("title", "owner__username")


for model in (models.Character, models.Panel, models.Bubble, models.Asset, models.GeneratedImage, models.Export):
    admin.site.register(model)
