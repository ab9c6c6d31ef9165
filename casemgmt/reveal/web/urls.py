"""The reveal action's URL."""

from django.urls import path

from casemgmt.reveal.web import views

urlpatterns = [
    path("personal/reveal/", views.reveal, name="personal-reveal"),
]
