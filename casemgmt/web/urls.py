"""The domain's pages; each area has its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("casemgmt.web.inbox_urls")),
    path("", include("casemgmt.web.task_urls")),
    path("", include("casemgmt.web.board_urls")),
    path("", include("casemgmt.web.registry_urls")),
    path("", include("casemgmt.web.cases_urls")),
    path("", include("casemgmt.web.public_urls")),
    path("", include("casemgmt.web.archive_urls")),
    path("", include("casemgmt.web.account_urls")),
]
