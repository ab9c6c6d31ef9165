from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasemgmtConfig(AppConfig):
    name = "casemgmt"
    verbose_name = _("Case management")

    def ready(self) -> None:
        # The engine knows nothing of the domain: the domain plugs its lane resolver, actor
        # directory and service-task handlers in here, once, when Django starts.
        from . import engine_bindings

        engine_bindings.install()
        # The core's facts beside a task come first; the nested apps (listed after casemgmt in
        # INSTALLED_APPS) add theirs from their own ready().
        from casemgmt.cases.task_facts import case_facts
        from casemgmt.inbox.task_facts import register_related_facts

        register_related_facts(case_facts)
        # API tokens die with a password change: the receivers must be connected in every
        # process (web, worker, manage.py changepassword), not only once the URLs are loaded.
        from core.http import api_tokens  # noqa: F401
