"""Pages of the cases area."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
