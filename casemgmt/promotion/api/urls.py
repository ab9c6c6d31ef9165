"""REST endpoints of the promotion app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
