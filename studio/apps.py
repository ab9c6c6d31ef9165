from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The process studio: process admins list, upload, deploy, download and disable models."""

    name = "studio"
    default_auto_field = "django.db.models.BigAutoField"
