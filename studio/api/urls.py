from django.urls import path

from . import views

urlpatterns = [
    path("process-models/<slug:key>/draft/", views.Draft.as_view(), name="process-model-draft"),
]
