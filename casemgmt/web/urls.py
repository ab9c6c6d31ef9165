"""The domain's pages; each area has its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("casemgmt.web.inbox_urls")),
    path("", include("casemgmt.web.task_urls")),
    path("", include("casemgmt.web.board_urls")),
]
