"""Django app configuration of the accounts app."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Authors are Django users; this app adds the API and the local author."""

    name = "stripstudio.web.accounts"
    label = "accounts"
