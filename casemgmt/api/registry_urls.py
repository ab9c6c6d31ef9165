"""REST endpoints of the registry area."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
