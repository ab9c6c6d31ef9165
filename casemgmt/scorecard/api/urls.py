"""REST endpoints of the scorecard app."""

from django.urls import path

from . import typical_cases, views

urlpatterns = [
    path("scorecard/evaluations/", views.EvaluationList.as_view(), name="scorecard-api-evaluations"),
    path(
        "scorecard/evaluations/<int:pk>/", views.EvaluationDetail.as_view(), name="scorecard-api-evaluation"
    ),
    path(
        "scorecard/evaluations/<int:pk>/score/", views.EvaluationScore.as_view(), name="scorecard-api-score"
    ),
    path(
        "scorecard/evaluations/<int:pk>/submit/",
        views.EvaluationSubmit.as_view(),
        name="scorecard-api-submit",
    ),
    path(
        "scorecard/projects/<int:pk>/what-if/",
        views.ProjectWhatIf.as_view(),
        name="scorecard-api-project-whatif",
    ),
    path(
        "scorecard/evaluations/<int:pk>/what-if/",
        views.EvaluationWhatIf.as_view(),
        name="scorecard-api-whatif",
    ),
    path(
        "scorecard/typical-cases/",
        typical_cases.TypicalCaseList.as_view(),
        name="scorecard-api-typical-cases",
    ),
    path(
        "scorecard/typical-cases/<int:pk>/",
        typical_cases.TypicalCaseDetail.as_view(),
        name="scorecard-api-typical-case",
    ),
    path(
        "scorecard/typical-cases/<int:pk>/review/",
        typical_cases.TypicalCaseReview.as_view(),
        name="scorecard-api-typical-case-review",
    ),
]
