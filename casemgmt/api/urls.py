from django.urls import include, path

urlpatterns = [
    path("", include("casemgmt.registry.api.urls")),
    path("", include("casemgmt.cases.api.urls")),
    path("", include("casemgmt.archive.api.urls")),
]
