"""The domain's pages; each area has its own URL module."""

from django.urls import include, path

from casemgmt.web import home

urlpatterns = [
    path("", home.home, name="home"),
    path("", include("casemgmt.inbox.urls")),
    path("", include("casemgmt.inbox.task_urls")),
    path("", include("casemgmt.cases.web.board_urls")),
    path("", include("casemgmt.registry.web.urls")),
    path("", include("casemgmt.cases.web.urls")),
    path("", include("casemgmt.public.urls")),
    path("", include("casemgmt.consent.urls")),
    path("", include("casemgmt.rights.urls")),
    path("", include("casemgmt.archive.web.urls")),
    path("", include("casemgmt.reveal.web.urls")),
    path("", include("casemgmt.web.account_urls")),
]
