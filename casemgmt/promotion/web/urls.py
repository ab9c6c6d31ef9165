"""Pages of the promotion app."""

from django.urls import URLPattern, path

from . import pages, start

urlpatterns: list[URLPattern] = [
    path("promotion/", pages.report, name="promotion-report"),
    path("promotion/projects/<int:pk>/", pages.project_history, name="promotion-project"),
    path("promotion/start/", start.start, name="assessment-start"),
    path("promotion/nominations/<int:pk>/package/", pages.package, name="promotion-package"),
    path("promotion/tasks/<int:pk>/apply/", pages.apply, name="promotion-apply"),
]
