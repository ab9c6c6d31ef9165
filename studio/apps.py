from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The process studio: process admins list, upload, edit, review, deploy, download and
    disable models."""

    name = "studio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import change_handlers

        change_handlers.register()
