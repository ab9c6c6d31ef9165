from django.urls import path

from . import record, record_export, views

urlpatterns = [
    path("instances/", views.instance_admin, name="instance-admin"),
    path("instances/<int:pk>/", views.instance_admin_detail, name="instance-admin-detail"),
    # Before the generic action route, which would otherwise take these for action names.
    path("instances/<int:pk>/record/", record.approval_record, name="instance-record"),
    path("instances/<int:pk>/record.xlsx", record_export.approval_record_xlsx, name="instance-record-xlsx"),
    path("instances/<int:pk>/migrate/", views.instance_admin_migrate, name="instance-admin-migrate"),
    path(
        "instances/<int:pk>/<slug:action>/",
        views.instance_admin_action,
        name="instance-admin-action",
    ),
]
