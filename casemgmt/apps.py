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
        # API tokens die with a password change: the receivers must be connected in every
        # process (web, worker, manage.py changepassword), not only once the URLs are loaded.
        from core.http import api_tokens  # noqa: F401
