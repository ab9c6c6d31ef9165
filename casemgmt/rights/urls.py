"""Pages of the rights area: the enterprise's own personal data and its correction requests."""

from django.urls import URLPattern, path

from casemgmt.rights import pages

urlpatterns: list[URLPattern] = [
    path("my/personal-data/", pages.personal_data, name="rights-personal-data"),
    path("my/personal-data/corrections/", pages.correction_request, name="rights-correction-request"),
]
