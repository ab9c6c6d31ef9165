"""Pages of the public area."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
