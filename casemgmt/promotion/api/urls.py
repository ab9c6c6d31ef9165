"""REST endpoints of the promotion app."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("promotion/pipeline/", views.Pipeline.as_view(), name="promotion-api-pipeline"),
    path(
        "promotion/projects/<slug:code>/assessments/",
        views.ProjectAssessments.as_view(),
        name="promotion-api-assessments",
    ),
    path(
        "promotion/projects/<slug:code>/start/", views.StartAssessment.as_view(), name="promotion-api-start"
    ),
]
