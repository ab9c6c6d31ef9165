from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "casemgmt.promotion"
    label = "promotion"
    verbose_name = _("Naming and promotion")

    def ready(self) -> None:
        # ready() runs in every process (web, Celery worker, manage.py, tests), after the
        # workflows and casemgmt apps (INSTALLED_APPS order): the service tasks of
        # site_promotion.bpmn and typical_cases.bpmn, and the assessment's facts beside a task.
        from casemgmt.inbox.task_facts import register_related_facts

        from . import handlers
        from .task_facts import assessment_facts

        handlers.register()
        register_related_facts(assessment_facts)
