"""Pages of the scorecard app."""

from django.urls import path

from . import evaluations, evidence, reports, sheet, typical_cases

urlpatterns = [
    path("scorecard/", evaluations.evaluation_list, name="scorecard-list"),
    path("scorecard/<int:pk>/", sheet.evaluation_detail, name="scorecard-detail"),
    path("scorecard/<int:pk>/score/", sheet.evaluation_score, name="scorecard-score"),
    path("scorecard/<int:pk>/recompute/", sheet.evaluation_recompute, name="scorecard-recompute"),
    path("scorecard/<int:pk>/submit/", sheet.evaluation_submit, name="scorecard-submit"),
    path(
        "scorecard/<int:pk>/items/<int:item_pk>/records/", sheet.evaluation_records, name="scorecard-records"
    ),
    path("scorecard/<int:pk>/what-if/", sheet.evaluation_whatif, name="scorecard-whatif"),
    path("scorecard/projects/<int:pk>/what-if/", sheet.project_whatif, name="scorecard-project-whatif"),
    path("scorecard/<int:pk>/report.pdf", reports.evaluation_pdf, name="scorecard-pdf"),
    path("scorecard/<int:pk>/report.xlsx", reports.evaluation_xlsx, name="scorecard-xlsx"),
    path("scorecard/evidence/<int:pk>/", evidence.evidence_download, name="scorecard-evidence"),
    path("scorecard/evidence/<int:pk>/remove/", evidence.evidence_remove, name="scorecard-evidence-remove"),
    path("scorecard/typical-cases/", typical_cases.typical_case_list, name="scorecard-typical-cases"),
    path(
        "scorecard/typical-cases/new/",
        typical_cases.typical_case_create,
        name="scorecard-typical-case-create",
    ),
    path(
        "scorecard/typical-cases/<int:pk>/review/",
        typical_cases.typical_case_review,
        name="scorecard-typical-case-review",
    ),
]
