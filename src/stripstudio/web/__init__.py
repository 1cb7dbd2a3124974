"""The studio server: Django project, API, accounts."""
