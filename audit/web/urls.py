from django.urls import path

from . import access_pages, exports, views

urlpatterns = [
    path("audit/", views.review, name="audit-review"),
    path("audit/events/<int:pk>/", views.event_detail, name="audit-event"),
    # `path`: a business key may contain a slash.
    path("audit/cases/<path:key>/", views.case_timeline, name="audit-case-timeline"),
    path("audit/export.csv", exports.export_csv, name="audit-export-csv"),
    path("audit/export.xlsx", exports.export_xlsx, name="audit-export-xlsx"),
    path("audit/verify/", views.verify_now, name="audit-verify"),
    path("audit/access/", access_pages.access_log, name="audit-access"),
]
