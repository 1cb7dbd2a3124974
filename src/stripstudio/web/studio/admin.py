"""The admin for staff: every table, read mostly, searchable by owner."""

from django.contrib import admin

from stripstudio.web.studio import models


@admin.register(models.Comic)
class ComicAdmin(admin.ModelAdmin):
    """Comics by title and owner."""

    list_display = ("title", "owner", "updated_at")
    search_fields = ("title", "owner__username")


@admin.register(models.Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs with their state, attempts and worker."""

    list_display = ("id", "kind", "status", "owner", "attempts", "worker", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("id", "owner__username", "worker")


for model in (models.Character, models.Panel, models.Bubble, models.Asset, models.GeneratedImage, models.Export):
    admin.site.register(model)
