from django.urls import include, path

urlpatterns = [
    path("", include("casemgmt.api.registry_urls")),
    path("", include("casemgmt.api.cases_urls")),
    path("", include("casemgmt.api.archive_urls")),
]
