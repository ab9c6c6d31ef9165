"""The public privacy notice page."""

from django.urls import URLPattern, path

from casemgmt.consent import pages

urlpatterns: list[URLPattern] = [
    path("privacy/", pages.privacy_notice, name="privacy-notice"),
]
