"""Pages of the scorecard app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
