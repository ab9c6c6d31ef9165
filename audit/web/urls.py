from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.review, name="audit-review"),
]
