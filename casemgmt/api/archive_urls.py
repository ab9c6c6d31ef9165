"""REST endpoints of the archive area."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
