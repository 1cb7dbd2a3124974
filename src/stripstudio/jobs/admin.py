"""The admin for staff: jobs with their state, attempts and worker."""

from django.contrib import admin

from stripstudio.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs with their state, attempts and worker."""

    list_display = ("id", "kind", "status", "owner", "attempts", "worker", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("id", "owner__username", "worker")
