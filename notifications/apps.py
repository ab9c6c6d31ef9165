from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Core's daily retention job cannot import the apps; each brings its own steps.
        from core import retention

        from .retention import STEPS

        for name, step in STEPS.items():
            retention.register(name, step)
