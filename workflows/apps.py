from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflow engine")

    def ready(self) -> None:
        # The audit pages label a task's payload by its form (audit imports no app above it).
        from . import audit_words

        audit_words.register()
