"""The studio's JSON API (Django Ninja): one router per resource, assembled in ``stripstudio.web.api``."""
