from django.urls import path

from . import (
    change_pages,
    decision_page,
    editor_page,
    form_designer,
    migration_pages,
    model_page,
    test_run_pages,
    views,
)

urlpatterns = [
    path("studio/", views.models, name="studio-models"),
    path("studio/upload/", views.upload, name="studio-upload"),
    path("studio/<slug:key>/", model_page.model_page, name="studio-model"),
    path("studio/<slug:key>/edit/", editor_page.editor, name="studio-editor"),
    path("studio/<slug:key>/edit/start/", editor_page.start, name="studio-editor-start"),
    path("studio/<slug:key>/edit/discard/", editor_page.discard, name="studio-editor-discard"),
    path("studio/<slug:key>/edit/submit/", change_pages.submit, name="studio-editor-submit"),
    path(
        "studio/<slug:key>/edit/decisions/<str:name>/",
        decision_page.decision_editor,
        name="studio-decision-editor",
    ),
    path("studio/<slug:key>/edit/forms/new/", form_designer.create, name="studio-form-create"),
    path("studio/<slug:key>/edit/forms/<str:name>/", form_designer.designer, name="studio-form-designer"),
    path(
        "studio/<slug:key>/edit/forms/<str:name>/preview/", form_designer.preview, name="studio-form-preview"
    ),
    path("studio/changes/<int:pk>/", change_pages.change_page, name="studio-change"),
    path("studio/changes/<int:pk>/decide/", change_pages.decide, name="studio-change-decide"),
    path("studio/<slug:key>/migrate/", migration_pages.migrate_page, name="studio-migrate"),
    path("studio/<slug:key>/migrate/dry-run/", migration_pages.dry_run, name="studio-migrate-dry-run"),
    path("studio/<slug:key>/migrate/start/", migration_pages.start, name="studio-migrate-start"),
    path("studio/migrations/<int:pk>/", migration_pages.batch_page, name="studio-batch"),
    path("studio/migrations/<int:pk>/resume/", migration_pages.resume, name="studio-batch-resume"),
    path("studio/<slug:key>/test-run/", test_run_pages.start, name="studio-test-run"),
    path("studio/<slug:key>/availability/", views.set_availability, name="studio-availability"),
    path("studio/<slug:key>/versions/<int:number>/download/", views.download, name="studio-download"),
]
