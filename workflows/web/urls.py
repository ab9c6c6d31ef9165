from django.urls import path

from . import views

urlpatterns = [
    path("instances/", views.instance_admin, name="instance-admin"),
]
