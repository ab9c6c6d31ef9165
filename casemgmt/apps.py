from django.apps import AppConfig


class CasemgmtConfig(AppConfig):
    name = "casemgmt"
    verbose_name = "Case management"

    def ready(self) -> None:
        # The engine knows nothing of the domain: the domain plugs its lane resolver, actor
        # directory and service-task handlers in here, once, when Django starts.
        from . import engine_bindings

        engine_bindings.install()
